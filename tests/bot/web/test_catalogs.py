"""The pages' own catalogs (gettext domain ``web``): up to date with the templates and the code,
complete in every family language, with the same placeholders as the Dutch source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.web.i18n import LOCALES_DIR, Reader, WebCatalogs
from messages import FAMILY_LANGUAGES, SOURCE_LANGUAGE

ROOT = Path(__file__).resolve().parents[3]
TRANSLATED = [lang for lang in FAMILY_LANGUAGES if lang != SOURCE_LANGUAGE]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _source_texts() -> set[str]:
    method_map = [("bot/web/templates/**.html", "jinja2"), ("bot/web/**.py", "python")]
    found = extract_from_dir(
        str(ROOT), method_map=method_map, keywords={"_": None, "gettext": None}
    )
    return {message for _file, _line, message, _comments, _context in found}


def _catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def test_the_template_holds_every_text_of_the_pages_and_no_other():
    template = {m.id for m in _catalog(LOCALES_DIR / "web.pot") if m.id}
    assert template == _source_texts()


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_text_is_translated_with_its_placeholders(lang):
    path = LOCALES_DIR / lang / "LC_MESSAGES" / "web.po"
    catalog = _catalog(path)
    expected = {m.id for m in _catalog(LOCALES_DIR / "web.pot") if m.id}
    entries = {m.id: m for m in catalog if m.id}
    assert set(entries) == expected
    for msgid, message in entries.items():
        assert message.string, msgid
        assert not message.fuzzy, msgid
        assert set(PLACEHOLDER.findall(message.string)) == set(PLACEHOLDER.findall(msgid)), msgid


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_page_reads_in_the_language_and_a_guardian_sees_the_dutch_too(lang):
    reader = Reader.of(WebCatalogs(), lang, guardian=True)
    said = reader.gettext("Geen berichten meer van %(school)s langs deze weg?") % {
        "school": "Sint-Jozef"
    }
    assert said.text != said.original
    assert "Sint-Jozef" in said.text
    assert said.original == "Geen berichten meer van Sint-Jozef langs deze weg?"
    html = said.__html__()
    assert html.endswith('<span class="original" lang="nl" dir="ltr">'
                         "Geen berichten meer van Sint-Jozef langs deze weg?</span>")  # fmt: skip


def test_a_pupil_and_a_dutch_reader_see_one_language():
    assert Reader.of(WebCatalogs(), "tr").gettext("Versturen").original is None
    assert Reader.of(WebCatalogs(), "nl", guardian=True).gettext("Versturen").original is None
    assert Reader.of(WebCatalogs(), "xx").lang == "nl"


def test_a_translation_cannot_inject_markup():
    reader = Reader.of(WebCatalogs(), "en")
    said = reader.gettext("Geen berichten meer van %(school)s langs deze weg?") % {
        "school": "<b>School</b>"
    }
    assert "<b>" not in said.__html__()
    assert "&lt;b&gt;" in said.__html__()
