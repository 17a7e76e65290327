"""The Smartschool message's own words exist in every family language: each
``smartschool.po`` translates every text, keeps its placeholder, nothing is left fuzzy, the
template matches the code, and no text speaks of an e-mail."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from integrations.smartschool.texts import CATALOGS, DOMAIN, LOCALES_DIR, MSGIDS, wording
from messages import FAMILY_LANGUAGES, SOURCE_LANGUAGE

TRANSLATED = [lang for lang in FAMILY_LANGUAGES if lang != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"\{(\w*)\}")
# "e-mail" in the family languages (a catalog copied from the e-mail's would say it).
E_MAIL = re.compile(
    r"e-?mail|ایمیل|برېښنالیک|ኢመይል|e-posta|письм|имейл|correo|iimayl|лист", re.IGNORECASE
)


def _catalog(lang: str):
    with CATALOGS.path(lang).open("rb") as file:
        return read_po(file, locale=lang, domain=DOMAIN)


def test_every_family_language_has_a_catalog_and_no_other():
    assert CATALOGS.languages() == sorted(TRANSLATED)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_catalog_translates_every_text_with_its_placeholders(lang):
    entries = {message.id: message for message in _catalog(lang) if message.id}

    assert set(entries) == set(MSGIDS)
    for msgid, entry in entries.items():
        assert isinstance(entry.string, str), msgid
        assert entry.string.strip(), msgid
        assert not entry.fuzzy, msgid
        assert PLACEHOLDER.findall(entry.string) == PLACEHOLDER.findall(msgid), msgid
        assert entry.string != msgid, f"{lang}: {msgid!r} is still Dutch"
        assert not E_MAIL.search(entry.string), f"{lang}: {entry.string!r} speaks of e-mail"
        if "Smartschool" in msgid:
            assert "Smartschool" in entry.string, f"{lang}: the platform's name is kept"


def test_the_template_holds_every_text_of_the_code():
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("rb") as file:
        template = read_po(file, domain=DOMAIN)
    assert {message.id for message in template if message.id} == set(MSGIDS)


@pytest.mark.parametrize("lang", FAMILY_LANGUAGES)
@pytest.mark.parametrize("role", ["guardian", "pupil", "coordinator"])
def test_the_wording_of_every_language_and_reader_fills_in_the_school(lang, role):
    words = wording(lang, role, "Sint-Jozefcollege")

    assert "Sint-Jozefcollege" in words.why
    assert "Sint-Jozefcollege" in words.subject
    assert "Smartschool" in words.reply
    if lang != SOURCE_LANGUAGE:
        assert words.why != wording(SOURCE_LANGUAGE, role, "Sint-Jozefcollege").why


def test_a_regional_code_falls_back_to_its_language_and_an_unknown_one_to_dutch():
    assert wording("pt_BR", "pupil", "X").stop == wording("pt", "pupil", "X").stop
    assert wording("xx", "pupil", "X").unsubscribe == "Afmelden"
