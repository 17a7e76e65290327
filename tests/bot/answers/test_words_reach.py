"""Own words reach the spilfiguur as the school's order of channels chooses (the one decision of
:mod:`bot.contacts`), in the live bot and in the replay alike, not on a channel fixed in code."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.answers import record_reply
from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.contacts.store import link_chat
from bot.engine.facts import SenderRole
from bot.models import Contact, Outreach, Pupil, Staff
from scheduler.clock import BRUSSELS, VirtualClock
from tests.helpers.seed import SCHOOL, seed_pupils

WORDS_AT = dt.datetime(2026, 11, 17, 11, tzinfo=BRUSSELS)
EMAIL_FIRST = ChannelOrder(("email", "telegram"), frozenset({"email", "telegram"}))


@pytest.fixture
async def spilfiguur(engine: AsyncEngine, clock: VirtualClock) -> int:
    """Pupil P1 whose spilfiguur Hanne has a linked chat and an e-mail address."""
    await seed_pupils(engine, clock, ["P1"])
    async with engine.begin() as conn:
        staff = await conn.scalar(
            sa.insert(Staff)
            .values(
                school_id=SCHOOL,
                staff_id="S01",
                first_name="Hanne",
                last_name="Verstraete",
                role="coordinator",
                updated_at=clock.now(),
            )
            .returning(col(Staff.id))
        )
        assert staff is not None
        await conn.execute(sa.update(Pupil).values(spilfiguur_id=staff))
        await link_chat(conn, SCHOOL, "staff", staff, 3001, clock.now(), chosen=False)
        await conn.execute(
            sa.insert(Contact).values(
                school_id=SCHOOL,
                role="staff",
                person_id=staff,
                channel="email",
                address="hanne@example.org",
                state="active",
                chosen=False,
                since=clock.now(),
            )
        )
    return int(staff)


async def _forward_channel(engine: AsyncEngine, channels: ChannelOrder) -> str:
    stored = await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P1",
        sender_role=SenderRole.PUPIL,
        sender_id="P1",
        answer="Ik was ziek, sorry dat ik niets liet weten.",
        at=WORDS_AT,
        channels=channels,
    )
    assert stored is True
    async with engine.connect() as conn:
        channel = await conn.scalar(
            sa.select(col(Outreach.channel)).where(col(Outreach.kind) == "coordinator_forward")
        )
    assert channel is not None
    return str(channel)


async def test_own_words_go_on_the_first_channel_of_the_schools_order(engine, spilfiguur):
    assert await _forward_channel(engine, EMAIL_FIRST) == "email"


async def test_own_words_go_on_telegram_when_the_school_has_only_that(engine, spilfiguur):
    assert await _forward_channel(engine, DEFAULT_ORDER) == "telegram"


async def test_a_channel_the_school_cannot_deliver_on_is_passed_over(engine, spilfiguur):
    email_first_but_unusable = ChannelOrder(("email", "telegram"), frozenset({"telegram"}))
    assert await _forward_channel(engine, email_first_but_unusable) == "telegram"
