"""The languages' own names on the language buttons are CLDR's."""

from __future__ import annotations

import pytest

from messages._languages import AUTONYMS, FAMILY_LANGUAGES, autonym, cldr_autonym


def test_every_family_language_has_its_own_name_in_the_table() -> None:
    assert set(AUTONYMS) == set(FAMILY_LANGUAGES)


@pytest.mark.parametrize("lang", FAMILY_LANGUAGES)
def test_the_table_says_what_cldr_says(lang: str) -> None:
    assert AUTONYMS[lang] == cldr_autonym(lang)


def test_a_language_outside_the_table_is_named_by_cldr() -> None:
    assert autonym("nl_BE") == "Nederlands (België)"
