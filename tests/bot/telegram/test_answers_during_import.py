"""No answer is lost while an import runs (issue 15, acceptance), on SQLite and PostgreSQL.

A large feed is re-imported and held open (:class:`~tests.helpers.held_import.HeldSource`) while
a hundred free-text answers arrive through the real bot: the local Bot API server,
python-telegram-bot and Gemist's conversation. The database's busy timeout is cut to 0.2 s, so
that on SQLite the import's write lock outlasts it as a 1,000,000-row import outlasts the real
10 s (``gemist bench import --answers 100`` measures that one). Every answer must be thanked at
once, stored in the order it came, and forwarded to the spilfiguur.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.db import connect
from bot.exits import Exit
from bot.imports import import_absences
from bot.models import Outreach, Reply
from integrations.csv.source import CsvAbsenceSource
from tests.helpers.held_import import HeldSource
from tests.helpers.telegram import SCHOOL, SCHOOL_NAME, plain, telegram_world

ANSWERS = 100
# Every pupil of the example school but the two whose families write, every school day from
# September to the week before: the feed's size, not its meaning, matters here.
ABSENT = [f"P{number:04d}" for number in range(4, 31)]


def big_feed(path: Path) -> Path:
    lines = ["pupil_id;date;half_day;code"]
    day = dt.date(2026, 9, 1)
    while day < dt.date(2026, 11, 14):
        if day.weekday() < 5:
            lines += [f"{pupil};{day};{half};Z" for pupil in ABSENT for half in ("am", "pm")]
        day += dt.timedelta(days=1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """The database with a busy timeout far shorter than the import's write lock."""
    engine = connect(db_url, busy_timeout=0.2)
    yield engine
    await engine.dispose()


async def test_a_hundred_answers_during_a_long_re_import_are_stored_thanked_and_forwarded(
    engine, clock, tmp_path
):
    async with telegram_world(engine, clock, tmp_path) as world:
        koen = await world.link("staff", "S02")  # the spilfiguur of Emir and Yasmine
        writers = [
            await world.link("pupil", "P0003"),
            await world.link("guardian", "G005", language_code="tr"),
            await world.link("pupil", "P0002"),
            await world.link("guardian", "G003"),
        ]
        feed = big_feed(tmp_path / "absences.csv")

        async def import_feed(source: CsvAbsenceSource | HeldSource) -> int:
            report = await import_absences(
                engine, source, school_id=SCHOOL, school_name=SCHOOL_NAME, clock=world.clock
            )
            assert report.exit_code == Exit.OK
            return report.files[0].unchanged

        await import_feed(CsvAbsenceSource(feed))
        held = HeldSource(CsvAbsenceSource(feed))
        reimport = asyncio.create_task(import_feed(held))
        await asyncio.wait_for(held.holding.wait(), 10)

        thanks = []
        for number in range(ANSWERS):
            [reply] = await world.say(writers[number % 4], f"Bericht {number:03d}")
            thanks.append(plain(reply.text))
        assert not reimport.done()  # every answer came while the import held its lock
        held.release.set()
        assert await asyncio.wait_for(reimport, 60) == len(ABSENT) * 2 * 54
        await asyncio.wait_for(world.conversation.inbox.drained(), 60)
        await world.conversation.settled()

        # The pupils' thanks (Emir, Yasmine) and the mothers' (which name the spilfiguur).
        assert all(text.startswith("Dank je voor je bericht") for text in thanks[0::2])
        assert all("Koen De Backer" in text for text in thanks[1::2])
        async with engine.connect() as conn:
            stored = list(await conn.scalars(sa.select(col(Reply.answer)).order_by(col(Reply.id))))
            planned = await conn.scalar(
                sa.select(sa.func.count()).where(col(Outreach.kind) == "coordinator_forward")
            )
        assert stored == [f"Bericht {number:03d}" for number in range(ANSWERS)]
        assert planned == ANSWERS
        forwarded = [
            found
            for m in world.api.messages_to(koen)
            for found in re.findall(r"Bericht \d{3}", m.text)
        ]
        assert sorted(forwarded) == stored


async def test_a_tapped_answer_during_an_import_is_thanked_at_once_and_stored_after(
    engine, clock, tmp_path
):
    async with telegram_world(engine, clock, tmp_path) as world:
        emir = await world.link("pupil", "P0003")
        await world.feed("P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\n")
        await world.run_until(clock.now() + dt.timedelta(hours=1, minutes=15))
        [checkin] = world.api.messages_to(emir)[1:]
        held = HeldSource(CsvAbsenceSource(big_feed(tmp_path / "absences.csv")))
        reimport = asyncio.create_task(
            import_absences(
                engine, held, school_id=SCHOOL, school_name=SCHOOL_NAME, clock=world.clock
            )
        )
        await asyncio.wait_for(held.holding.wait(), 10)

        edited, thanks = await world.tap(emir, checkin, "sick", replies=2)
        assert not reimport.done()
        held.release.set()
        await asyncio.wait_for(reimport, 60)
        await asyncio.wait_for(world.conversation.inbox.drained(), 60)
        await world.conversation.settled()

        assert edited.reply_markup is None
        assert "Emir" in thanks.text
        async with engine.connect() as conn:
            stored = (await conn.execute(sa.select(col(Reply.sender_id), col(Reply.answer)))).all()
        assert [tuple(row) for row in stored] == [("P0003", "sick")]
