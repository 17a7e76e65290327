"""Crash test (issue 3, acceptance): kill -9 the dispatcher while it sends 1,000 messages.

A child process (:mod:`tests.bot.outbox.crash_worker`) delivers to a "phone" file, one fsync'd
line per delivery. It is killed with SIGKILL once at the worst moment (right after a delivery,
before it is marked sent) and then at seeded random moments while it dispatches, and restarted
each time until it finishes on its own. The promise checked, on SQLite and PostgreSQL:

- every message arrives at least once, and nothing is left in ``sending``;
- a message arrives more than once only if it was the one in flight when a kill struck, that
  is, the last line on the phone before the kill; and it arrives at most once more per such
  kill. So duplicates never outnumber kills: one in-flight message per kill of one worker.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import random
import signal
import time
from collections import Counter
from multiprocessing.process import BaseProcess
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.db import connect
from bot.imports.runs import ensure_school
from bot.outbox import Dispatcher, DispatchReport, plan, recover
from bot.outbox.tables import EVENT, OUTREACH
from scheduler.clock import WallClock
from tests.bot.outbox import crash_worker
from tests.bot.outbox.crash_worker import LEASE, PhoneChannel
from tests.bot.outbox.support import SCHOOL, item

SEED = 20261117
MESSAGES = 1_000
RANDOM_KILLS = 20

pytestmark = pytest.mark.slow


def test_a_killed_dispatcher_loses_nothing_and_repeats_only_the_message_in_flight(
    db_url, tmp_path, capsys
):
    rng = random.Random(SEED)
    phone = tmp_path / "phone.txt"
    phone.touch()
    started = time.monotonic()
    keys = asyncio.run(_plan(db_url))
    kills: list[int] = []  # how many lines the phone had when each kill struck

    worker = _start(db_url, phone, die_after=40)
    assert _stop(worker, kill=False) == -signal.SIGKILL
    kills.append(_lines(phone))

    for _ in range(RANDOM_KILLS):
        worker = _start(db_url, phone)
        # Counted in deliveries, not seconds, so that a faster machine does not run out of
        # messages before the kills are done; the short sleep puts the kill at any point of
        # the dispatch loop (claim, send, commit), not always just after a delivery.
        _wait_for_deliveries(worker, phone, rng.randint(1, 30))
        time.sleep(rng.uniform(0, 0.004))
        if _stop(worker, kill=True) != -signal.SIGKILL:
            break  # it finished before the kill
        kills.append(_lines(phone))

    # Restarted until it stops by itself. A PostgreSQL row may still be locked by the
    # connection of a worker just killed; it is skipped and taken by the next run.
    for _ in range(5):
        assert _stop(_start(db_url, phone), kill=False) == 0
        if asyncio.run(_unsent(db_url)) == 0:
            break
    final_report = asyncio.run(_final_run(db_url, phone))

    lines = phone.read_text().splitlines()
    arrived = Counter(lines)
    in_flight = Counter(lines[at - 1] for at in kills)  # the last delivery before each kill
    repeats = {key: count - 1 for key, count in arrived.items() if count > 1}
    assert set(arrived) == keys
    assert all(extra <= in_flight[key] for key, extra in repeats.items()), (repeats, in_flight)
    assert sum(repeats.values()) <= len(kills)
    assert lines[kills[0] - 1] in repeats  # the deliberate kill: its message came twice
    assert final_report.idle
    assert asyncio.run(_status_counts(db_url)) == {"sent": MESSAGES}
    assert len(kills) == 1 + RANDOM_KILLS

    with capsys.disabled():
        backend = db_url.split(":", 1)[0]
        print(
            f"\n[crash test, {backend}] {len(kills)} kills, {sum(repeats.values())} duplicates, "
            f"{len(lines)} deliveries of {MESSAGES} messages, "
            f"{time.monotonic() - started:.1f} s"
        )


# Workers are forked from a server process that has imported the worker module and nothing
# else: each is a fresh process without the test's state, started in milliseconds rather than
# the second a new Python needs.
_PROCESSES = multiprocessing.get_context("forkserver")
_PROCESSES.set_forkserver_preload(["tests.bot.outbox.crash_worker"])


def _start(url: str, phone: Path, die_after: int | None = None) -> BaseProcess:
    worker = _PROCESSES.Process(target=crash_worker.run, args=(url, phone, die_after))
    worker.start()
    return worker


def _stop(worker: BaseProcess, *, kill: bool) -> int:
    """Kill the worker (SIGKILL) or let it end; its exit code (minus the signal if killed)."""
    if kill:
        worker.kill()
    worker.join(timeout=120)
    code = worker.exitcode
    assert code is not None, "the worker did not end"
    worker.close()
    return code


def _lines(phone: Path) -> int:
    return phone.read_bytes().count(b"\n")


def _wait_for_deliveries(worker: BaseProcess, phone: Path, count: int) -> None:
    """Wait until the worker has delivered ``count`` messages (or ended)."""
    target = _lines(phone) + count
    deadline = time.monotonic() + 60
    while _lines(phone) < target and worker.is_alive():
        assert time.monotonic() < deadline, "the worker made no progress for a minute"
        time.sleep(0.002)


async def _plan(url: str) -> set[str]:
    clock = WallClock()
    now = clock.now()
    items = [item(f"m{n:04}", now - dt.timedelta(seconds=1)) for n in range(MESSAGES)]
    engine = connect(url)
    try:
        async with engine.begin() as conn:
            await ensure_school(conn, SCHOOL, "Testschool", clock)
            new = await plan(conn, items, now)
    finally:
        await engine.dispose()
    assert len(new) == MESSAGES
    return set(new)


async def _unsent(url: str) -> int:
    engine = connect(url)
    try:
        async with engine.connect() as conn:
            query = sa.select(sa.func.count()).where(OUTREACH.c.status != "sent")
            return int(await conn.scalar(query) or 0)
    finally:
        await engine.dispose()


async def _final_run(url: str, phone: Path) -> DispatchReport:
    """Recover whatever is still claimed, however recently, and run once more."""
    engine = connect(url)
    channel = PhoneChannel(phone)
    try:
        clock = WallClock()
        assert await recover(engine, clock.now(), dt.timedelta(0)) == []
        return await Dispatcher(engine, channel, clock, "final", lease=LEASE).run_once()
    finally:
        channel.close()
        await engine.dispose()


async def _status_counts(url: str) -> dict[str, int]:
    engine = connect(url)
    try:
        async with engine.connect() as conn:
            counts: dict[str, int] = dict(
                (
                    await conn.execute(
                        sa.select(OUTREACH.c.status, sa.func.count()).group_by(OUTREACH.c.status)
                    )
                ).all()
            )
            # Every row's audit trail ends in its one `sent` event.
            sent_events = await conn.scalar(
                sa.select(sa.func.count()).where(EVENT.c.to_status == "sent")
            )
    finally:
        await engine.dispose()
    assert sent_events == MESSAGES
    return {str(status): int(count) for status, count in counts.items()}
