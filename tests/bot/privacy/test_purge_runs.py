"""The retention purge as it runs: ``gemist privacy purge`` (counts per kind, ``--dry-run``
removes nothing) and the daily job of ``gemist run``."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.config import Settings
from bot.models import PrivacyLog
from bot.outbox import RecordingChannel
from bot.privacy.policy import Retention
from bot.privacy.purge import purge_in_steps
from bot.rules import Rules
from bot.service import Service
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from scheduler.jobs import RETENTION
from tests.helpers.aged import SCHOOL, Aged, local
from tests.helpers.dump import dump


@pytest.fixture
async def aged(engine) -> Aged:
    """A reply and a message of long ago, and of now, by the wall clock."""
    aged = Aged(engine)
    await aged.school()
    now = dt.datetime.now(BRUSSELS)
    await aged.reply("koorts", local("2022-03-01"))
    await aged.reply("vandaag", now)
    await aged.message("old notice", local("2022-03-01"))
    await aged.message("new notice", now)
    await aged.mark("2022-03-01")
    return aged


def purge(db_url: str, *args: str) -> int:
    return main(["--db", db_url, "privacy", "purge", *args])


async def test_a_dry_run_counts_per_kind_and_removes_nothing(aged, engine, db_url, capsys):
    before = await dump(engine)

    assert await asyncio.to_thread(purge, db_url, "--dry-run") == 0

    out = capsys.readouterr().out
    assert "would remove:" in out
    for line in ("  free-text replies: 1", "  messages: 1", "  message events: 1",
                 "  absence marks: 1"):  # fmt: skip
        assert line in out.splitlines()
    assert "koorts" not in out
    assert "P0001" not in out
    assert await dump(engine) == before


async def test_a_dry_run_as_of_a_later_day_counts_what_would_go_then(aged, db_url, capsys):
    far = (dt.datetime.now(BRUSSELS).date() + dt.timedelta(days=3 * 366)).isoformat()

    assert await asyncio.to_thread(purge, db_url, "--dry-run", "--as-of", far) == 0

    out = capsys.readouterr().out
    assert f"retention purge of {far} would remove:" in out
    assert "  free-text replies: 2" in out.splitlines()
    assert "  messages: 2" in out.splitlines()


async def test_as_of_without_dry_run_is_refused(aged, db_url, capsys):
    assert await asyncio.to_thread(purge, db_url, "--as-of", "2030-09-01") == 2
    assert "add --dry-run" in capsys.readouterr().err


async def test_a_purge_removes_and_logs_counts_only(aged, engine, db_url, capsys):
    assert await asyncio.to_thread(purge, db_url) == 0

    out = capsys.readouterr().out
    assert "removed:" in out
    left = await aged.labels()
    assert left["replies"] == {"vandaag"}
    assert left["messages"] == {"new notice"}
    async with engine.connect() as conn:
        (entry,) = (await conn.execute(sa.select(PrivacyLog))).all()
    assert entry.action == "purge"
    assert entry.summary == (
        "removed absence marks: 1, free-text replies: 1, message events: 1, messages: 1"
    )
    assert f"privacy log reference: {entry.reference}" in out


async def test_the_daily_job_of_gemist_run_purges_and_says_how_much(aged, engine, caplog):
    clock = VirtualClock(dt.datetime.now(BRUSSELS))
    service = Service(
        Settings(school_id=SCHOOL),
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        engine=engine,
        clock=clock,
        channel=RecordingChannel(clock),
        worker_id="test",
    )

    with caplog.at_level(logging.INFO, logger="bot.service"):
        await service.jobs()[RETENTION]()

    left = await aged.labels()
    assert left["replies"] == {"vandaag"}
    assert left["marks"] == set()
    (line,) = [r.getMessage() for r in caplog.records if "retention purge" in r.getMessage()]
    assert line.startswith("retention purge: removed absence marks: 1, free-text replies: 1")
    assert "koorts" not in line
    async with engine.connect() as conn:
        assert (await conn.execute(sa.select(PrivacyLog.command))).scalar_one() == "gemist run"


async def test_gemist_run_purges_once_at_the_start_beside_the_other_jobs(aged, engine):
    clock = VirtualClock(dt.datetime.now(BRUSSELS))
    service = Service(
        Settings(school_id=SCHOOL),
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        engine=engine,
        clock=clock,
        channel=RecordingChannel(clock),
        worker_id="test",
    )

    await service.start()
    try:
        assert service._first_purge is not None
        await service._first_purge
    finally:
        await service.stop()

    assert (await aged.labels())["replies"] == {"vandaag"}


async def test_a_purge_told_to_stop_leaves_the_rest_for_the_next_one(aged, engine):
    now = dt.datetime.now(BRUSSELS)

    removed = await purge_in_steps(
        engine, SCHOOL, Retention(), now, BRUSSELS, stopping=lambda: True
    )

    assert removed.total() == 0
    assert "koorts" in (await aged.labels())["replies"]
