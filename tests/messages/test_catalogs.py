"""The gettext catalogs: in sync with the templates, complete where a language is tested, Arabic
plurals."""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from messages import STAFF_LANGUAGES, TEMPLATES, Audience, Catalogs
from messages._catalogs import LOCALES_DIR
from messages._model import fields_of
from messages._placeholders import CHANNEL_WORDS, SIGNER_ROLES
from messages._render import TRANSLATION_LABEL
from tests.messages.support import COMPLETE

# CLDR's Arabic plural categories in gettext's order. Babel 2.18 writes
# "n%100>=0 && n%100<=2 ? 4 : 5" for the fifth form, which sends 11-99 to "other" and
# 100-102 to "many": the header below is written by hand and pinned here.
ARABIC_PLURAL_FORMS = (
    "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
    "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
)
ARABIC_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _source_ids() -> set[str]:
    ids = {msgid for template in TEMPLATES.values() for msgid in template.msgids}
    return ids | {TRANSLATION_LABEL} | SIGNER_ROLES | set(CHANNEL_WORDS.values())


def _po_ids(path: Path) -> set[str]:
    with path.open("rb") as file:
        catalog = read_po(file)
    ids: set[str] = set()
    for message in catalog:
        if message.id:
            ids.update([message.id] if isinstance(message.id, str) else message.id)
    return ids


def test_template_file_is_in_sync_with_the_templates() -> None:
    """A changed Dutch text needs `pybabel extract` and `update` (messages/__init__.py)."""
    assert _po_ids(LOCALES_DIR / "gemist.pot") == _source_ids()


@pytest.mark.parametrize(
    "lang", sorted(p.parent.parent.name for p in LOCALES_DIR.glob("*/LC_MESSAGES/gemist.po"))
)
def test_catalogs_are_updated(lang: str) -> None:
    assert _po_ids(Catalogs().path(lang)) == _source_ids()


@pytest.mark.parametrize("lang", COMPLETE)
def test_complete_languages_translate_everything_their_readers_get(lang: str) -> None:
    """Staff languages translate every text; family languages every text a pupil, a guardian
    or anyone (onboarding) can receive (issue 4: staff texts in nl, fr and en)."""
    loaded = Catalogs().get(lang)
    assert loaded is not None
    needed = {TRANSLATION_LABEL, *SIGNER_ROLES}  # a signer's role is in every family text
    if lang in STAFF_LANGUAGES:  # a channel is named to the spilfiguur
        needed.update(CHANNEL_WORDS.values())
    for template in TEMPLATES.values():
        if (
            lang in STAFF_LANGUAGES
            or template.audience.is_family
            or (template.audience is Audience.ANYONE)
        ):
            needed.update(template.msgids)
    assert needed - loaded.complete == set()


@pytest.mark.parametrize("lang", COMPLETE)
def test_translations_keep_the_placeholders(lang: str) -> None:
    with Catalogs().path(lang).open("rb") as file:
        catalog = read_po(file)
    for message in catalog:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[1]
        strings = [message.string] if isinstance(message.string, str) else message.string or ()
        for string in filter(None, strings):  # untranslated: falls back to Dutch
            assert set(fields_of(string)) == set(fields_of(source)), (lang, source)


def test_arabic_plural_forms_header_is_pinned() -> None:
    with Catalogs().path("ar").open("rb") as file:
        catalog = read_po(file, locale="ar")
    assert catalog.plural_forms == ARABIC_PLURAL_FORMS


def test_arabic_plural_forms_follow_cldr() -> None:
    """The header, evaluated as gettext does, agrees with CLDR's rules for 0 to 1000."""
    loaded = Catalogs().get("ar")
    assert loaded is not None
    expression = ARABIC_PLURAL_FORMS.split("plural=", 1)[1].rstrip(";")
    plural = gettext.c2py(expression)
    rule = Locale.parse("ar").plural_form
    for n in range(1001):
        assert ARABIC_CATEGORIES[plural(n)] == rule(n), n
    # The loaded catalog uses the header too (not Babel's own table).
    assert loaded.translations.plural(103) == 3
    assert loaded.translations.plural(111) == 4


def test_catalogs_load_from_the_po_file_alone(tmp_path: Path) -> None:
    """A fresh install has no compiled .mo files: the .po is compiled in memory."""
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(Catalogs().path("fr"), folder / "gemist.po")
    loaded = Catalogs(tmp_path).get("fr")
    assert loaded is not None
    assert loaded.translations.gettext("Beste ouder,") == "Chers parents,"
    assert not list(tmp_path.rglob("*.mo"))


@pytest.mark.parametrize(
    "lang", sorted(path.parent.parent.name for path in LOCALES_DIR.glob("*/LC_MESSAGES/gemist.po"))
)
def test_plural_forms_split_numbers_as_cldr_does(lang: str) -> None:
    """Every catalog's ``Plural-Forms`` sorts 0 to 1000 into the same groups as CLDR's rules.

    The order of the forms is the header's own, so only the grouping is compared: one gettext
    form per CLDR category, and back.
    """
    with Catalogs().path(lang).open("rb") as file:
        catalog = read_po(file, locale=lang)
    expression = catalog.plural_forms.split("plural=", 1)[1].strip().rstrip(";")
    plural = gettext.c2py(expression)
    rule = Locale.parse(lang).plural_form
    pairs = {(plural(n), rule(n)) for n in range(1001)}
    forms = {form for form, _ in pairs}
    assert len(forms) == len(pairs), f"{lang}: one gettext form covers two CLDR categories"
    assert len({category for _, category in pairs}) == len(pairs), (
        f"{lang}: one CLDR category is split over two gettext forms"
    )
    assert forms == set(range(catalog.num_plurals)), f"{lang}: forms {sorted(forms)} in use"


def test_french_punctuation_keeps_its_no_break_space() -> None:
    """French writes a space before ? ! : ; and inside « »; an ordinary one lets Telegram wrap
    the mark onto a line of its own, so the catalog uses U+00A0 or U+202F there."""
    with (LOCALES_DIR / "fr" / "LC_MESSAGES" / "gemist.po").open("rb") as file:
        catalog = read_po(file)
    loose = [
        text
        for message in catalog
        if message.id
        for text in ([message.string] if isinstance(message.string, str) else message.string)
        if any(pair in text for pair in (" ?", " !", " :", " ;", " »", "« "))
    ]
    assert loose == []
