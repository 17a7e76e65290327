"""Snapshots of every template, as a reader of each language receives it.

One file per reader language in ``snapshots/``. A change to a text or a translation shows up
here as a diff to review. After an intended change, rewrite the files and review the diff::

    GEMIST_UPDATE_SNAPSHOTS=1 pytest tests/messages/test_snapshots.py
    git diff tests/messages/snapshots/
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from messages import TEMPLATES, Rendered
from tests.messages.support import LANGUAGES, renderings

SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("GEMIST_UPDATE_SNAPSHOTS") == "1"


def _show(template_id: str, rendered: Rendered) -> str:
    lines = [
        f"=== {template_id} [{rendered.lang}] ===",
        f"Subject: {rendered.subject}",
        rendered.text,
    ]
    lines += [f"[{button.key}] {button.label}" for button in rendered.buttons]
    return "\n".join(lines)


def _snapshot(lang: str) -> str:
    shown = [
        _show(template.id, rendered)
        for template, reader, rendered in renderings()
        if reader == lang
    ]
    return "\n\n".join(shown) + "\n"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_snapshot(lang: str) -> None:
    path = SNAPSHOTS / f"{lang}.txt"
    actual = _snapshot(lang)
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with GEMIST_UPDATE_SNAPSHOTS=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if intended: GEMIST_UPDATE_SNAPSHOTS=1 pytest {__file__}"
    )


def test_every_template_has_a_snapshot() -> None:
    for lang in LANGUAGES:
        text = (SNAPSHOTS / f"{lang}.txt").read_text(encoding="utf-8")
        for template_id in TEMPLATES:
            assert f"=== {template_id} [" in text, (lang, template_id)
