"""The live service's jobs on a virtual clock and a real database (both backends), and
``gemist run`` as a process."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

import bot.pipeline as pipeline_module
from bot.channels import registry as channels
from bot.channels.directory import RosterDirectory
from bot.cli import main
from bot.config import Secret, Settings
from bot.imports import import_roster
from bot.models import Pupil
from bot.outbox import Channel, DeliveryOutcome, Outcome, Outgoing, RecordingChannel
from bot.outbox.plugin import ChannelContext
from bot.planning.tick import planner_tick as real_tick
from bot.redaction import describe_error
from bot.rules import Rules
from bot.service import Service
from integrations.csv import CsvRosterSource
from integrations.telegram import LocalBotApi
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from scheduler.jobs import DISPATCH, FEED_POLL, PLANNER, RETENTION
from tests.helpers.contacts import link
from tests.helpers.seed import seed_pupils

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "docs" / "example"
SCHOOL = "sjc"
FEED = """pupil_id,date,half_day,code,expected_return,note
P0022,2026-11-17,am,B,,
P0022,2026-11-17,pm,B,,
P0016,2026-11-17,am,Z,2026-11-20,
"""
JSON_KEYS = ["at", "kind", "recipient_role", "recipient_id", "pupil_id", "channel", "lang", "text"]


@pytest.fixture
def morning() -> VirtualClock:
    """Tuesday 17 November 2026, 09:15 in Brussels: the first feed poll of a school day."""
    return VirtualClock(datetime(2026, 11, 17, 9, 15, tzinfo=BRUSSELS))


async def make_service(
    engine: AsyncEngine, clock: VirtualClock, feed: Path, channel: Channel | None = None
) -> tuple[Service, RecordingChannel]:
    roster = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert roster.exit_code == 0
    recording = RecordingChannel(clock)
    settings = Settings(absence_feed=feed, school_id=SCHOOL, school_name="Sint-Jozefcollege")
    service = Service(
        settings,
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        engine=engine,
        clock=clock,
        channel=channel or recording,
        worker_id="test",
    )
    return service, recording


async def import_runs(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(
            await conn.scalar(sa.text("SELECT count(*) FROM import_run WHERE kind = 'absences'"))
        )


async def test_a_feed_is_imported_once_and_again_only_when_it_changes(engine, morning, tmp_path):
    feed = tmp_path / "absences.csv"
    feed.write_text(FEED, encoding="utf-8")
    service, _ = await make_service(engine, morning, feed)

    first = await service.poll_feed()
    morning.advance(timedelta(hours=4, minutes=30))
    again = await service.poll_feed()
    feed.write_text(FEED, encoding="utf-8")  # written again, same bytes: a new mtime only
    os.utime(feed, ns=(feed.stat().st_atime_ns, feed.stat().st_mtime_ns + 1_000_000_000))
    rewritten = await service.poll_feed()
    feed.write_text(FEED + "P0004,2026-11-17,pm,D,,\n", encoding="utf-8")
    changed = await service.poll_feed()

    assert first is not None
    assert first.exit_code == 0
    assert first.total("imported") == 3
    assert again is None
    assert rewritten is None
    assert changed is not None
    assert changed.total("imported") == 1
    assert await import_runs(engine) == 2


async def test_no_poll_on_a_holiday_and_a_missing_file_is_told_once(engine, tmp_path, caplog):
    armistice = VirtualClock(datetime(2026, 11, 11, 9, 15, tzinfo=BRUSSELS))
    feed = tmp_path / "absences.csv"
    feed.write_text(FEED, encoding="utf-8")
    service, _ = await make_service(engine, armistice, feed)

    assert await service.poll_feed() is None  # Wapenstilstand: not a school day
    armistice.set(datetime(2026, 11, 12, 9, 15, tzinfo=BRUSSELS))
    feed.unlink()
    with caplog.at_level(logging.WARNING, logger="bot.service"):
        assert await service.poll_feed() is None
        assert await service.poll_feed() is None

    assert await import_runs(engine) == 0
    assert [r.getMessage() for r in caplog.records].count(f"feed poll: no file {feed} yet") == 1


async def test_a_fifo_as_the_feed_is_told_and_never_blocks_the_poll(
    engine, morning, tmp_path, caplog
):
    feed = tmp_path / "absences.csv"
    os.mkfifo(feed)
    service, _ = await make_service(engine, morning, feed)

    with caplog.at_level(logging.WARNING, logger="bot.service"):
        async with asyncio.timeout(10):
            assert await service.poll_feed() is None

    [warning] = [r.getMessage() for r in caplog.records]
    assert warning.startswith(f"feed poll: {feed} cannot be imported: OSError: ")
    assert "not a regular file" in warning
    assert await import_runs(engine) == 0


async def test_the_planner_job_plans_and_the_dispatch_job_delivers(engine, morning, tmp_path):
    feed = tmp_path / "absences.csv"
    feed.write_text(FEED, encoding="utf-8")
    service, recording = await make_service(engine, morning, feed)
    jobs = service.jobs()
    assert set(jobs) == {FEED_POLL, PLANNER, DISPATCH, RETENTION}

    await jobs[FEED_POLL]()
    planned = await service.plan()
    early = await service.dispatch()
    morning.set(datetime(2026, 11, 17, 13, 0, tzinfo=BRUSSELS))  # after the guardian notice
    await jobs[PLANNER]()
    late = await service.dispatch()

    assert planned > 0
    assert early.sent == []
    assert len(late.sent) == planned
    assert len(recording.deliveries) == planned
    assert {d.message.kind for d in recording.deliveries} >= {"pupil_checkin"}
    assert all(d.at == morning.now() for d in recording.deliveries)
    assert (await service.dispatch()).idle


async def test_a_job_that_raises_is_logged_and_the_next_one_runs(
    engine, morning, tmp_path, monkeypatch, caplog
):
    feed = tmp_path / "absences.csv"
    feed.write_text(FEED, encoding="utf-8")
    service, _ = await make_service(engine, morning, feed)
    await service.poll_feed()
    calls: list[str] = []

    async def flaky_tick(*args, **kwargs):
        calls.append("tick")
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return await real_tick(*args, **kwargs)

    monkeypatch.setattr(pipeline_module, "planner_tick", flaky_tick)
    tick = service.jobs()[PLANNER]

    with caplog.at_level(logging.INFO, logger="bot.service"):
        await tick()  # raises inside, logged, not raised
        await tick()

    assert calls == ["tick", "tick"]
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failed] == [
        "planner job failed: RuntimeError: database went away"
    ]
    assert failed[0].exc_info is None  # no traceback: it could quote personal data
    assert any("new outreach planned" in r.getMessage() for r in caplog.records)


def test_an_error_is_described_without_its_sql_parameters():
    err = sa.exc.StatementError("boom", "SELECT :name", {"name": "Noor"}, ValueError("bad"))

    assert describe_error(err) == "StatementError: boom"
    assert describe_error(KeyError()) == "KeyError"
    assert len(describe_error(ValueError("x" * 1000))) < 250


class _SlowChannel(Channel):
    """Holds each delivery until released: a send in flight."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.delivered: list[int] = []

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        self.entered.set()
        await self.release.wait()
        self.delivered.append(message.id)
        return DeliveryOutcome.sent()


async def test_stop_waits_for_the_dispatch_in_flight(engine, morning, tmp_path):
    feed = tmp_path / "absences.csv"
    feed.write_text(FEED, encoding="utf-8")
    channel = _SlowChannel()
    service, _ = await make_service(engine, morning, feed, channel)
    await service.poll_feed()
    await service.plan()
    morning.set(datetime(2026, 11, 17, 12, 0, tzinfo=BRUSSELS))

    async def dispatch_tick() -> None:
        await service.jobs()[DISPATCH]()

    dispatching = asyncio.create_task(dispatch_tick())
    await asyncio.wait_for(channel.entered.wait(), 5)
    stopping = asyncio.create_task(service.stop())
    for _ in range(20):
        await asyncio.sleep(0)
    assert not stopping.done()
    channel.release.set()
    await asyncio.wait_for(stopping, 5)
    await dispatching

    assert channel.delivered  # the batch in flight finished and its outcomes are recorded
    async with engine.connect() as conn:
        sending = await conn.scalar(
            sa.text("SELECT count(*) FROM outreach WHERE status = 'sending'")
        )
    assert sending == 0
    await service.jobs()[DISPATCH]()  # stopped: a late tick does nothing
    assert len(channel.delivered) == len(set(channel.delivered))


async def test_an_answers_planner_tick_waits_for_the_dispatch_batch_in_flight(
    engine, morning, tmp_path, monkeypatch
):
    feed = tmp_path / "absences.csv"
    feed.write_text(FEED, encoding="utf-8")
    channel = _SlowChannel()
    service, _ = await make_service(engine, morning, feed, channel)
    await service.poll_feed()
    await service.plan()
    morning.set(datetime(2026, 11, 17, 12, 0, tzinfo=BRUSSELS))
    ticked = asyncio.Event()

    async def recording_tick(*args, **kwargs):
        ticked.set()
        return await real_tick(*args, **kwargs)

    monkeypatch.setattr(pipeline_module, "planner_tick", recording_tick)
    dispatching = asyncio.create_task(service.dispatch())
    await asyncio.wait_for(channel.entered.wait(), 5)
    news = asyncio.create_task(service.news())
    for _ in range(20):
        await asyncio.sleep(0)
    assert not ticked.is_set()  # not while a batch is being sent
    channel.release.set()
    await asyncio.wait_for(asyncio.gather(dispatching, news), 10)

    assert ticked.is_set()
    assert len(channel.delivered) == len(set(channel.delivered))


async def test_news_that_fails_is_logged_and_not_raised(
    engine, morning, tmp_path, monkeypatch, caplog
):
    service, _ = await make_service(engine, morning, tmp_path / "absent.csv")

    async def broken_tick(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(pipeline_module, "planner_tick", broken_tick)
    with caplog.at_level(logging.ERROR, logger="bot.service"):
        await service.news()

    assert [r.getMessage() for r in caplog.records] == [
        "news job failed: RuntimeError: database went away"
    ]


class _Inbound:
    """Records the life cycle :meth:`Service.run` takes it through."""

    def __init__(self, steps: list[str], *, fail_to_stop: bool = False) -> None:
        self.steps = steps
        self.fail_to_stop = fail_to_stop

    async def start(self) -> None:
        self.steps.append("inbound started")

    async def stop_receiving(self) -> None:
        self.steps.append("inbound stopped receiving")
        if self.fail_to_stop:
            raise RuntimeError("network gone")

    async def close(self) -> None:
        self.steps.append("inbound closed")


@pytest.mark.parametrize("fail_to_stop", [False, True])
async def test_run_starts_the_inbound_side_last_and_stops_it_first_but_closes_it_last(
    engine, morning, tmp_path, monkeypatch, fail_to_stop
):
    service, _ = await make_service(engine, morning, tmp_path / "absent.csv")
    steps: list[str] = []
    for name in ("start", "stop"):
        method = getattr(service, name)

        async def traced(method=method, name=name) -> None:
            await method()
            steps.append(f"service {name}")

        monkeypatch.setattr(service, name, traced)
    stop, ready = asyncio.Event(), asyncio.Event()
    running = asyncio.create_task(
        service.run(stop, _Inbound(steps, fail_to_stop=fail_to_stop), ready=ready)
    )
    await asyncio.wait_for(ready.wait(), 10)
    stop.set()
    if fail_to_stop:
        with pytest.raises(RuntimeError, match="network gone"):
            await asyncio.wait_for(running, 10)
    else:
        await asyncio.wait_for(running, 10)

    assert steps == [
        "service start",
        "inbound started",
        "inbound stopped receiving",
        "service stop",
        "inbound closed",
    ]


async def test_run_starts_with_every_job_once_and_stops_when_told(engine, morning, tmp_path):
    feed = tmp_path / "absences.csv"
    feed.write_text(FEED, encoding="utf-8")
    service, _ = await make_service(engine, replace_clock(morning, 10, 45), feed)
    stop = asyncio.Event()
    stop.set()

    await asyncio.wait_for(service.run(stop), 10)

    assert await import_runs(engine) == 1
    async with engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT status, count(*) FROM outreach GROUP BY status"))
        statuses = dict(rows.all())
    assert statuses.get("sent", 0) > 0


def replace_clock(clock: VirtualClock, hour: int, minute: int) -> VirtualClock:
    clock.set(clock.local_now().replace(hour=hour, minute=minute))
    return clock


# -- gemist run as a command -------------------------------------------------------------------


def test_without_dry_run_or_token_run_exits_2_saying_what_to_configure(capsys, monkeypatch):
    monkeypatch.delenv("GEMIST_TELEGRAM_TOKEN", raising=False)
    monkeypatch.delenv("GEMIST_CONFIG", raising=False)

    assert main(["--db", "sqlite:///unused.db", "run"]) == 2

    err = capsys.readouterr().err
    assert "GEMIST_TELEGRAM_TOKEN" in err
    assert "--dry-run" in err


async def test_with_a_token_run_sends_over_telegram_to_the_configured_api(engine, clock):
    """``gemist run`` with a token builds the Telegram channel (through the channel registry,
    as `serve` does) on GEMIST_TELEGRAM_API_URL (here the local Bot API) and sends the roster's
    linked people their messages."""
    await seed_pupils(engine, clock, ["P1"])
    async with engine.begin() as conn:
        await link(conn, "pupil", "P1", 4242)
        pupil = await conn.scalar(sa.select(col(Pupil.id)))
    async with LocalBotApi("123:SECRET") as api:
        api.add_user(4242, "Kind")
        settings = Settings(
            telegram_token=Secret("123:SECRET"), telegram_api_url=api.base_url.removesuffix("/bot")
        )
        router = channels.build_router(
            settings, ChannelContext(clock, RosterDirectory(engine, clock))
        )
        async with router:
            outcome = await router.deliver(_outgoing(pupil, "Hoi Kind"))

    assert outcome.kind is Outcome.SENT
    assert [m.text for m in api.messages_to(4242)] == ["Hoi Kind"]


def _outgoing(pupil: int, text: str) -> Outgoing:
    now = dt.datetime(2026, 11, 17, 9, 30, tzinfo=dt.UTC)
    return Outgoing(
        id=1, school_id="school", idempotency_key="k", kind="pupil_checkin",
        recipient_role="pupil", recipient_id=pupil, channel="telegram", pupil_id=pupil,
        lang="nl", payload={}, text=text, due_at=now, expires_at=now + dt.timedelta(days=1),
        attempts=0, claimed_by="w1", claimed_at=now,
    )  # fmt: skip


def test_run_dry_run_prints_json_lines_and_stops_on_sigterm(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'gemist.db'}"
    assert main(["--db", url, "import", "roster", str(EXAMPLE / "roster")]) == 0
    assert main(["--db", url, "import", "absences", str(EXAMPLE / "absences.csv")]) == 0
    capsys.readouterr()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("GEMIST_") or key == "GEMIST_TEST_POSTGRES"
    }
    env |= {"GEMIST_DATABASE_URL": url, "GEMIST_ABSENCE_FEED": str(EXAMPLE / "absences.csv")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--dry-run"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = threading.Event()
    errors: list[str] = []
    output: list[str] = []

    def read_errors() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            errors.append(line)
            if "started:" in line:
                started.set()

    def read_output() -> None:
        assert process.stdout is not None
        output.extend(process.stdout)

    readers = [threading.Thread(target=read, daemon=True) for read in (read_errors, read_output)]
    for reader in readers:
        reader.start()
    try:
        assert started.wait(30), "".join(errors)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    for reader in readers:
        reader.join(5)
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()

    assert process.returncode == 0, "".join(errors)
    assert any("stopped" in line for line in errors)
    for line in output:
        assert list(json.loads(line)) == JSON_KEYS
