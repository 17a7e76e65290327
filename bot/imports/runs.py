"""The record of each import run: opened before the data is touched, closed with the result.

The run row is written in its own short transactions so that it survives when the import
itself is rolled back (an unusable file is still on record, with its reason). It is written
when the school's previous import has ended (:mod:`bot.imports.turns`: one import per school
at a time, a run left ``running`` by a killed process marked ``interrupted``).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.imports.report import FileReport, ImportReport
from bot.imports.turns import Waiting, ended, this_process, wait_for_turn
from bot.models import ImportReject, ImportRun, School
from integrations.exceptions import FeedParseError
from scheduler.clock import Clock

__all__ = ["ensure_school", "lock_school", "recorded_run", "who"]


def who() -> str:
    """The person or service starting an import, as far as the machine knows."""
    try:
        return os.environ.get("GEMIST_ACTOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


async def ensure_school(conn: AsyncConnection, school_id: str, name: str, clock: Clock) -> None:
    """Create the school row the first time anything is imported for it."""
    exists = await conn.scalar(sa.select(col(School.id)).where(col(School.id) == school_id))
    if exists is None:
        await conn.execute(
            sa.insert(School).values(id=school_id, name=name, created_at=clock.now())
        )


@asynccontextmanager
async def recorded_run(
    engine: AsyncEngine,
    report: ImportReport,
    *,
    school_id: str,
    school_name: str,
    source: str,
    clock: Clock,
    started_by: str | None = None,
    waiting: Waiting | None = None,
) -> AsyncIterator[int]:
    """Record an import run around its body, and yield the run's id.

    When another import of the school runs, this one waits for it to end (``waiting`` is told).
    An unusable input (:class:`FeedParseError`) ends the body: it goes into ``report.error``,
    and the body's transaction, rolled back, left nothing. Any other error marks the run
    failed and propagates.
    """
    report.run_id = await start_run(
        engine,
        school_id=school_id,
        school_name=school_name,
        kind=report.kind,
        source=source,
        clock=clock,
        started_by=started_by,
        waiting=waiting,
    )
    try:
        try:
            yield report.run_id
        except FeedParseError as err:
            report.error = err
            report.files = [FileReport(err.file)]
        except BaseException:
            await fail_run(engine, report, clock)
            raise
        await finish_run(engine, report, clock)
    finally:
        ended(report.run_id)
    if report.error is None:
        await refresh_statistics(engine, changed=report.total("imported"))


BIG_IMPORT = 10_000
"""From this many new rows on, PostgreSQL's statistics are refreshed at once, not when the
autovacuum gets to it."""


async def refresh_statistics(engine: AsyncEngine, *, changed: int) -> None:
    """Let the database's query planner know what the tables hold now.

    Without statistics, SQLite assumes an index on ``school_id`` is selective, and reads every
    guardian of the school to find a few pupils' guardians: the planner tick's reading depends
    on this. ``analysis_limit`` keeps the analysis to a sample, a few milliseconds.
    """
    if engine.dialect.name == "sqlite":
        async with engine.begin() as conn:
            await conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
            await conn.exec_driver_sql("ANALYZE")
    elif engine.dialect.name == "postgresql" and changed >= BIG_IMPORT:
        async with engine.begin() as conn:
            await conn.exec_driver_sql("ANALYZE absence_mark, guardian_link, pupil, guardian")


async def start_run(
    engine: AsyncEngine,
    *,
    school_id: str,
    school_name: str,
    kind: str,
    source: str,
    clock: Clock,
    started_by: str | None = None,
    waiting: Waiting | None = None,
) -> int:
    """Write the run row once no other import of the school runs; the run's id."""
    pid, host = this_process()

    async def start(conn: AsyncConnection) -> int:
        await ensure_school(conn, school_id, school_name, clock)
        result = await conn.execute(
            sa.insert(ImportRun)
            .values(
                school_id=school_id,
                kind=kind,
                source=source[:500],
                started_by=(started_by or who())[:100],
                started_at=clock.now(),
                status="running",
                summary=[],
                pid=pid,
                host=host,
            )
            .returning(col(ImportRun.id))
        )
        run_id = result.scalar_one()
        assert run_id is not None
        return int(run_id)

    return await wait_for_turn(engine, school_id, clock.now, start, waiting)


async def finish_run(engine: AsyncEngine, report: ImportReport, clock: Clock) -> None:
    """Store the counts, the per-file summaries and every reject of a finished run."""
    assert report.run_id is not None
    rejects = [
        {
            "run_id": report.run_id,
            "file": reject.file[:500],
            "line": reject.line,
            "column": reject.column,
            "reason": reject.reason,
        }
        for file in report.files
        for reject in file.rejects
    ]
    if report.error is not None:
        error = report.error
        rejects.append(
            {
                "run_id": report.run_id,
                "file": error.file[:500],
                "line": error.line,
                "column": error.column,
                "reason": error.reason,
            }
        )
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(ImportRun)
            .where(col(ImportRun.id) == report.run_id)
            .values(
                finished_at=clock.now(),
                status=report.status,
                rows=report.total("rows"),
                imported=report.total("imported"),
                unchanged=report.total("unchanged"),
                rejected=report.total("rejected"),
                corrections=report.total("corrections"),
                summary=[file.summary() for file in report.files],
            )
        )
        if rejects:
            await conn.execute(sa.insert(ImportReject), rejects)


async def fail_run(engine: AsyncEngine, report: ImportReport, clock: Clock) -> None:
    """Mark a run that stopped on an unexpected error; its data was rolled back."""
    assert report.run_id is not None
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(ImportRun)
            .where(col(ImportRun.id) == report.run_id)
            .values(finished_at=clock.now(), status="failed")
        )


async def lock_school(conn: AsyncConnection, school_id: str) -> None:
    """Let one import per school run at a time, until ``conn``'s transaction ends.

    PostgreSQL: an advisory lock on the school. SQLite: a write that changes nothing takes the
    database's write lock now, so that what an import loads cannot change before it writes.
    """
    if conn.dialect.name == "postgresql":
        await conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"gemist-import-{school_id}"},
        )
    else:
        await conn.execute(sa.delete(School).where(sa.false()))
