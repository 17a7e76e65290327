"""``gemist rules history``, ``save``, ``restore`` and ``preview`` on a real database (both
backends)."""

from __future__ import annotations

import asyncio

import pytest

from bot.cli import main
from bot.rulebook import versions
from tests.bot.rulebook.test_preview import END, START, school_with_history

SCHOOL = "school"  # the id without a configuration


@pytest.fixture
def gemist(db_url, monkeypatch):
    for name in ("GEMIST_CONFIG", "GEMIST_DATABASE_URL", "GEMIST_RULES"):
        monkeypatch.delenv(name, raising=False)
    return lambda *args: main(["--db", db_url, *args])


async def run(gemist, *args: str) -> int:  # type: ignore[no-untyped-def]
    # main() runs its own event loop: off this test's loop, in a thread.
    return await asyncio.to_thread(gemist, *args)


async def test_save_history_and_restore(gemist, engine, tmp_path, capsys):
    await school_with_history(engine, SCHOOL)
    later = tmp_path / "later.yaml"
    later.write_text("pupil:\n  checkin_at: '11:00'\n", encoding="utf-8")
    no_b = tmp_path / "no-b.yaml"
    no_b.write_text("codes:\n  B: {pupil_checkin: false}\n", encoding="utf-8")

    assert await run(gemist, "rules", "history") == 0
    assert "No saved version: the bot uses the defaults (no rules file)." in capsys.readouterr().out

    assert await run(gemist, "rules", "save", str(later), "--by", "S02") == 0
    out = capsys.readouterr().out
    assert "saved version 1 by S02: pupil.checkin_at" in out
    assert "from its next planner tick" in out
    assert await run(gemist, "rules", "save", str(no_b), "--by", "S01") == 0
    assert await run(gemist, "rules", "restore", "1", "--by", "S01") == 0
    assert "saved version 3 by S01: restored version 1: " in capsys.readouterr().out

    assert await run(gemist, "rules", "history") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("*   3  ")
    assert "S01" in lines[0]
    assert "restored version 1" in lines[0]
    assert lines[1].startswith("    2  ")
    assert lines[1].endswith("codes.B.pupil_checkin, pupil.checkin_at")  # back to 10:30
    assert lines[2].startswith("    1  ")
    assert "S02" in lines[2]
    assert lines[-1] == "(* in force: version 3)"


async def test_what_cannot_be_saved_or_restored_is_said_and_nothing_is_stored(
    gemist, engine, tmp_path, capsys
):
    await school_with_history(engine, SCHOOL)
    too_late = tmp_path / "too-late.yaml"
    too_late.write_text("nudges:\n  problematic_half_days: 6\n", encoding="utf-8")
    fine = tmp_path / "fine.yaml"
    fine.write_text("", encoding="utf-8")

    assert await run(gemist, "rules", "save", str(too_late), "--by", "S02") == 2
    assert "nudges.problematic_half_days: 6 is too late" in capsys.readouterr().err
    assert await run(gemist, "rules", "save", str(fine), "--by", "S404") == 2
    assert "'S404' is not an active staff member" in capsys.readouterr().err
    assert await run(gemist, "rules", "restore", "5", "--by", "S02") == 2
    assert "there is no rules version 5" in capsys.readouterr().err

    async with engine.connect() as conn:
        assert await versions.history(conn, SCHOOL) == []


async def test_preview_prints_the_difference_against_the_rules_in_force(
    gemist, engine, tmp_path, capsys
):
    await school_with_history(engine, SCHOOL)
    proposed = tmp_path / "proposed.yaml"
    proposed.write_text("codes:\n  B: {pupil_checkin: false}\n", encoding="utf-8")
    period = ["--from", START.isoformat(), "--to", END.isoformat()]

    assert await run(gemist, "rules", "preview", str(proposed), *period) == 0
    lines = capsys.readouterr().out.splitlines()
    # Once the same rules are in force, the same file changes nothing.
    assert await run(gemist, "rules", "save", str(proposed), "--by", "S02") == 0
    assert await run(gemist, "rules", "preview", str(proposed), *period) == 0
    again = capsys.readouterr().out

    assert lines[0] == f"Current rules: the rules file; proposed: {proposed}"
    assert lines[1].startswith("Preview 2026-11-16 to 2026-11-27: 24 messages with the current")
    assert "  pupil_checkin                     8         5      -3" in lines
    assert "  pupil                             8         5      -3" in lines
    assert "P0022 on 2026-11-16:" in lines
    assert "Current rules: version 1;" in again
    assert "The proposed rules send exactly the same messages in this period." in again


async def test_preview_refuses_an_invalid_file_and_a_backward_period(gemist, tmp_path, capsys):
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("guardian: {grace_period: 2 uur}\n", encoding="utf-8")
    fine = tmp_path / "fine.yaml"
    fine.write_text("", encoding="utf-8")

    assert await run(gemist, "rules", "preview", str(wrong)) == 2
    assert "guardian.grace_period: '2 uur' is not a duration" in capsys.readouterr().err
    backward = ["--from", "2026-11-20", "--to", "2026-11-16"]
    assert await run(gemist, "rules", "preview", str(fine), *backward) == 2
    assert "--to 2026-11-16 is before --from 2026-11-20" in capsys.readouterr().err
