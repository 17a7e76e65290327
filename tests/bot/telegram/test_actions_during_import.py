"""No action is lost while an import runs: a coordinator's decision, a language choice and a
link, through the real bot, on SQLite and PostgreSQL.

As in :mod:`tests.bot.telegram.test_answers_during_import`, a large feed is imported and held
open (:class:`~tests.helpers.held_import.HeldSource`) with the database's busy timeout cut to
0.2 s, so that on SQLite the import's write lock outlasts it as a real import outlasts 10 s.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db import connect
from bot.imports import import_absences
from bot.models import Guardian, Outreach
from integrations.csv.source import CsvAbsenceSource
from scheduler.clock import BRUSSELS
from tests.bot.telegram.test_answers_during_import import big_feed
from tests.helpers.held_import import HeldSource
from tests.helpers.telegram import SCHOOL, SCHOOL_NAME, World, plain, telegram_world


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """The database with a busy timeout far shorter than the import's write lock."""
    engine = connect(db_url, busy_timeout=0.2)
    yield engine
    await engine.dispose()


@asynccontextmanager
async def import_held(world: World, tmp_path: Path) -> AsyncIterator[None]:
    """An import that holds its transaction (on SQLite the write lock) for the whole block;
    afterwards it ends, and the inbox is stored and acted on."""
    held = HeldSource(CsvAbsenceSource(big_feed(tmp_path / "absences.csv")))
    running = asyncio.create_task(
        import_absences(
            world.engine, held, school_id=SCHOOL, school_name=SCHOOL_NAME, clock=world.clock
        )
    )
    await asyncio.wait_for(held.holding.wait(), 10)
    yield
    assert not running.done()  # what the block did, it did while the import held its lock
    held.release.set()
    await asyncio.wait_for(running, 60)
    await asyncio.wait_for(world.conversation.inbox.drained(), 60)
    await world.conversation.settled()


async def guardian_language(world: World, guardian_id: str) -> str:
    async with world.engine.connect() as conn:
        found = await conn.scalar(
            sa.select(col(Guardian.language)).where(col(Guardian.guardian_id) == guardian_id)
        )
    return str(found)


async def test_a_nudge_marked_seen_during_an_import_is_acknowledged_at_once_and_stored_after(
    engine, clock, tmp_path
):
    async with telegram_world(engine, clock, tmp_path) as world:
        emir = await world.link("pupil", "P0003")
        koen = await world.link("staff", "S02")  # Emir's spilfiguur
        await world.feed("P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\n")
        await world.run_until(dt.datetime(2026, 11, 17, 10, 45, tzinfo=BRUSSELS))
        [checkin] = world.api.messages_to(emir)[1:]
        await world.tap(emir, checkin, "want_to_talk", replies=2)
        [nudge] = world.api.messages_to(koen)[1:]

        async with import_held(world, tmp_path):
            edited, seen = await world.tap(koen, nudge, "ack", replies=2)

        assert edited.reply_markup is None
        assert plain(seen.text).startswith("Genoteerd: je volgt dit op.")
        async with engine.connect() as conn:
            by = await conn.scalar(
                sa.select(col(Outreach.acknowledged_by)).where(
                    col(Outreach.kind) == "coordinator_nudge",
                    col(Outreach.idempotency_key).contains(":P0003:"),  # Emir's, not another's
                )
            )
        assert by == "telegram:S02"


async def test_a_language_chosen_during_an_import_is_welcomed_in_at_once_and_stored_after(
    engine, clock, tmp_path
):
    async with telegram_world(engine, clock, tmp_path) as world:
        chat = await world.link("guardian", "G001")
        [welcome] = world.api.messages_to(chat)
        [choice] = await world.tap(chat, welcome, "language")

        async with import_held(world, tmp_path):
            edited, again = await world.tap(chat, choice, "lang:tr", replies=2)

        assert edited.reply_markup is None
        assert "Hoş geldiniz" in again.text
        assert await guardian_language(world, "G001") == "tr"


async def test_a_parent_who_links_during_an_import_is_linked_and_welcomed_once_it_ends(
    engine, clock, tmp_path
):
    async with telegram_world(engine, clock, tmp_path) as world:
        invited = await world.invite("guardian", "G001")
        chat = world.user("G001")

        async with import_held(world, tmp_path):
            handled = world.conversation.updates_handled
            await world.api.send_text(chat, f"/start {invited.code}")
            await world.conversation.handled(handled + 1)

        [welcome] = await world.api.wait_for(chat, 1)
        assert "Welkom" in welcome.text
        assert await world.chat_of(Guardian, Guardian.guardian_id, "G001") == chat


async def test_a_stop_confirmed_during_an_import_is_answered_at_once_and_unlinks_after(
    engine, clock, tmp_path
):
    async with telegram_world(engine, clock, tmp_path) as world:
        chat = await world.link("guardian", "G001")
        [question] = await world.say(chat, "/stop")

        async with import_held(world, tmp_path):
            edited, stopped = await world.tap(chat, question, "stop_yes", replies=2)

        assert edited.reply_markup is None
        assert stopped.text.startswith("Gestopt: er komen geen berichten meer van Gemist.")
        assert await world.chat_of(Guardian, Guardian.guardian_id, "G001") is None
