"""``gemist bench import``: how fast a feed import is, next to a bare database baseline.

The benchmark generates a feed (by default 1,000,000 half-day marks for 50,000 pupils over the
school year 2026-2027), then, on SQLite and on PostgreSQL:

- *baseline*: the same rows, parsed beforehand and not timed, written with the driver's fastest
  call into an equivalent table (same columns, types, indexes and foreign keys):
  ``sqlite3`` ``executemany`` and asyncpg ``copy_records_to_table``; the goal is measured
  against this;
- *bare table*: the same call into a table with the same columns and no key, index or
  constraint: the floor, printed for information;
- *gemist*: the full import (parse, validate, store, record the run) of the CSV file;
- *re-import*: the same file again (every mark unchanged: the merge path), for information.

Each step runs in a child process, so that its peak memory (max RSS) is its own. The figures
are printed, not asserted: a benchmark informs, the test suite decides.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import datetime as dt
import json
import os
import random
import resource
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from bot.db import connect, migrate
from bot.exits import Exit
from bot.imports import import_absences
from bot.imports.runs import ensure_school
from bot.models import Pupil, SchoolClass
from integrations.csv.source import CsvAbsenceSource
from scheduler.clock import BRUSSELS, VirtualClock

__all__ = ["generate_feed", "run_command", "run_step"]

SCHOOL = "bench"
GOAL_RATIO = 2.0
GOAL_MEMORY_MB = 300
CODES = ("B", "Z", "Z", "Z", "R", "P", "-", "M")
MARK_COLUMNS = (
    "school_id", "pupil_id", "date", "half_day", "code", "expected_return", "note",
    "source", "first_seen", "last_seen", "run_id",
)  # fmt: skip


def school_days(start: dt.date, count: int) -> list[dt.date]:
    """``count`` weekdays from ``start``; the benchmark needs volume, not the exact calendar."""
    days: list[dt.date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def generate_feed(path: Path, rows: int, pupils: int, seed: int = 2026) -> None:
    """Write a feed of ``rows`` distinct marks for ``pupils`` pupils, streamed, in date order."""
    rng = random.Random(seed)
    days = school_days(dt.date(2026, 9, 1), 175)
    slots = [(day, half) for day in days for half in ("am", "pm")]
    per_slot, extra = divmod(rows, len(slots))
    if per_slot + 1 > pupils:
        raise ValueError(f"{rows} marks do not fit {pupils} pupils over {len(slots)} half-days")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["pupil_id", "date", "half_day", "code", "expected_return", "note"])
        for index, (day, half) in enumerate(slots):
            count = per_slot + (1 if index < extra else 0)
            for number in sorted(rng.sample(range(pupils), count)):
                code = rng.choice(CODES)
                back = (day + dt.timedelta(days=3)).isoformat() if rng.random() < 0.05 else ""
                note = "doktersattest" if code == "Z" and rng.random() < 0.1 else ""
                writer.writerow([f"P{number:06d}", day.isoformat(), half, code, back, note])


# --- the steps, each run in a child process -------------------------------------------------


def _baseline_rows(
    feed: Path, pupil_keys: dict[str, int], now: str, run: int
) -> list[tuple[Any, ...]]:
    rows = []
    with feed.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for pupil, day, half, code, back, note in reader:
            rows.append(
                (SCHOOL, pupil_keys[pupil], day, half, code, back or None, note or None,
                 "csv:bench", now, now, run)
            )  # fmt: skip
    return rows


def step_sqlite_baseline(database: Path, feed: Path, table: str) -> float:
    conn = sqlite3.connect(database)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    keys = dict(conn.execute("SELECT pupil_id, id FROM pupil"))
    run = conn.execute("SELECT MAX(id) FROM import_run").fetchone()[0]
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = _baseline_rows(feed, keys, now, run)
    marks = ", ".join("?" for _ in MARK_COLUMNS)
    started = time.perf_counter()
    conn.executemany(f"INSERT INTO {table} ({', '.join(MARK_COLUMNS)}) VALUES ({marks})", rows)
    conn.commit()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


async def _postgres_baseline(url: str, feed: Path, table: str) -> float:

    target = sa.make_url(url)
    conn = await _asyncpg_connect(target)
    try:
        keys = dict(await conn.fetch("SELECT pupil_id, id FROM pupil"))
        run = await conn.fetchval("SELECT MAX(id) FROM import_run")
        now = dt.datetime.now(dt.UTC)
        rows = [
            (school, pupil, dt.date.fromisoformat(day), half, code,
             dt.date.fromisoformat(back) if back else None, note, source, now, now, run)
            for school, pupil, day, half, code, back, note, source, _, _, _
            in _baseline_rows(feed, keys, "", run)
        ]  # fmt: skip
        started = time.perf_counter()
        async with conn.transaction():
            await conn.copy_records_to_table(table, records=rows, columns=list(MARK_COLUMNS))
        return time.perf_counter() - started
    finally:
        await conn.close()


async def _gemist_import(url: str, feed: Path) -> dict[str, Any]:
    engine = connect(url)
    clock = VirtualClock(dt.datetime(2027, 7, 1, 9, 30, tzinfo=BRUSSELS))
    started = time.perf_counter()
    report = await import_absences(
        engine, CsvAbsenceSource(feed), school_id=SCHOOL, school_name="Bench", clock=clock
    )
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return {"seconds": elapsed, **report.files[0].summary()}


async def _asyncpg_connect(url: sa.URL) -> Any:
    import asyncpg

    return await asyncpg.connect(
        host=url.host,
        port=url.port,
        user=url.username,
        password=url.password,
        database=url.database,
    )


def run_step(step: str, feed: str, table: str = "baseline_mark") -> None:
    """Entry point of a child process: run one step and print its figures as JSON.

    The database comes from ``GEMIST_BENCH_TARGET``, not the command line, where a password
    would be visible to every user of the machine.
    """
    target = os.environ["GEMIST_BENCH_TARGET"]
    if step == "sqlite-baseline":
        result: dict[str, Any] = {"seconds": step_sqlite_baseline(Path(target), Path(feed), table)}
    elif step == "postgres-baseline":
        result = {"seconds": asyncio.run(_postgres_baseline(target, Path(feed), table))}
    elif step == "gemist":
        result = asyncio.run(_gemist_import(target, Path(feed)))
    else:
        raise LookupError(f"no benchmark step {step!r}")
    # ru_maxrss is in KiB on Linux.
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _child(step: str, target: str, feed: Path, *extra: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bot.bench.feed", step, str(feed), *extra],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "GEMIST_BENCH_TARGET": target},
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


# --- preparing a database ---------------------------------------------------------------------


async def prepare(url: str, pupils: int) -> None:
    """Migrate, add the pupils, and create the baseline's equivalent table."""
    engine = connect(url)
    await migrate(engine)
    clock = VirtualClock(dt.datetime(2026, 8, 31, 12, tzinfo=BRUSSELS))
    async with engine.begin() as conn:
        await ensure_school(conn, SCHOOL, "Bench", clock)
        class_id = (
            await conn.execute(
                sa.insert(SchoolClass)
                .values(school_id=SCHOOL, name="1A")
                .returning(col(SchoolClass.id))
            )
        ).scalar_one()
        await conn.execute(
            sa.insert(Pupil),
            [
                {
                    "school_id": SCHOOL,
                    "pupil_id": f"P{number:06d}",
                    "first_name": "Bench",
                    "last_name": str(number),
                    "birth_date": dt.date(2012, 1, 1),
                    "class_id": class_id,
                    "updated_at": clock.now(),
                }
                for number in range(pupils)
            ],
        )
        await conn.execute(
            sa.text(
                "INSERT INTO import_run (school_id, kind, source, started_by, started_at,"
                " status, rows, imported, unchanged, rejected, corrections, summary)"
                " VALUES (:school, 'baseline', 'bench', 'bench', :now, 'ok', 0, 0, 0, 0, 0, '[]')"
            ).bindparams(sa.bindparam("now", type_=sa.DateTime(timezone=True))),
            {"school": SCHOOL, "now": clock.now()},
        )
        await conn.execute(sa.text(_baseline_table(conn.dialect.name)))
        await conn.execute(sa.text(_bare_table(conn.dialect.name)))
        await conn.execute(
            sa.text("CREATE INDEX ix_baseline_school_date ON baseline_mark (school_id, date)")
        )
    await engine.dispose()


def _baseline_table(dialect: str) -> str:
    key = "INTEGER PRIMARY KEY" if dialect == "sqlite" else "BIGSERIAL PRIMARY KEY"
    instant = "DATETIME" if dialect == "sqlite" else "TIMESTAMP WITH TIME ZONE"
    return (
        f"CREATE TABLE baseline_mark (id {key},"
        " school_id VARCHAR(64) NOT NULL REFERENCES school (id),"
        " pupil_id INTEGER NOT NULL REFERENCES pupil (id),"
        " date DATE NOT NULL, half_day VARCHAR(2) NOT NULL, code VARCHAR(1) NOT NULL,"
        " expected_return DATE, note VARCHAR, source VARCHAR(100) NOT NULL,"
        f" first_seen {instant} NOT NULL, last_seen {instant} NOT NULL, retracted_at {instant},"
        " run_id INTEGER NOT NULL REFERENCES import_run (id),"
        " UNIQUE (pupil_id, date, half_day))"
    )


def _bare_table(dialect: str) -> str:
    """The same columns with no key, index or constraint: the floor, for information only."""
    instant = "DATETIME" if dialect == "sqlite" else "TIMESTAMP WITH TIME ZONE"
    return (
        "CREATE TABLE bare_mark (school_id VARCHAR(64), pupil_id INTEGER, date DATE,"
        " half_day VARCHAR(2), code VARCHAR(1), expected_return DATE, note VARCHAR,"
        f" source VARCHAR(100), first_seen {instant}, last_seen {instant}, run_id INTEGER)"
    )


# --- the command ------------------------------------------------------------------------------


def measure(
    name: str, url: str, baseline_target: str, feed: Path, baseline_step: str
) -> dict[str, Any]:
    print(f"{name}: baseline ...", file=sys.stderr, flush=True)
    baseline = _child(baseline_step, baseline_target, feed)
    bare = _child(baseline_step, baseline_target, feed, "bare_mark")
    print(f"{name}: gemist import ...", file=sys.stderr, flush=True)
    ours = _child("gemist", url, feed)
    print(f"{name}: re-import (all unchanged) ...", file=sys.stderr, flush=True)
    again = _child("gemist", url, feed)
    return {"backend": name, "baseline": baseline, "bare": bare, "gemist": ours, "reimport": again}


def report(results: list[dict[str, Any]], rows: int, pupils: int, feed_mb: float) -> int:
    print(f"Feed: {rows:,} half-day marks for {pupils:,} pupils ({feed_mb:.0f} MB CSV)")
    print()
    header = f"{'backend':<11}{'step':<40}{'seconds':>9}{'rows/s':>12}{'peak MB':>9}"
    print(header)
    print("-" * len(header))
    verdict: int = Exit.OK
    for result in results:
        b, g, r = result["baseline"], result["gemist"], result["reimport"]
        name = result["backend"]
        base_label = "executemany" if name == "sqlite" else "copy_records_to_table"
        for label, figures in (
            (f"bare table ({base_label})", result["bare"]),
            (f"baseline ({base_label})", b),
            ("gemist import (parse+validate+upsert)", g),
            ("gemist re-import (all unchanged)", r),
        ):
            seconds = figures["seconds"]
            print(
                f"{name:<11}{label:<40}{seconds:>9.2f}{rows / seconds:>12,.0f}"
                f"{figures['peak_mb']:>9.0f}"
            )
        ratio = g["seconds"] / b["seconds"]
        ok = ratio <= GOAL_RATIO and g["peak_mb"] < GOAL_MEMORY_MB and g["imported"] == rows
        verdict |= Exit.OK if ok else Exit.NOT_MET
        print(
            f"{name:<11}ratio {ratio:.2f}x (goal <= {GOAL_RATIO}x), peak {g['peak_mb']:.0f} MB "
            f"(goal < {GOAL_MEMORY_MB} MB), imported {g['imported']:,}, "
            f"re-import unchanged {r['unchanged']:,}: {'MET' if ok else 'NOT MET'}"
        )
    return verdict


def run_command(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="gemist-bench-") as tmp:
        folder = Path(tmp)
        feed = folder / "absences.csv"
        print(f"generating {args.rows:,} marks for {args.pupils:,} pupils ...", file=sys.stderr)
        generate_feed(feed, args.rows, args.pupils)
        feed_mb = feed.stat().st_size / 1e6
        results = []
        if "sqlite" in args.backends:
            database = folder / "bench.db"
            url = f"sqlite:///{database}"
            asyncio.run(prepare(url, args.pupils))
            results.append(measure("sqlite", url, str(database), feed, "sqlite-baseline"))
        if "postgresql" in args.backends:
            results.append(_measure_postgres(args.postgres, feed, args.pupils))
    print()
    return report(results, args.rows, args.pupils, feed_mb)


@contextlib.contextmanager
def scratch_postgres(server: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on ``server`` for one measurement: its URL; it is
    dropped afterwards, whatever happened."""
    admin = sa.make_url(server)
    name = f"gemist_bench_{secrets.token_hex(4)}"

    async def admin_sql(sql: str) -> None:
        conn = await _asyncpg_connect(admin)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin_sql(f'CREATE DATABASE "{name}"'))
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _measure_postgres(server: str, feed: Path, pupils: int) -> dict[str, Any]:
    with scratch_postgres(server) as url:
        asyncio.run(prepare(url, pupils))
        return measure("postgresql", url, url, feed, "postgres-baseline")


if __name__ == "__main__":
    run_step(*sys.argv[1:])
