"""A smoke run of ``gemist bench engine`` with very small schools: the printed structure."""

from __future__ import annotations

import pytest

from bot.bench.engine import generate_school
from bot.cli import main
from tests.conftest import ADMIN_URL


def test_the_generated_school_is_absent_about_six_percent(tmp_path):
    school = generate_school(tmp_path, 400, 7, replies=True)
    assert 0.04 < school["absent"] / school["pupils"] < 0.08
    assert (tmp_path / "roster" / "pupils.csv").read_text().count("\n") == 401
    assert (tmp_path / "replies.csv").is_file()


@pytest.mark.slow
def test_a_tiny_run_prints_both_measurements(capsys, tmp_path):
    code = main(
        ["bench", "engine", "--pupils", "20", "--replay-pupils", "3", "--backend", "sqlite",
         "--until", "2026-09-04", "--out", str(tmp_path)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code in (0, 1)  # the verdict; a benchmark informs, it does not fail
    assert "Year replay: 3 pupils, 2026-09-01 to 2026-09-04" in out
    assert "gemist simulate:" in out
    assert "messages delivered" in out
    assert "Planner tick: 20 pupils" in out
    for step in (
        "bare read of their rows",
        "load_school_facts",
        "plan_school",
        "planner_tick, first",
        "planner_tick, again (0 new)",
        "planner_tick with every pupil",
    ):
        assert f"sqlite     {step}" in out
    assert "ratio to the bare read: first" in out


@pytest.mark.slow
def test_the_postgresql_half_reads_the_same_rows_bare(capsys, tmp_path):
    """The bare read on PostgreSQL runs every statement (it once passed the school to the
    statements without a placeholder for it, and asyncpg refused)."""
    code = main(
        ["bench", "engine", "--pupils", "20", "--part", "tick", "--backend", "postgresql",
         "--postgres", ADMIN_URL, "--out", str(tmp_path)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code in (0, 1)
    assert "postgresql bare read of their rows" in out
    assert "postgresql planner_tick, again (0 new)" in out
    assert "ratio to the bare read: first" in out
