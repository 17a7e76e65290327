"""Database engines and schema migrations.

One async SQLAlchemy engine per process: ``sqlite+aiosqlite`` (WAL) by default, or
``postgresql+asyncpg``. Users write plain URLs (``sqlite:///gemist.db``,
``postgresql://user@host/db``); :func:`async_url` adds the async driver. The schema is owned by
Alembic (``bot/migrations``); :func:`migrate` brings any database to the newest revision.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import aiosqlite
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import URL, Dialect, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.files import PRIVATE_FILE_MODE, make_private_file

__all__ = [
    "DatabaseError",
    "alembic_config",
    "async_url",
    "connect",
    "connect_scratch",
    "display_url",
    "migrate",
    "one_of",
    "sqlite_path",
]

MIGRATIONS = Path(__file__).parent / "migrations"

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class DatabaseError(Exception):
    """The database URL cannot be used; the message shows the URL without its password."""


def async_url(url: str) -> URL:
    """Parse a user's database URL and pick the async driver Gemist uses for it."""
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise DatabaseError(f"not a database URL: {_mask(url)!r}") from err
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise DatabaseError(
            f"unsupported database {parsed.drivername!r} in {display_url(parsed)}: "
            "use sqlite:///FILE or postgresql://USER@HOST/DB"
        )
    return parsed.set(drivername=driver)


def display_url(url: URL | str) -> str:
    """The URL as it may appear in logs and messages: the password masked."""
    if isinstance(url, str):
        url = make_url(url)
    return url.render_as_string(hide_password=True)


def _mask(text: str) -> str:
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", text)


BUSY_TIMEOUT = 10.0
"""Seconds a SQLite writer waits for another's write lock before "database is locked"."""


def connect(url: str, *, busy_timeout: float | None = None, **engine_kwargs: Any) -> AsyncEngine:
    """An async engine for ``url``, with SQLite tuned for one writer and many readers.

    ``busy_timeout``: how long a SQLite writer waits for the write lock (default
    :data:`BUSY_TIMEOUT`; tests shorten it).

    An SQLite file is narrowed to ``0600`` as soon as a connection has opened (or created) it,
    before anything is written to it and before WAL mode makes its ``-wal`` and ``-shm`` files,
    which SQLite gives the database file's mode. Connecting creates no file by itself.
    """
    target = async_url(url)
    if target.get_backend_name() == "sqlite":
        engine = create_async_engine(target, **engine_kwargs)
        path = _sqlite_file(target.database)
        if path is not None:
            sa.event.listen(engine.sync_engine, "connect", functools.partial(_narrow, path))
        wait = BUSY_TIMEOUT if busy_timeout is None else busy_timeout
        pragmas = functools.partial(_sqlite_pragmas, busy_ms=round(wait * 1000))
        sa.event.listen(engine.sync_engine, "connect", pragmas)
        return engine
    return create_async_engine(target, pool_pre_ping=True, **engine_kwargs)


def sqlite_path(engine: AsyncEngine) -> Path | None:
    """The file of a SQLite database (``None`` for PostgreSQL or an in-memory database)."""
    if engine.dialect.name != "sqlite":
        return None
    name = engine.url.database
    return Path(name) if name and name != ":memory:" else None


def _sqlite_file(database: str | None) -> Path | None:
    """The file an SQLite URL names; None for an in-memory database or a ``file:`` URI."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def _narrow(path: Path, _dbapi_connection: Any, _record: Any) -> None:
    """Make the database file the owner's only; a file that is not ours is left to SQLite."""
    with contextlib.suppress(OSError):
        path.chmod(PRIVATE_FILE_MODE)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any, *, busy_ms: int = 10_000) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
    cursor.close()


def connect_scratch(path: Path) -> AsyncEngine:
    """An engine for a private, throw-away SQLite file (``gemist simulate``, benchmarks).

    One task uses such a database and nothing must survive a crash, so two costs of the live
    engine are dropped: SQLite runs on the event loop's own thread (:class:`_InlineSqlite`)
    instead of handing every call to aiosqlite's worker thread and waiting for the answer, and
    commits are not synced to disk (``synchronous=OFF``). WAL stays, so that a reader never
    waits for a writer: on one thread such a wait could never end.
    """
    make_private_file(path)
    connector = functools.partial(sqlite3.connect, str(path))
    # The file's URL, so that SQLAlchemy pools connections as for a file (an empty one would
    # mean ":memory:", one connection shared by all); the connections are made here.
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{path}", async_creator=lambda: _InlineSqlite(connector, 64)
    )
    sa.event.listen(engine.sync_engine, "connect", _scratch_pragmas)
    return engine


READ_WAIT = 0.2
"""Seconds an inline reader (:func:`connect_reader`) waits for a lock at most: never long, as
it waits on the event loop's own thread."""


def connect_reader(engine: AsyncEngine) -> AsyncEngine:
    """An engine for lookups by key that a busy page makes on every request (the web
    application's links), beside ``engine``.

    On SQLite, the same file read on the event loop's own thread (:class:`_InlineSqlite`): for
    a read of a row or two by its key, aiosqlite's hand-over to its worker thread and back costs
    ten times the read itself. The connection is read-only (``query_only``), and a reader never
    waits for a writer in WAL mode (an import's long write transaction included); it waits at
    most :data:`READ_WAIT` for the rare moment SQLite itself locks the WAL index. Other backends
    have no worker thread: the reader is ``engine`` itself.
    """
    path = sqlite_path(engine)
    if path is None:
        return engine
    connector = functools.partial(sqlite3.connect, str(path))
    reader = create_async_engine(
        f"sqlite+aiosqlite:///{path}", async_creator=lambda: _InlineSqlite(connector, 64)
    )
    sa.event.listen(reader.sync_engine, "connect", _reader_pragmas)
    return reader


def _reader_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute(f"PRAGMA busy_timeout={round(READ_WAIT * 1000)}")
    cursor.close()


class _InlineSqlite(aiosqlite.Connection):
    """aiosqlite's connection, each call run at once on the calling thread (no worker thread).

    SQLAlchemy's aiosqlite dialect talks to this as to any aiosqlite connection; every call
    of aiosqlite's connection and cursors goes through :meth:`_execute`.
    """

    def __await__(self) -> Any:
        return self._connect().__await__()

    async def _connect(self) -> _InlineSqlite:
        if self._connection is None:
            self._connection = self._connector()
        return self

    async def _execute(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def stop(self) -> None:
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


def _scratch_pragmas(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def one_of(dialect: Dialect, column: Any, values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """``column`` is one of ``values``.

    The values are one parameter: an array on PostgreSQL (``= ANY``), a JSON list on SQLite
    (``IN (SELECT value FROM json_each(...))``, SQLite's JSON functions, which reading the
    outbox's payloads needs anyway). The statement is then the same for any number of values:
    SQLAlchemy compiles it (and asyncpg prepares it) once, instead of rendering a placeholder
    per value, thousands on every query of every tick. Both databases still look each value up
    by the column's index. Elsewhere an ``IN`` list.
    """
    condition: sa.ColumnElement[bool]
    if dialect.name == "postgresql":
        array = sa.bindparam("values", list(values), type_=postgresql.ARRAY(column.type))
        condition = column == sa.any_(array)
    elif dialect.name == "sqlite":
        listed = sa.func.json_each(sa.bindparam("values", json.dumps(list(values))))
        condition = column.in_(sa.select(listed.table_valued("value").c.value))
    else:
        condition = column.in_(values)
    return condition


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision``; a no-op when it is there."""

    def upgrade(connection: sa.Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(upgrade)
