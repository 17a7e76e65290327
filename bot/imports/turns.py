"""One import per school at a time, and no run left ``running`` by a process that is gone.

Every import run records the process that runs it (its id and the machine's name). Before an
import writes its run row it looks for a run of the same school that is still ``running``:

- when that run's process is gone (``kill -9``, a power cut), the run is marked
  ``interrupted``: its transaction died with it, so nothing of it was stored. Every command that
  opens the database does the same (:func:`interrupt_stale_runs`), so the import log never
  says ``running`` for a run that ended;
- when it lives, the new import waits its turn (it is told once, through ``waiting``, so that
  the command can say "another import is running since 14:02, started by PID 4711"), looking
  again every :data:`POLL` seconds with a read, which never waits for a lock. It goes on once the
  other run has ended, and so every import, the waiting one too, leaves its own row in the log.

Why wait rather than refuse: on SQLite the running import holds the database's one write lock,
so a refused import could not even write its refusal to the log until that import ended.

The look and the new row are one step (SQLite's ``BEGIN IMMEDIATE``, a PostgreSQL advisory
lock on the school's run list), so two imports started at the same moment cannot both go. A
process on another machine cannot be checked from here: its run counts as alive.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.models import ImportRun
from bot.outbox.tables import write_transaction

__all__ = [
    "POLL",
    "RunningImport",
    "Waiting",
    "alive",
    "ended",
    "interrupt_stale_runs",
    "this_process",
    "wait_for_turn",
]

POLL = 0.5
"""Seconds between two looks at the import a new one waits for."""


@dataclass(frozen=True, slots=True)
class RunningImport:
    """A run the import log says is ``running``."""

    id: int
    school_id: str
    started_at: dt.datetime
    started_by: str
    pid: int | None
    host: str | None

    def describe(self, tz: ZoneInfo) -> str:
        """ "another import is running since 14:02, started by PID 4711 (jan)"."""
        since = self.started_at.astimezone(tz).strftime("%H:%M")
        by = f"PID {self.pid} ({self.started_by})" if self.pid else self.started_by
        if self.host and self.host != socket.gethostname():
            by += f" on {self.host}"
        return f"another import is running since {since}, started by {by}"


_OURS: set[int] = set()
"""The runs this process is running now (``gemist run`` outlives its imports)."""


def ended(run_id: int) -> None:
    """This process no longer runs ``run_id`` (whatever the log says)."""
    _OURS.discard(run_id)


Waiting = Callable[[RunningImport], None]
"""Told once when an import has to wait for another one."""


def this_process() -> tuple[int, str]:
    """The process id and machine name an import run records."""
    return os.getpid(), socket.gethostname()[:255]


def alive(run: RunningImport) -> bool:
    """Whether the process of ``run`` may still be running it.

    A run recorded before runs had a process (``pid`` empty) is taken as gone; one on another
    machine as alive, since it cannot be checked from here; one of this very process only while
    its import runs (a run whose end could not be recorded must not hold up the next poll of a
    long-running ``gemist run``).
    """
    if run.pid is None or run.host is None:
        return False
    if run.host != socket.gethostname():
        return True
    if run.pid == os.getpid():  # this process: alive while its import runs
        return run.id in _OURS
    try:
        os.kill(run.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


async def running_imports(
    conn: AsyncConnection, school_id: str | None = None
) -> list[RunningImport]:
    """The runs the log says are ``running`` (of ``school_id``, or of every school)."""
    query = sa.select(
        col(ImportRun.id),
        col(ImportRun.school_id),
        col(ImportRun.started_at),
        col(ImportRun.started_by),
        col(ImportRun.pid),
        col(ImportRun.host),
    ).where(col(ImportRun.status) == "running")
    if school_id is not None:
        query = query.where(col(ImportRun.school_id) == school_id)
    rows = await conn.execute(query.order_by(col(ImportRun.id)))
    return [
        RunningImport(int(pk or 0), school, started, by, pid, host)
        for pk, school, started, by, pid, host in rows
    ]


async def interrupt_stale_runs(engine: AsyncEngine, now: dt.datetime) -> list[int]:
    """Mark ``interrupted`` every ``running`` run whose process is gone; their ids.

    Only reads when nothing is stale. A database whose write lock another import holds right
    now is left as it is: the next command, or the next import, marks the stale runs.
    """
    async with engine.connect() as conn:
        stale = [run.id for run in await running_imports(conn) if not alive(run)]
    if not stale:
        return []
    try:
        async with engine.begin() as conn:
            await conn.execute(
                sa.update(ImportRun)
                .where(col(ImportRun.id).in_(stale), col(ImportRun.status) == "running")
                .values(status="interrupted", finished_at=now)
            )
    except OperationalError as err:
        if not is_locked(err):
            raise
        return []
    return stale


def is_locked(err: OperationalError) -> bool:
    """SQLite's "database is locked": another connection held the write lock too long."""
    return "locked" in str(err.orig).lower() or "busy" in str(err.orig).lower()


async def wait_for_turn(
    engine: AsyncEngine,
    school_id: str,
    now: Callable[[], dt.datetime],
    start: Callable[[AsyncConnection], Awaitable[int]],
    waiting: Waiting | None = None,
) -> int:
    """Wait until no live import of ``school_id`` runs, then ``start`` (which writes the run
    row) in the same transaction as the last look; the new run's id."""
    told = False
    while True:
        await interrupt_stale_runs(engine, now())
        async with engine.connect() as conn:
            ahead = [run for run in await running_imports(conn, school_id) if alive(run)]
        if not ahead:
            try:
                async with write_transaction(engine) as conn:
                    await _one_at_a_time(conn, school_id)
                    ahead = [run for run in await running_imports(conn, school_id) if alive(run)]
                    if not ahead:
                        run_id = await start(conn)
                        _OURS.add(run_id)
                        return run_id
            except OperationalError as err:  # an import took the write lock first
                if not is_locked(err):
                    raise
        if ahead and waiting is not None and not told:
            waiting(ahead[0])
            told = True
        await asyncio.sleep(POLL)


async def _one_at_a_time(conn: AsyncConnection, school_id: str) -> None:
    """On PostgreSQL, hold the school's run list until the transaction ends (SQLite's
    ``BEGIN IMMEDIATE`` already does)."""
    if conn.dialect.name == "postgresql":
        await conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
            {"key": f"gemist-import-runs-{school_id}"},
        )
