"""The inbox beside a SQLite database (:mod:`bot.telegram.inbox`): an answer that meets a held
write lock is kept in a file of its own, and stored by the next process if this one stops."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db import connect
from bot.models import Pupil, Reply
from bot.telegram._store import Pupilship
from bot.telegram.inbox import Inbox
from bot.telegram.invites import Linked, create_invitations, hash_code, linked
from tests.helpers.seed import SCHOOL, seed_pupils


@pytest.fixture
async def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    path = tmp_path / "gemist.db"
    shutil.copy(sqlite_template, path)
    engine = connect(f"sqlite:///{path}", busy_timeout=0.2)
    yield engine
    await engine.dispose()


async def test_an_answer_kept_in_the_inbox_is_stored_by_the_next_start(sqlite_engine, clock):
    await seed_pupils(sqlite_engine, clock, ["P1"])
    async with sqlite_engine.connect() as conn:
        pk = await conn.scalar(sa.select(col(Pupil.id)))
    pupil = Pupilship(int(pk), "P1", "Kind", "1A", SCHOOL, "Testschool", None, "", "")
    database = sqlite_engine.url.database
    assert database is not None
    importer = sqlite3.connect(database)
    importer.execute("BEGIN IMMEDIATE")  # an import holds the write lock

    first = Inbox.beside(sqlite_engine, wait=0.1)
    kept = await first.forward(
        pupil=pupil, sender_role="guardian", sender_id="G1", language="nl",
        text="Hij is ziek.", update_id=1, message_id=1, at=clock.now(),
    )  # fmt: skip
    await first.close()  # the bot stops before the import ends
    importer.rollback()
    importer.close()

    assert kept is None
    assert first.path == Path(f"{database}-inbox")
    assert oct(os.stat(first.path).st_mode & 0o777) == "0o600"
    next_start = Inbox.beside(sqlite_engine)
    next_start.resume()
    await next_start.drained()
    async with sqlite_engine.connect() as conn:
        answers = list(await conn.scalars(sa.select(col(Reply.answer))))
    assert answers == ["Hij is ziek."]


async def test_postgresql_has_no_inbox(engine):
    assert (Inbox.beside(engine).path is None) == (engine.dialect.name == "postgresql")


async def test_an_answer_the_database_refuses_is_kept_marked_and_the_next_is_stored(
    sqlite_engine, clock
):
    await seed_pupils(sqlite_engine, clock, ["P1"])
    async with sqlite_engine.connect() as conn:
        pk = await conn.scalar(sa.select(col(Pupil.id)))
    database = sqlite_engine.url.database
    assert database is not None
    importer = sqlite3.connect(database)
    importer.execute("BEGIN IMMEDIATE")
    inbox = Inbox.beside(sqlite_engine, wait=0.1, retry=0.05)
    for number, (pupil_pk, text) in enumerate([(pk + 1000, "Niemand"), (pk, "Hij is ziek.")]):
        pupil = Pupilship(pupil_pk, "P1", "Kind", "1A", SCHOOL, "Testschool", None, "", "")
        kept = await inbox.forward(
            pupil=pupil, sender_role="guardian", sender_id="G1", language="nl",
            text=text, update_id=number, message_id=number + 1, at=clock.now(),
        )  # fmt: skip
        assert kept is None
    importer.rollback()
    importer.close()
    await inbox.drained()

    async with sqlite_engine.connect() as conn:
        answers = list(await conn.scalars(sa.select(col(Reply.answer))))
    assert answers == ["Hij is ziek."]
    assert inbox.path is not None
    with closing(sqlite3.connect(inbox.path)) as kept_file:
        left = kept_file.execute("SELECT kind, failed FROM inbox").fetchall()
    assert [(kind, failed.split(":")[0]) for kind, failed in left] == [
        ("forward", "IntegrityError")
    ]


async def test_a_link_kept_in_the_inbox_is_linked_by_the_next_start_and_its_result_told(
    sqlite_engine, clock
):
    await seed_pupils(sqlite_engine, clock, ["P1"])
    [invited] = await create_invitations(
        sqlite_engine, school_id=SCHOOL, role="pupil", bot_username="gemist_bot", now=clock.now()
    )
    database = sqlite_engine.url.database
    assert database is not None
    importer = sqlite3.connect(database)
    importer.execute("BEGIN IMMEDIATE")  # an import holds the write lock

    first = Inbox.beside(sqlite_engine, wait=0.1)
    kept = await first.write(
        "link", code_hash=hash_code(invited.code), chat=4242, lang="nl", at=clock.now().isoformat()
    )
    await first.close()  # the bot stops before the import ends
    importer.rollback()
    importer.close()

    assert first.path is not None
    with closing(sqlite3.connect(first.path)) as inbox:
        [(fields,)] = inbox.execute("SELECT fields FROM inbox").fetchall()
    assert invited.code not in fields  # only its hash is kept
    told: list[tuple[str, int, object]] = []

    async def replayed(kind: str, fields: dict[str, object], result: object) -> None:
        told.append((kind, int(str(fields["chat"])), result))

    next_start = Inbox.beside(sqlite_engine, replayed=replayed)
    next_start.resume()
    await next_start.drained()
    assert kept is None
    [(kind, chat, result)] = told
    assert (kind, chat) == ("link", 4242)
    assert isinstance(result, Linked)
    assert result.roster_id == "P1"
    assert [person.roster_id for person in await linked(sqlite_engine, 4242)] == ["P1"]
