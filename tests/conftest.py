"""Shared fixtures: every storage test runs against SQLite and against the local PostgreSQL.

PostgreSQL: one throw-away database per test session (``gemist_test_<random>``), migrated once,
emptied between tests, dropped at the end. ``GEMIST_TEST_POSTGRES`` overrides the server URL
(default ``postgresql://127.0.0.1:5432/postgres``). The service is required: when it is down the
PostgreSQL half of the suite fails, it is not skipped.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import connect, migrate
from scheduler.clock import BRUSSELS, VirtualClock

ADMIN_URL = os.environ.get("GEMIST_TEST_POSTGRES", "postgresql://127.0.0.1:5432/postgres")
BACKENDS = ("sqlite", "postgresql")


def _run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def _admin(sql: str) -> None:
    url = make_url(ADMIN_URL)
    conn = await asyncpg.connect(
        host=url.host or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or os.environ.get("USER") or "postgres",
        password=url.password,
        database=url.database or "postgres",
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    name = f"gemist_test_{secrets.token_hex(4)}"
    try:
        _run(_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as err:
        pytest.fail(f"PostgreSQL at {ADMIN_URL} is needed for the test suite: {err}")
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    async def prepare() -> None:
        engine = connect(url)
        await migrate(engine)
        await engine.dispose()

    _run(prepare())
    yield url
    _run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "gemist.db"

    async def prepare() -> None:
        engine = connect(f"sqlite:///{path}")
        await migrate(engine)
        async with engine.begin() as conn:
            await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        await engine.dispose()

    _run(prepare())
    return path


TABLES = (
    "desk_session", "desk_signin", "rules_version",
    "signing_key", "timeline_view", "privacy_log", "invitation", "contact",
    "pupil_pause", "reply", "outreach_event", "outreach",
    "mark_correction", "absence_mark", "feed_day", "import_reject", "guardian_link",
    "teaching_assignment", "pupil", "guardian", "staff", "school_class", "import_run", "school",
)  # fmt: skip


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty, migrated database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "gemist.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    url: str = request.getfixturevalue("postgres_url")
    yield url
    _run(_truncate(url))


async def _truncate(url: str) -> None:
    engine = connect(url)
    async with engine.begin() as conn:
        await conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    await engine.dispose()


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = connect(db_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def clock() -> VirtualClock:
    """Tuesday 17 November 2026, 09:30 in Brussels: the morning feed has just come in."""
    return VirtualClock(datetime(2026, 11, 17, 9, 30, tzinfo=BRUSSELS))
