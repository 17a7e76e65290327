"""``gemist bench rules-preview``: how long the rules preview of the coordinator's desk takes.

The issue's goal: a preview of four school weeks for 1,000 pupils (both replays together) in at
most 5 s, shown beside the time of a full-year replay. Steps:

1. The school of ``gemist bench engine`` (:func:`~bot.bench.engine.generate_school`, with its
   replies) gets a real history in a SQLite database, the school's own: the roster imported,
   then the whole school year replayed into that database through the engine path of ``gemist
   simulate`` (:func:`bot.simulate.replay_store`), so that it holds the marks, feed days,
   replies and every message of the year, as a school's database does. That replay is timed:
   the *full-year replay* figure.
2. The same database copied into a throw-away PostgreSQL database.
3. On each backend, in a child process: :func:`bot.rulebook.preview.preview` of the last four
   school weeks of the year, the default rules against a proposed change (:data:`PROPOSED`).
   Printed: the seconds of each part (the school at the start of the period, each replay) and
   the total, and the messages each side sends.

The figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.bench.engine import SCHOOL, YEAR_END, YEAR_START, generate_school
from bot.bench.feed import scratch_postgres
from bot.db import connect, connect_scratch, migrate
from bot.exits import Exit
from bot.imports import import_roster
from bot.rules import Rules, parse_rules
from integrations.csv import CsvRosterSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock

__all__ = ["PROPOSED", "run_command", "run_step"]

GOAL_SECONDS = 5.0
PROPOSED = """\
nudges:
  problematic_half_days: 4
guardian:
  grace_period: 3h
  max_followups: 0
"""
"""The change previewed: the CLB nudge a half-day earlier, guardians a little later, no
second notice. It changes messages of several kinds and roles."""
ANOTHER = "caps:\n  guardian: {per_day: 1, per_week: 3}\n"
"""A second change tried right after the first: the rules in force are not replayed again."""
PROPOSED_SAID = "CLB nudge from the 4th problematic half-day, grace period 3h, no second notice"


async def _history(folder: Path, database: Path) -> dict[str, Any]:
    """The school's own database: the roster, then the year replayed into it (timed)."""
    from bot.simulate import read_feed, read_replies, replay_store

    engine = connect_scratch(database)
    try:
        await migrate(engine)
        clock = VirtualClock(dt.datetime(2026, 8, 31, 12, tzinfo=BRUSSELS))
        roster = CsvRosterSource(folder / "roster", today=clock.today())
        await import_roster(engine, roster, school_id=SCHOOL, school_name="Bench", clock=clock)
        feed = await read_feed(folder / "absences.csv")
        replies = read_replies(folder / "replies.csv", BRUSSELS)
        started = time.perf_counter()
        messages = await replay_store(
            engine,
            feed,
            rules=Rules.default(),
            calendar=SchoolCalendar(),
            start=YEAR_START,
            end=YEAR_END,
            tz=BRUSSELS,
            replies=replies,
            school_id=SCHOOL,
            school_name="Bench",
        )
        seconds = time.perf_counter() - started
    finally:
        await engine.dispose()
    return {"seconds": seconds, "messages": len(messages)}


async def _copy(source: str, target: str) -> None:
    """Everything of the school in ``source`` into the migrated, empty ``target``."""
    from bot.rulebook.preview import snapshot

    live, copy = connect(source), connect(target)
    try:
        await migrate(copy)
        await snapshot(live, copy, SCHOOL, YEAR_END + dt.timedelta(days=1), BRUSSELS)
    finally:
        await live.dispose()
        await copy.dispose()


async def _preview(url: str) -> dict[str, Any]:
    from bot.rulebook.preview import Preview, last_school_weeks, preview

    calendar = SchoolCalendar()
    start, end = last_school_weeks(YEAR_END, calendar)
    engine = connect(url)

    async def timed(proposed: str) -> tuple[Preview, float]:
        began = time.perf_counter()
        found = await preview(
            engine,
            school_id=SCHOOL,
            current=Rules.default(),
            proposed=parse_rules(proposed),
            calendar=calendar,
            tz=BRUSSELS,
            start=start,
            end=end,
            school_name="Bench",
        )
        return found, time.perf_counter() - began

    try:
        result, seconds = await timed(PROPOSED)
        another, warm = await timed(ANOTHER)
    finally:
        await engine.dispose()
    return {
        "seconds": seconds,
        "warm": warm,
        "warm_parts": dict(another.seconds),
        "parts": dict(result.seconds),
        "start": start.isoformat(),
        "end": end.isoformat(),
        "current": len(result.current),
        "proposed": len(result.proposed),
        "kinds": [(row.name, row.current, row.proposed) for row in result.by_kind],
    }


def run_step(step: str, where: str = "", other: str = "") -> None:
    """Entry point of a child process: one step, its figures as JSON on stdout. Database URLs
    come from ``GEMIST_BENCH_TARGET``, never the command line (a password would show)."""
    target = os.environ.get("GEMIST_BENCH_TARGET", "")
    if step == "history":
        result = asyncio.run(_history(Path(where), Path(other)))
    elif step == "copy":
        asyncio.run(_copy(os.environ.get("GEMIST_BENCH_SOURCE", ""), target))
        result = {}
    elif step == "preview":
        result = asyncio.run(_preview(target))
    else:
        raise LookupError(f"no benchmark step {step!r}")
    print(json.dumps(result))


def _child(step: str, *where: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bot.bench.rules_preview", step, *where],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def report(pupils: int, history: dict[str, Any], results: list[tuple[str, dict[str, Any]]]) -> int:
    verdict: int = Exit.OK
    first = results[0][1] if results else None
    period = f"{first['start']} to {first['end']}" if first else "-"
    print(f"Rules preview: {pupils:,} pupils, the last four school weeks ({period})")
    print(f"  proposed: {PROPOSED_SAID}")
    print(
        "  start: the school at the start of the period; current, proposed: each replay, "
        "in two worker processes at once; both: the two replays, wall time"
    )
    header = (
        f"  {'backend':<12}{'start':>7}{'current':>9}{'proposed':>10}{'both':>7}{'total':>8}  goal"
    )
    print(header)
    for backend, result in results:
        parts = result["parts"]
        ok = result["seconds"] <= GOAL_SECONDS
        verdict |= Exit.OK if ok else Exit.NOT_MET
        print(
            f"  {backend:<12}{parts['snapshot']:>7.2f}{parts['current']:>9.2f}"
            f"{parts['proposed']:>10.2f}{parts['replays']:>7.2f}{result['seconds']:>8.2f}  "
            f"<= {GOAL_SECONDS:.0f} s: {'MET' if ok else 'NOT MET'}"
        )
    print("  a second change right after (caps.guardian 1/day 3/week; rules in force kept):")
    for backend, result in results:
        parts = result["warm_parts"]
        print(
            f"  {backend:<12}{parts['snapshot']:>7.2f}{'kept':>9}{parts['proposed']:>10.2f}"
            f"{parts['replays']:>7.2f}{result['warm']:>8.2f}"
        )
    if first:
        print(f"  messages: {first['current']:,} current, {first['proposed']:,} proposed")
        for name, before, after in first["kinds"]:
            print(f"    {name:<22}{before:>7,}{after:>7,}{after - before:>+7,}")
    print(
        f"Full-year replay beside it: {YEAR_START} to {YEAR_END}, {pupils:,} pupils, "
        f"{history['seconds']:.1f} s ({history['messages']:,} messages)"
    )
    # On a shared machine both figures move together; their ratio says more than either.
    for backend, result in results:
        share = result["seconds"] / history["seconds"] if history["seconds"] else 0.0
        print(f"  the {backend} preview took {share:.1%} of the full-year replay's time")
    return verdict


def run_command(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="gemist-bench-preview-") as tmp:
        folder = Path(tmp) / "school"
        print(f"generating a school of {args.pupils:,} ...", file=sys.stderr, flush=True)
        generate_school(folder, args.pupils, args.seed, replies=True)
        database = Path(tmp) / "live.db"
        print("replaying the school year into its database ...", file=sys.stderr, flush=True)
        history = _child("history", str(folder), str(database))
        sqlite_url = f"sqlite:///{database}"
        results: list[tuple[str, dict[str, Any]]] = []
        if "sqlite" in args.backends:
            print("sqlite: preview ...", file=sys.stderr, flush=True)
            results.append(("sqlite", _child("preview", env={"GEMIST_BENCH_TARGET": sqlite_url})))
        if "postgresql" in args.backends:
            with scratch_postgres(args.postgres) as url:
                print("postgresql: copying the school, preview ...", file=sys.stderr, flush=True)
                env = {"GEMIST_BENCH_TARGET": url, "GEMIST_BENCH_SOURCE": sqlite_url}
                _child("copy", env=env)
                results.append(("postgresql", _child("preview", env={"GEMIST_BENCH_TARGET": url})))
        return report(args.pupils, history, results)


if __name__ == "__main__":
    run_step(*sys.argv[1:])
