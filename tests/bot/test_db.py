"""Database URLs as users write them."""

from __future__ import annotations

import pytest

from bot.db import DatabaseError, async_url, display_url


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///gemist.db", "sqlite+aiosqlite"),
        ("postgresql://gemist@db.school.internal/gemist", "postgresql+asyncpg"),
        ("postgres://gemist@localhost/gemist", "postgresql+asyncpg"),
        ("postgresql+asyncpg://gemist@localhost/gemist", "postgresql+asyncpg"),
    ],
)
def test_the_async_driver_is_chosen(given, driver):
    assert async_url(given).drivername == driver


def test_passwords_never_show():
    assert (
        display_url("postgresql://gemist:hunter2@db/gemist") == "postgresql://gemist:***@db/gemist"
    )
    with pytest.raises(DatabaseError) as caught:
        async_url("oracle://scott:tiger@db/x")
    assert "tiger" not in str(caught.value)
    with pytest.raises(DatabaseError) as caught:
        async_url("not a url with:pass@word")
    assert "not a database URL" in str(caught.value)


async def test_a_scratch_database_runs_sqlite_on_the_callers_thread(tmp_path):
    import threading

    import sqlalchemy as sa

    from bot.db import connect_scratch, migrate

    before = threading.active_count()
    engine = connect_scratch(tmp_path / "scratch.db")
    try:
        await migrate(engine)
        async with engine.begin() as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO school (id, name, created_at)"
                    " VALUES ('s', 'School', '2026-01-01 00:00:00')"
                )
            )
        async with engine.connect() as reader:  # a reader while a writer holds the lock
            async with engine.begin() as writer:
                await writer.execute(sa.text("UPDATE school SET name = 'Other'"))
                assert await reader.scalar(sa.text("SELECT name FROM school")) == "School"
            assert await reader.scalar(sa.text("PRAGMA synchronous")) == 0  # OFF
            assert await reader.scalar(sa.text("PRAGMA journal_mode")) == "wal"
        assert threading.active_count() == before  # no aiosqlite worker thread was started
    finally:
        await engine.dispose()


async def test_one_of_finds_the_rows_of_any_number_of_values(engine, clock):
    """The same statement for none, one and many values; on PostgreSQL one array parameter,
    run more often than PostgreSQL plans a prepared statement anew."""
    import sqlalchemy as sa

    from bot.db import one_of
    from bot.imports.runs import ensure_school

    table = sa.table("school", sa.column("id", sa.String))
    everyone = sorted([*(f"s{number}" for number in range(28)), "o'neil", 'zoë \\ "z"'])
    async with engine.begin() as conn:
        for school in everyone:
            await ensure_school(conn, school, school, clock)
        query = sa.select(table.c.id).order_by(table.c.id)
        found = [
            list((await conn.execute(query.where(one_of(conn.dialect, table.c.id, ids)))).scalars())
            for ids in ([], ["s3"], ["s7", "o'neil", "nobody"], *[everyone] * 6)
        ]
    assert found[:3] == [[], ["s3"], ["o'neil", "s7"]]
    assert found[3:] == [everyone] * 6
