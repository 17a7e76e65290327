"""The schema belongs to Alembic: upgrades keep data, and the models match the migrations."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import command
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


def _downgrade(connection: sa.Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def test_the_contacts_migration_moves_addresses_and_chats_and_back(db_url):
    await _empty(db_url)
    engine = connect(db_url)
    try:
        await migrate(engine, "0010")
        now = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)
        async with engine.begin() as conn:
            for sql in (
                "INSERT INTO school (id, name, created_at) VALUES ('s', 'School', :now)",
                "INSERT INTO school_class (school_id, name) VALUES ('s', '1A')",
                "INSERT INTO staff (school_id, staff_id, first_name, last_name, role, email,"
                " language, telegram_chat_id, active, updated_at) VALUES ('s', 'S1', 'Koen',"
                " 'De Backer', 'coordinator', 'koen@school.be', 'nl', 5001, TRUE, :now)",
                "INSERT INTO pupil (school_id, pupil_id, first_name, last_name, birth_date,"
                " class_id, language, email, telegram_chat_id, active, updated_at) VALUES"
                " ('s', 'P1', 'Yasmine', 'El Amrani', :born, 1, 'nl', '', 7001, TRUE, :now)",
                "INSERT INTO guardian (school_id, guardian_id, first_name, last_name, language,"
                " email, phone, telegram_chat_id, active, updated_at) VALUES ('s', 'G1',"
                " 'Samira', 'El Amrani', 'ar', 'samira@example.be', '0470 12 34 56', NULL,"
                " TRUE, :now)",
                # Yasmine linked her chat with her own code; Koen's came from the roster.
                "INSERT INTO invitation (school_id, role, person_id, code_hash, created_at,"
                " expires_at, used_at, chat_id) VALUES ('s', 'pupil', 1, 'h', :now, :now,"
                " :now, 7001)",
            ):
                await conn.execute(sa.text(sql), {"now": now, "born": dt.date(2012, 5, 4)})

        await migrate(engine)

        async with engine.connect() as conn:
            rows = await conn.execute(
                sa.text(
                    "SELECT role, person_id, channel, address, state, chosen, school_id"
                    " FROM contact ORDER BY role, channel"
                )
            )
            contacts = [(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows]
            chosen = await conn.scalar(sa.text("SELECT language_chosen FROM guardian"))
        assert contacts == [
            ("guardian", 1, "email", "samira@example.be", "active", False, "s"),
            ("guardian", 1, "phone", "0470 12 34 56", "active", False, "s"),
            ("pupil", 1, "telegram", "7001", "active", True, "s"),
            ("staff", 1, "email", "koen@school.be", "active", False, "s"),
            ("staff", 1, "telegram", "5001", "active", False, "s"),
        ]
        assert chosen is not None
        assert not chosen
        async with engine.begin() as conn:  # Koen blocked the bot since
            await conn.execute(sa.text("UPDATE contact SET state = 'blocked' WHERE role = 'staff'"))

        async with engine.begin() as conn:
            await conn.run_sync(_downgrade, "0010")

        async with engine.connect() as conn:
            names = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
            staff = (await conn.execute(sa.text("SELECT email, telegram_chat_id FROM staff"))).one()
            pupil = (await conn.execute(sa.text("SELECT email, telegram_chat_id FROM pupil"))).one()
            guardian = (
                await conn.execute(sa.text("SELECT email, phone, telegram_chat_id FROM guardian"))
            ).one()
        assert "contact" not in names
        # A blocked chat was unlinked in the old scheme; an address stays whatever became of it.
        assert tuple(staff) == ("koen@school.be", None)
        assert tuple(pupil) == (None, 7001)
        assert tuple(guardian) == ("samira@example.be", "0470 12 34 56", None)
    finally:
        await migrate(engine)
        await engine.dispose()
