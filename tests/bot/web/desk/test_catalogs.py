"""The desk's own catalogs (gettext domain ``desk``): up to date with its templates and code,
complete in French and English with the Dutch source's placeholders, and apart from the
answer pages' ``web`` domain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.web.desk.base import DOMAIN
from bot.web.i18n import LOCALES_DIR

ROOT = Path(__file__).resolve().parents[4]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _source_texts() -> set[str]:
    method_map = [
        ("bot/web/desk/templates/**.html", "jinja2"),
        ("bot/web/desk/**.py", "python"),
    ]
    found = extract_from_dir(str(ROOT), method_map=method_map, keywords={"_": None, "D_": None})
    return {message for _file, _line, message, _comments, _context in found}


def _ids(path: Path) -> dict[str, object]:
    with path.open("rb") as handle:
        return {m.id: m for m in read_po(handle) if m.id}


def test_the_template_holds_every_text_of_the_desk_and_no_other():
    """After a change: the pybabel commands in bot/web/desk/__init__.py."""
    assert set(_ids(LOCALES_DIR / f"{DOMAIN}.pot")) == _source_texts()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_text_is_translated_with_its_placeholders(lang):
    expected = set(_ids(LOCALES_DIR / f"{DOMAIN}.pot"))
    entries = _ids(LOCALES_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
    assert set(entries) == expected
    for msgid, message in entries.items():
        assert message.string, msgid  # type: ignore[attr-defined]
        assert not message.fuzzy, msgid  # type: ignore[attr-defined]
        found = set(PLACEHOLDER.findall(message.string))  # type: ignore[attr-defined]
        assert found == set(PLACEHOLDER.findall(msgid)), msgid
