"""The schema belongs to Alembic: upgrades keep data, and the models match the migrations."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from bot.db import alembic_config, connect, migrate

REVISIONS = [
    script.revision
    for script in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))
]


async def _empty(url: str) -> None:
    """Take the test database back to no schema at all."""
    engine = connect(url)
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            await conn.exec_driver_sql("CREATE SCHEMA public")
        else:
            names = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            for name in names:
                await conn.exec_driver_sql(f'DROP TABLE "{name}"')
    await engine.dispose()


async def test_upgrading_a_database_made_by_the_first_migration_keeps_its_data(db_url):
    await _empty(db_url)
    engine = connect(db_url)
    try:
        await migrate(engine, REVISIONS[0])
        now = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)
        async with engine.begin() as conn:
            await conn.execute(
                sa.text("INSERT INTO school (id, name, created_at) VALUES ('s', 'School', :now)"),
                {"now": now},
            )
            await conn.execute(
                sa.text("INSERT INTO school_class (school_id, name) VALUES ('s', '1A')")
            )
            await conn.execute(
                sa.text(
                    "INSERT INTO pupil (school_id, pupil_id, first_name, last_name, birth_date,"
                    " class_id, language, active, updated_at)"
                    " VALUES ('s', 'P1', 'Yasmine', 'El Amrani', :born, 1, 'nl', TRUE, :now)"
                ),
                {"born": dt.date(2012, 5, 4), "now": now},
            )

        await migrate(engine)

        async with engine.connect() as conn:
            version = await conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
            pupil = (await conn.execute(sa.text("SELECT pupil_id, first_name FROM pupil"))).one()
        assert version == REVISIONS[-1]
        assert tuple(pupil) == ("P1", "Yasmine")
    finally:
        await engine.dispose()


async def test_the_models_and_the_migrations_agree(engine):
    # A model changed without a migration would show up here as a difference.
    def differences(connection: sa.Connection) -> list[object]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))

    async with engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_migrating_twice_is_harmless(engine):
    await migrate(engine)
    await migrate(engine)
    async with engine.connect() as conn:
        assert (
            await conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == REVISIONS[-1]
        )
