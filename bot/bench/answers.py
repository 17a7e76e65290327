"""``gemist bench import --answers N``: answers that arrive while a large feed is re-imported.

On each backend: a database with the benchmark's pupils and a first import of the generated
feed (by default 1,000,000 marks); then the same feed is imported again while ``N`` answers
arrive, one every :data:`INTERVAL` seconds, through the bot's own write path
(:class:`bot.telegram.inbox.Inbox`, as a parent's free text takes it). The import runs in the
same process, as ``gemist run``'s own feed poll does.

Printed: the re-import's seconds; how many answers were stored and lost; the reply latency
(from the answer's arrival until it is safe, in the database or the inbox, and the bot may
thank: p50, p95, max); and how long after the import the last answer was in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from bot.bench.feed import SCHOOL, generate_feed, prepare, scratch_postgres
from bot.db import connect
from bot.domain import Role
from bot.exits import Exit
from bot.imports import import_absences
from bot.models import Pupil, Reply
from bot.telegram.inbox import Inbox, Pupilship
from integrations.csv.source import CsvAbsenceSource
from scheduler.clock import BRUSSELS, VirtualClock

__all__ = ["run_command"]

INTERVAL = 0.1
"""Seconds between two answers."""


async def measure(url: str, feed: Path, answers: int) -> dict[str, Any]:
    """Import ``feed`` once, then again while ``answers`` answers arrive; the figures."""
    engine = connect(url)
    clock = VirtualClock(dt.datetime(2027, 7, 1, 9, 30, tzinfo=BRUSSELS))

    async def reimport() -> float:
        started = time.perf_counter()
        await import_absences(
            engine, CsvAbsenceSource(feed), school_id=SCHOOL, school_name="Bench", clock=clock
        )
        return time.perf_counter() - started

    await reimport()
    async with engine.connect() as conn:
        pupil_pk = await conn.scalar(sa.select(col(Pupil.id)).limit(1))
    pupil = Pupilship(int(pupil_pk or 0), "P000000", "Bench", "1A", SCHOOL, "Bench", None, "", "")
    inbox = Inbox.beside(engine)
    latencies: list[float] = []
    running = asyncio.create_task(reimport())
    await asyncio.sleep(1.0)  # the import has begun and holds its lock
    for number in range(answers):
        started = time.perf_counter()
        await inbox.forward(
            pupil=pupil,
            sender_role=Role.GUARDIAN,
            sender_id="G-bench",
            language="nl",
            text=f"bench answer {number}",
            update_id=10_000_000 + number,
            message_id=number + 1,
            at=clock.now(),
        )
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(INTERVAL)
    seconds = await running
    ended = time.perf_counter()
    await inbox.drained()
    settled = time.perf_counter() - ended
    async with engine.connect() as conn:
        stored = await conn.scalar(
            sa.select(sa.func.count()).where(col(Reply.answer).like("bench answer %"))
        )
    await engine.dispose()
    ordered = sorted(latencies)
    return {
        "import_seconds": seconds,
        "stored": int(stored or 0),
        "lost": answers - int(stored or 0),
        "p50": statistics.median(ordered),
        "p95": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max": ordered[-1],
        "settled": settled,
    }


def report(results: list[tuple[str, dict[str, Any]]], rows: int, answers: int) -> int:
    print(f"Re-import of {rows:,} marks while {answers} answers arrive (one every {INTERVAL} s)")
    print()
    header = (
        f"{'backend':<11}{'import s':>9}{'stored':>8}{'lost':>6}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'last stored after import s':>28}"
    )
    print(header)
    print("-" * len(header))
    verdict: int = Exit.OK
    for name, figures in results:
        print(
            f"{name:<11}{figures['import_seconds']:>9.2f}{figures['stored']:>8}"
            f"{figures['lost']:>6}{figures['p50'] * 1000:>9.1f}{figures['p95'] * 1000:>9.1f}"
            f"{figures['max'] * 1000:>9.1f}{figures['settled']:>28.2f}"
        )
        verdict |= Exit.NOT_MET if figures["lost"] else Exit.OK
    return verdict


def run_command(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="gemist-bench-") as tmp:
        folder = Path(tmp)
        feed = folder / "absences.csv"
        print(f"generating {args.rows:,} marks for {args.pupils:,} pupils ...", file=sys.stderr)
        generate_feed(feed, args.rows, args.pupils)
        results = []
        if "sqlite" in args.backends:
            url = f"sqlite:///{folder / 'bench.db'}"
            asyncio.run(prepare(url, args.pupils))
            print("sqlite: import, then re-import with answers ...", file=sys.stderr)
            results.append(("sqlite", asyncio.run(measure(url, feed, args.answers))))
        if "postgresql" in args.backends:
            results.append(("postgresql", _postgres(args.postgres, feed, args)))
    print()
    return report(results, args.rows, args.answers)


def _postgres(server: str, feed: Path, args: argparse.Namespace) -> dict[str, Any]:
    with scratch_postgres(server) as url:
        asyncio.run(prepare(url, args.pupils))
        print("postgresql: import, then re-import with answers ...", file=sys.stderr)
        return asyncio.run(measure(url, feed, args.answers))
