"""No answer is lost while an import holds SQLite's write lock: a durable inbox beside it.

SQLite has one write lock per database, and an absence import holds it for its whole
transaction, which keeps the import all-or-nothing (a snapshot per date, a ``kill -9`` leaves
nothing behind). Measured on this project's benchmark machine, a 1,000,000-row feed holds the
lock for about 14 seconds (a re-import about 18): longer than the 10-second busy timeout, after
which a pupil's or a parent's answer failed with "database is locked" and was lost.

The choice, of three ways out:

- shorter import transactions would give up the import's all-or-nothing meaning;
- a retry that outlasts the import keeps the person waiting for their thanks for as long as the
  import runs, and the bot handles updates one at a time, so everyone waits; an answer held only
  in memory is lost if the process stops meanwhile;
- an *inbox*: what cannot be stored within :data:`DIRECT_WAIT` is appended to a small SQLite
  file of its own (``gemist.db-inbox`` beside ``gemist.db``, mode 0600), whose lock no import
  touches, and the person is thanked at once. A background task stores the inbox's answers in
  the database in the order they came as soon as the lock is free, then lets the planner act on
  them. An inbox left by a stopped process is stored at the next start.

Gemist takes the inbox. Storing an answer twice is harmless: a tapped answer is looked up before
it is stored, free text is keyed by its Telegram update. While the inbox holds anything, new
answers join it behind the others, so they are stored in the order they came. An answer the
database refuses for another reason than the lock (its pupil left the roster meanwhile) is
logged and kept in the inbox, marked, for the operator.

The other writes a person's action makes take the same way, as kinds of their own
(:data:`~bot.telegram._writes.WRITES`, through :meth:`Inbox.write`): a coordinator's decision
under a nudge or a hold alert, a ``/taal`` or ``/momenten`` choice, a confirmed ``/stop``. One
function per kind stores the action both at once and from the inbox, and every date it needs is
worked out when the person acts, so that a replayed action means what it meant; the person is
answered at once, and the action is stored in order behind the answers before it (a ``/stop``
after an answer unlinks only after that answer is stored). Linking (``/start <code>``) must
answer with its result, a welcome or "this code does not work": a bounded retry would keep every
other person waiting behind it, and a "try again in a minute" would ask the person to do the work
the bot can do. So the code's hash waits in the inbox like the rest, and once it is stored the
inbox tells the conversation (``replayed``), which welcomes the person or says the code does not
work: later, never lost, also after a restart.

PostgreSQL locks rows, not the database: an import never blocks an answer there, so answers and
actions go straight to the database and there is no inbox.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.answers import MessageRow
from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.db import sqlite_path
from bot.files import make_private_file
from bot.imports.turns import is_locked
from bot.redaction import describe_error
from bot.telegram import _store
from bot.telegram._store import Pupilship
from bot.telegram._writes import WRITES

__all__ = ["DIRECT_WAIT", "RETRY", "Inbox", "Pupilship", "Replayed"]

log = logging.getLogger(__name__)

DIRECT_WAIT = 1.0
"""Seconds an answer waits for SQLite's write lock before it goes to the inbox (the planner's
and the outbox's own writes take milliseconds; an import takes seconds to minutes)."""
RETRY = 0.5
"""Seconds between two tries to store the inbox while the lock stays taken."""

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS inbox (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " kind TEXT NOT NULL, fields TEXT NOT NULL, failed TEXT)"
)


Replayed = Callable[[str, dict[str, Any], object], Awaitable[None]]
"""Told of each action the inbox kept once it is stored: its kind, fields and result (what
linking answers the person with)."""


class Inbox:
    """Where the bot stores answers and free text: the database, or the inbox beside it."""

    def __init__(
        self,
        engine: AsyncEngine,
        path: Path | None,
        *,
        stored: Callable[[], None] | None = None,
        replayed: Replayed | None = None,
        wait: float = DIRECT_WAIT,
        retry: float = RETRY,
    ) -> None:
        self.engine = engine
        self.path = path
        self.wait = wait
        self.retry = retry
        self._stored = stored
        self._replayed = replayed
        self._task: asyncio.Task[None] | None = None
        self._again = False

    @classmethod
    def beside(cls, engine: AsyncEngine, **options: Any) -> Inbox:
        """The inbox of ``engine``'s database: a file beside a SQLite file, none otherwise."""
        database = sqlite_path(engine)
        path = database.with_name(database.name + "-inbox") if database is not None else None
        return cls(engine, path, **options)

    # -- what the conversation stores ----------------------------------------------------------

    async def answer(
        self,
        *,
        row: MessageRow,
        sender_role: str,
        sender_id: str,
        answer: str,
        at: dt.datetime,
    ) -> bool | None:
        """:func:`bot.answers.store_tap`, or ``None``: kept in the inbox."""
        fields = {
            "row": {**dataclasses.asdict(row), "payload": dict(row.payload)},
            "sender_role": sender_role,
            "sender_id": sender_id,
            "answer": answer,
            "at": at.isoformat(),
        }
        return _stored_or_kept(await self._take("answer", fields))

    async def forward(
        self,
        *,
        pupil: _store.Pupilship,
        sender_role: str,
        sender_id: str,
        language: str | None,
        text: str,
        update_id: int,
        message_id: int,
        at: dt.datetime,
        edited: bool = False,
        translation: str | None = None,
        channels: ChannelOrder = DEFAULT_ORDER,
    ) -> bool | None:
        """:func:`bot.answers.store_words`, or ``None``: kept in the inbox."""
        fields = {
            "pupil": dataclasses.asdict(pupil),
            "sender_role": sender_role,
            "sender_id": sender_id,
            "language": language,
            "text": text,
            "update_id": update_id,
            "message_id": message_id,
            "at": at.isoformat(),
            "edited": edited,
            "translation": translation,
            # The school's order of channels as it was when the words came: they may wait here.
            "channels": list(channels.order),
            "usable": sorted(channels.usable),
        }
        return _stored_or_kept(await self._take("forward", fields))

    async def write(self, kind: str, **fields: Any) -> object | None:
        """One of the other actions (:data:`~bot.telegram._writes.WRITES`), with its ``at``:
        what it returned, or ``None``: kept in the inbox."""
        return await self._take(kind, fields)

    async def _take(self, kind: str, fields: dict[str, Any]) -> object | None:
        if self.path is None:
            return await _store_now(self.engine, kind, fields, None)
        if not await asyncio.to_thread(self._pending):
            try:
                return await _store_now(self.engine, kind, fields, self.wait)
            except OperationalError as err:
                if not is_locked(err):
                    raise
        await asyncio.to_thread(self._append, kind, fields)
        log.info("the database is busy (an import?): %s waits in the inbox", kind)
        self.resume()
        return None

    # -- storing the inbox ---------------------------------------------------------------------

    def resume(self) -> None:
        """Store what the inbox holds, in the background (at the start, and after an append)."""
        if self.path is None or not self.path.exists():
            return
        self._again = True  # a drain that just found the inbox empty looks once more
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())

    async def drained(self) -> None:
        """Wait until the inbox holds nothing to store (tests, benchmarks)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def close(self) -> None:
        """Stop storing; what is left stays in the inbox for the next start."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _drain(self) -> None:
        stored = 0
        while self._again:
            self._again = False
            stored += await self._store_all()
        if stored and self._stored is not None:
            self._stored()  # once, for all it stored: the planner reads them together

    async def _store_all(self) -> int:
        """Store the inbox's answers, oldest first, until it holds none; how many."""
        stored = 0
        while (entry := await asyncio.to_thread(self._oldest)) is not None:
            number, kind, fields = entry
            try:
                result = await _store_now(self.engine, kind, fields, self.wait)
            except OperationalError as err:
                if not is_locked(err):
                    await self._fail(number, err)
                    continue
                await asyncio.sleep(self.retry)
                continue
            except Exception as err:  # kept in the inbox, marked, for the operator
                await self._fail(number, err)
                continue
            await asyncio.to_thread(self._remove, number)
            stored += 1
            if self._replayed is not None:
                try:
                    await self._replayed(kind, fields, result)
                except Exception as err:  # the action is stored; only its answer failed
                    log.error("answering a stored action failed: %s", describe_error(err))
        return stored

    async def _fail(self, number: int, err: BaseException) -> None:
        reason = describe_error(err)
        log.error("an answer in the inbox cannot be stored (kept, marked): %s", reason)
        await asyncio.to_thread(self._mark_failed, number, reason)

    # -- the inbox file ------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        if not self.path.exists():
            make_private_file(self.path)
        conn = sqlite3.connect(self.path, timeout=30)
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(_SCHEMA)
        return conn

    def _pending(self) -> bool:
        if self.path is None or not self.path.exists():
            return False
        with _closing(self._connect()) as conn:
            row = conn.execute("SELECT 1 FROM inbox WHERE failed IS NULL LIMIT 1").fetchone()
        return row is not None

    def _append(self, kind: str, fields: dict[str, Any]) -> None:
        with _closing(self._connect()) as conn, conn:
            conn.execute(
                "INSERT INTO inbox (kind, fields) VALUES (?, ?)",
                (kind, json.dumps(fields, ensure_ascii=False)),
            )

    def _oldest(self) -> tuple[int, str, dict[str, Any]] | None:
        with _closing(self._connect()) as conn:
            row = conn.execute(
                "SELECT id, kind, fields FROM inbox WHERE failed IS NULL ORDER BY id LIMIT 1"
            ).fetchone()
        if row is None:
            return None
        return int(row[0]), str(row[1]), json.loads(row[2])

    def _remove(self, number: int) -> None:
        with _closing(self._connect()) as conn, conn:
            conn.execute("DELETE FROM inbox WHERE id = ?", (number,))

    def _mark_failed(self, number: int, reason: str) -> None:
        with _closing(self._connect()) as conn, conn:
            conn.execute("UPDATE inbox SET failed = ? WHERE id = ?", (reason, number))


def _stored_or_kept(result: object | None) -> bool | None:
    return None if result is None else bool(result)


class _closing:
    """``contextlib.closing`` for a sqlite3 connection, typed."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *_: object) -> None:
        self.conn.close()


async def _store_now(
    engine: AsyncEngine, kind: str, fields: dict[str, Any], wait: float | None
) -> object:
    """Store one answer or action in the database; on SQLite waiting ``wait`` seconds at most
    for the write lock (``None``: the engine's busy timeout)."""
    try:
        async with _write(engine, wait) as conn:
            return await WRITES[kind](conn, fields)
    except IntegrityError:  # the same answer stored by another worker a moment ago
        if kind == "answer":
            return False
        raise


@asynccontextmanager
async def _write(engine: AsyncEngine, wait: float | None) -> AsyncIterator[AsyncConnection]:
    """A write transaction (``BEGIN IMMEDIATE`` on SQLite, waiting ``wait`` seconds at most
    for the lock); an ordinary one on PostgreSQL."""
    async with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            async with conn.begin():
                yield conn
            return
        usual = await conn.scalar(sa.text("PRAGMA busy_timeout"))
        if wait is not None:
            await conn.exec_driver_sql(f"PRAGMA busy_timeout={round(wait * 1000)}")
        try:
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                await conn.rollback()
                raise
            await conn.commit()
        finally:
            await conn.exec_driver_sql(f"PRAGMA busy_timeout={int(usual or 0)}")
