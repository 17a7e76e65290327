"""``gemist messages preview``, through the real command line."""

from __future__ import annotations

import pytest

from bot.cli import main
from messages import TEMPLATES


def test_preview_every_template_in_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "preview"]) == 0
    out = capsys.readouterr().out
    for template_id in TEMPLATES:
        assert f"=== {template_id} · " in out
    assert "Hoi Yasmine, we hebben je vandaag gemist op school." in out
    assert "Sint-Jozefcollege" in out
    assert "mevrouw Claes (leerlingenbegeleiding)" in out
    assert "{" not in out


def test_preview_one_kind_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "preview", "--lang", "fr", "--kind", "guardian_notice"]) == 0
    out = capsys.readouterr().out
    assert "=== guardian_notice.first · ouder · fr+nl ===" in out
    assert "=== guardian_notice.followup · ouder · fr+nl ===" in out
    assert "pupil_checkin" not in out
    assert "[Mon enfant est malade]  [Je contacte l'école]" in out
    assert "subject: Une question au sujet de Yasmine / Een vraag over Yasmine" in out


def test_preview_one_template(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "preview", "--kind", "teacher_welcome"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("=== teacher_welcome · leerkracht · nl ===")
    assert "buddy" in out


def test_preview_language_without_catalog_shows_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "preview", "--lang", "sw", "--kind", "pupil_checkin.first"]) == 0
    assert "· nl ===" in capsys.readouterr().out


def test_preview_unknown_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["messages", "preview", "--kind", "nope"]) == 2
    err = capsys.readouterr().err
    assert "'nope'" in err
    assert "guardian_notice" in err
