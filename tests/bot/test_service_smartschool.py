"""``gemist run`` with Smartschool as the source: the service's jobs on a virtual clock, the
real client and the local server, on both database backends."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.commands.run import serve
from bot.config import ConfigError, Settings, load_settings
from bot.db import connect, migrate
from bot.imports.smartschool import SmartschoolFeed
from bot.outbox import RecordingChannel
from bot.rules import Rules
from bot.service import Service
from integrations.smartschool.local_server import LocalSmartschool
from integrations.smartschool.settings import SmartschoolOptions
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from scheduler.jobs import DISPATCH, FEED_POLL, PLANNER, RETENTION, ROSTER_SYNC
from tests.helpers.smartschool_source import ACCESS_CODE, serving

SETTINGS = Settings(school_id="school", school_name="Testschool")


def morning() -> VirtualClock:
    """Tuesday 17 November 2026, 09:15 in Brussels: the first feed poll of a school day."""
    return VirtualClock(dt.datetime(2026, 11, 17, 9, 15, tzinfo=BRUSSELS))


def feed_of(
    server: LocalSmartschool,
    engine: AsyncEngine,
    clock: VirtualClock,
    settings: Settings = SETTINGS,
) -> SmartschoolFeed:
    school = SmartschoolOptions.model_validate(
        {"url": server.url, "access_code": ACCESS_CODE, "reread_days": 1, "roster_time": "07:00"}
    )
    return SmartschoolFeed(settings, school, engine=engine, clock=clock, calendar=SchoolCalendar())


def service_of(
    engine: AsyncEngine, clock: VirtualClock, feed: SmartschoolFeed, settings: Settings = SETTINGS
) -> Service:
    return Service(
        settings,
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        engine=engine,
        clock=clock,
        channel=RecordingChannel(clock),
        worker_id="test",
        platform=feed,
    )


async def runs(engine: AsyncEngine) -> list[tuple[str, str]]:
    async with engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT kind, source FROM import_run ORDER BY id"))
        return [(kind, source) for kind, source in rows]


async def test_run_syncs_the_roster_first_then_reads_today_and_the_days_before(
    engine: AsyncEngine, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = morning()
    async with serving() as server:
        service = service_of(engine, clock, feed_of(server, engine, clock))
        assert set(service.jobs()) == {FEED_POLL, PLANNER, DISPATCH, RETENTION, ROSTER_SYNC}
        assert service.schedule.roster_at == dt.time(7, 0)
        stop = asyncio.Event()
        stop.set()
        await asyncio.wait_for(service.run(stop), 20)

    assert await runs(engine) == [
        ("roster", "smartschool:roster"),
        ("absences", "smartschool:getAbsentsWithInternalNumberByDate"),  # Monday 16
        ("absences", "smartschool:getAbsentsWithInternalNumberByDate"),  # Tuesday 17
    ]
    async with engine.connect() as conn:
        days = (await conn.execute(sa.text("SELECT date FROM feed_day ORDER BY date"))).all()
        marks = await conn.scalar(sa.text("SELECT COUNT(*) FROM absence_mark"))
    assert [str(day) for (day,) in days] == ["2026-11-16", "2026-11-17"]
    assert marks == 4
    logged = "".join(r.getMessage() for r in caplog.records)
    assert "getAbsentsWithInternalNumberByDate 2026-11-17 imported (ok)" in logged
    assert ACCESS_CODE not in logged


async def test_the_poll_reads_nothing_on_a_day_without_lessons(engine: AsyncEngine) -> None:
    clock = VirtualClock(dt.datetime(2026, 11, 21, 9, 15, tzinfo=BRUSSELS))  # a Saturday
    async with serving() as server:
        feed = feed_of(server, engine, clock)
        assert await feed.poll() == []
        await feed.close()
        assert server.calls == []


async def test_a_feed_file_wins_over_smartschool(engine: AsyncEngine, tmp_path: Path) -> None:
    clock = morning()
    settings = Settings(school_id="school", absence_feed=tmp_path / "absences.csv")
    async with serving() as server:
        service = service_of(engine, clock, feed_of(server, engine, clock, settings), settings)

        assert service.platform is None
        assert set(service.jobs()) == {FEED_POLL, PLANNER, DISPATCH, RETENTION}
        await service.jobs()[FEED_POLL]()
        assert server.calls == []


async def _serve_dry(tmp_path: Path, environ: dict[str, str]) -> None:
    path = tmp_path / "gemist.db"
    engine = connect(f"sqlite:///{path}")
    await migrate(engine)
    await engine.dispose()
    settings = load_settings(environ={"GEMIST_DATABASE_URL": f"sqlite:///{path}", **environ})
    stop = asyncio.Event()
    stop.set()  # one round of every job, then stop
    engine = connect(settings.database_url)
    try:
        await serve(
            settings,
            engine=engine,
            clock=morning(),
            rules=Rules.default(),
            calendar=SchoolCalendar(),
            worker_id="dry",
            dry_run=True,
            stop=stop,
        )
    finally:
        await engine.dispose()


async def test_gemist_run_reads_smartschool_when_it_is_configured(tmp_path: Path) -> None:
    async with serving() as server:
        await _serve_dry(
            tmp_path,
            {"GEMIST_SMARTSCHOOL_URL": server.url, "GEMIST_SMARTSCHOOL_ACCESS_CODE": ACCESS_CODE},
        )
        calls = list(server.calls)

    assert calls[:3] == ["getAllGroupsAndClasses", "getAllAccountsExtended", "getClassTeachers"]
    assert calls[3:] == ["getAbsentsWithInternalNumberByDate"] * 6  # today and 5 school days


async def test_gemist_run_refuses_a_bad_smartschool_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="GEMIST_SMARTSCHOOL_REREAD_DAYS reread_days"):
        await _serve_dry(tmp_path, {"GEMIST_SMARTSCHOOL_REREAD_DAYS": "99"})
