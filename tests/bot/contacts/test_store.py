"""Ending a contact in the store (both backends): a person unsubscribes on one channel, once,
dated; a refused address ends only an active contact."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import col

from bot.contacts import ContactState
from bot.contacts import store as contacts
from bot.imports.runs import ensure_school
from bot.models import Contact
from bot.outbox.plugin import Refusal
from tests.helpers.seed import SCHOOL, seed_pupils

T1 = dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC)
T2 = T1 + dt.timedelta(hours=3)


async def _pupil_with(engine, clock) -> int:
    """Pupil P1 with an e-mail address and a linked chat."""
    await seed_pupils(engine, clock, ["P1"])
    async with engine.begin() as conn:
        await ensure_school(conn, SCHOOL, "Testschool", clock)
        person = int(await conn.scalar(sa.text("SELECT id FROM pupil WHERE pupil_id = 'P1'")))
        await contacts.link_chat(conn, SCHOOL, "pupil", person, 4242, T1)
        await conn.execute(
            sa.insert(Contact).values(
                school_id=SCHOOL, role="pupil", person_id=person, channel="email",
                address="p1@example.org", state="active", since=T1,
            )
        )  # fmt: skip
    return person


async def _state(engine, person: int) -> dict[str, tuple[str | None, str, dt.datetime]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(
                col(Contact.channel), col(Contact.address), col(Contact.state), col(Contact.since)
            ).where(col(Contact.person_id) == person, col(Contact.role) == "pupil")
        )
        return {channel: (address, state, since) for channel, address, state, since in rows}


async def test_unsubscribing_ends_one_channel_once_and_keeps_the_address(engine, clock):
    person = await _pupil_with(engine, clock)

    async with engine.begin() as conn:
        first = await contacts.unsubscribe(conn, "email", "pupil", person, T1)
    async with engine.begin() as conn:  # the one-click POST again, or the page's button
        again = await contacts.unsubscribe(conn, "email", "pupil", person, T2)

    assert (first, again) == (True, False)
    found = await _state(engine, person)
    assert found["email"] == ("p1@example.org", "unsubscribed", T1)
    assert found["telegram"][:2] == ("4242", "active")  # the other channel is untouched
    async with engine.connect() as conn:
        assert await contacts.active_address(conn, "email", "pupil", person) is None
        assert await contacts.active_address(conn, "telegram", "pupil", person) == "4242"


async def test_unsubscribing_a_chat_erases_its_id(engine, clock):
    person = await _pupil_with(engine, clock)

    async with engine.begin() as conn:
        assert await contacts.unsubscribe(conn, "telegram", "pupil", person, T2)

    assert (await _state(engine, person))["telegram"] == (None, "unsubscribed", T2)


async def test_a_refusal_ends_only_an_active_contact(engine, clock):
    """A bounce that arrives after the person unsubscribed does not overwrite their choice."""
    person = await _pupil_with(engine, clock)

    async with engine.begin() as conn:
        await contacts.unsubscribe(conn, "email", "pupil", person, T1)
        late = await contacts.refuse(conn, "email", "pupil", person, T2)
        chat = await contacts.refuse(conn, "telegram", "pupil", person, T2)

    assert late is None
    assert chat is ContactState.BLOCKED
    found = await _state(engine, person)
    assert found["email"][1:] == ("unsubscribed", T1)
    assert found["telegram"][1:] == ("blocked", T2)


async def test_a_refusal_ends_the_contact_for_the_reason_given(engine, clock):
    person = await _pupil_with(engine, clock)

    async with engine.begin() as conn:
        chat = await contacts.refuse(conn, "telegram", "pupil", person, T2, Refusal.BOUNCED)

    assert chat is ContactState.BOUNCED
    found = await _state(engine, person)
    assert found["telegram"] == ("4242", "bounced", T2)  # the wrong id is kept
    assert found["email"][1] == "active"


async def test_nobody_to_unsubscribe_changes_nothing(engine, clock):
    person = await _pupil_with(engine, clock)

    async with engine.begin() as conn:
        assert not await contacts.unsubscribe(conn, "smartschool", "pupil", person, T1)
        assert not await contacts.unsubscribe(conn, "email", "guardian", person, T1)

    assert {state for _a, state, _s in (await _state(engine, person)).values()} == {"active"}
