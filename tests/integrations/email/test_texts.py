"""The e-mail's own words exist in every family language: each ``email.po`` translates every
text, keeps its placeholder, and nothing is left fuzzy; the template matches the code."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from integrations.email.texts import (
    DOMAIN,
    LOCALES_DIR,
    MSGIDS,
    EmailCatalogs,
    wording,
)
from messages import FAMILY_LANGUAGES, SOURCE_LANGUAGE

TRANSLATED = [lang for lang in FAMILY_LANGUAGES if lang != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def test_every_family_language_has_a_catalog_and_no_other():
    assert EmailCatalogs().languages() == sorted(TRANSLATED)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_catalog_translates_every_text_with_its_placeholders(lang):
    with EmailCatalogs().path(lang).open("rb") as file:
        catalog = read_po(file, locale=lang, domain=DOMAIN)

    entries = {message.id: message for message in catalog if message.id}
    assert set(entries) == set(MSGIDS)
    for msgid, entry in entries.items():
        assert isinstance(entry.string, str), msgid
        assert entry.string.strip(), msgid
        assert not entry.fuzzy, msgid
        assert PLACEHOLDER.findall(entry.string) == PLACEHOLDER.findall(msgid), msgid
        assert entry.string != msgid, f"{lang}: {msgid!r} is still Dutch"


def test_the_template_holds_every_text_of_the_code():
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("rb") as file:
        template = read_po(file, domain=DOMAIN)
    assert {message.id for message in template if message.id} == set(MSGIDS)


@pytest.mark.parametrize("lang", FAMILY_LANGUAGES)
def test_the_wording_of_every_language_fills_in_the_school(lang):
    words = wording(lang, "guardian", "Sint-Jozefcollege")

    assert "Sint-Jozefcollege" in words.why
    assert "Sint-Jozefcollege" in words.subject
    if lang != SOURCE_LANGUAGE:
        assert words.unsubscribe != "Afmelden"


def test_a_regional_code_falls_back_to_its_language_and_an_unknown_one_to_dutch():
    assert wording("pt_BR", "pupil", "X").unsubscribe == wording("pt", "pupil", "X").unsubscribe
    assert wording("xx", "pupil", "X").unsubscribe == "Afmelden"
