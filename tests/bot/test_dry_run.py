"""``gemist run --dry-run`` never writes to the school's database (issue 15, item 8): it plans,
prints and marks sent on a private copy, which is gone afterwards."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

from bot.commands.run import run_service, serve
from bot.config import load_settings
from bot.db import connect, migrate
from bot.imports import import_absences, import_roster
from bot.rules import Rules
from integrations.csv import CsvRosterSource
from integrations.csv.source import CsvAbsenceSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS
from tests.helpers.contacts import link

EXAMPLE = Path(__file__).parents[2] / "docs" / "example"


async def _school(path: Path, clock) -> None:
    """The example school with Emir (P0003, linked) absent all of Tuesday; 11:00 now."""
    engine = connect(f"sqlite:///{path}")
    try:
        await migrate(engine)
        roster = CsvRosterSource(EXAMPLE / "roster", today=clock.today())
        report = await import_roster(
            engine, roster, school_id="school", school_name="Sint-Jozefcollege", clock=clock
        )
        assert report.exit_code == 0
        async with engine.begin() as conn:
            await link(conn, "pupil", "P0003", 42)
        feed = path.parent / "absences.csv"
        feed.write_text(
            "pupil_id,date,half_day,code\nP0003,2026-11-17,am,B\nP0003,2026-11-17,pm,B\n"
        )
        report = await import_absences(
            engine, CsvAbsenceSource(feed), school_id="school", school_name="x", clock=clock
        )
        assert report.exit_code == 0
    finally:
        await engine.dispose()
    clock.set(dt.datetime(2026, 11, 17, 11, 0, tzinfo=BRUSSELS))


def _outreach(path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT kind, status FROM outreach ORDER BY id").fetchall()


async def test_a_dry_run_prints_the_messages_and_leaves_the_database_as_it_was(
    tmp_path, clock, capsys
):
    path = tmp_path / "gemist.db"
    await _school(path, clock)
    before = path.read_bytes()
    settings = load_settings(environ={"GEMIST_DATABASE_URL": f"sqlite:///{path}"})
    stop = asyncio.Event()
    stop.set()  # one round of every job, then stop
    engine = connect(settings.database_url)
    try:
        await serve(
            settings,
            engine=engine,
            clock=clock,
            rules=Rules.default(),
            calendar=SchoolCalendar(),
            worker_id="dry",
            dry_run=True,
            stop=stop,
        )
    finally:
        await engine.dispose()

    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(m["kind"], m["recipient_id"]) for m in printed] == [("pupil_checkin", "P0003")]
    assert _outreach(path) == []  # nothing planned, nothing marked sent in the real database
    assert path.read_bytes() == before


async def test_a_dry_run_on_postgresql_exits_2_and_says_how_to_try_it(postgres_url, capsys):
    settings = load_settings(environ={"GEMIST_DATABASE_URL": postgres_url})

    code = await run_service(argparse.Namespace(dry_run=True, worker_id=None), settings)

    assert code == 2
    assert "pg_dump" in capsys.readouterr().err


async def test_a_dry_run_needs_an_existing_database(tmp_path, capsys):
    missing = tmp_path / "nowhere.db"
    settings = load_settings(environ={"GEMIST_DATABASE_URL": f"sqlite:///{missing}"})

    code = await run_service(argparse.Namespace(dry_run=True, worker_id=None), settings)

    assert code == 2
    assert f"there is no database at {missing}" in capsys.readouterr().err
    assert not missing.exists()
