"""The directory every channel asks for addresses (both backends), on the example school: an
active contact's address on any channel; a refused address ends the contact as the channel
says why (``blocked``: the person turned the bot away; ``bounced``: the address is no good),
by default ``blocked`` on Telegram and ``bounced`` elsewhere, dated by the clock; a moved chat
keeps its person."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.channels.directory import RosterDirectory
from bot.imports import import_roster
from bot.models import Contact, Guardian
from bot.outbox.plugin import Refusal
from integrations.csv import CsvRosterSource
from scheduler.clock import BRUSSELS, VirtualClock

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
# Sarah Wouters (G029): sarah.wouters@example.org and the chat 52000029 in the example roster.
SARAH = "G029"
NOON = dt.datetime(2026, 11, 17, 12, 0, tzinfo=BRUSSELS)


async def _school(engine: AsyncEngine, clock: VirtualClock) -> int:
    roster = CsvRosterSource(EXAMPLE / "roster", today=clock.today())
    report = await import_roster(engine, roster, school_id=SCHOOL, school_name="SJC", clock=clock)
    assert report.exit_code == 0
    async with engine.connect() as conn:
        found = await conn.scalar(
            sa.select(col(Guardian.id)).where(col(Guardian.guardian_id) == SARAH)
        )
    assert isinstance(found, int)
    return found


async def _contacts(engine: AsyncEngine, person: int) -> dict[str, tuple[str | None, str, str]]:
    """Per channel: address, state and the local time of ``since``."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(
                col(Contact.channel), col(Contact.address), col(Contact.state), col(Contact.since)
            ).where(col(Contact.role) == "guardian", col(Contact.person_id) == person)
        )
        return {
            channel: (address, state, since.astimezone(BRUSSELS).strftime("%d/%m %H:%M"))
            for channel, address, state, since in rows
        }


@pytest.fixture
async def sarah(engine, clock) -> int:
    return await _school(engine, clock)


async def test_an_active_contact_gives_its_address_on_every_channel(engine, clock, sarah):
    directory = RosterDirectory(engine, clock)

    assert await directory.address_of("email", "guardian", sarah) == "sarah.wouters@example.org"
    assert await directory.address_of("telegram", "guardian", sarah) == "52000029"
    assert await directory.address_of("smartschool", "guardian", sarah) is None  # none there


async def test_a_refused_e_mail_address_bounces_and_the_chat_stays(engine, clock, sarah):
    clock.set(NOON)
    directory = RosterDirectory(engine, clock)

    await directory.forget("email", "guardian", sarah)

    contacts = await _contacts(engine, sarah)
    assert contacts["email"] == ("sarah.wouters@example.org", "bounced", "17/11 12:00")
    assert contacts["telegram"][:2] == ("52000029", "active")
    assert await directory.address_of("email", "guardian", sarah) is None
    assert await directory.address_of("telegram", "guardian", sarah) == "52000029"

    # The second 5xx for the same address (another message in flight) changes nothing: the
    # spilfiguur is told about the day it first bounced.
    clock.set(NOON + dt.timedelta(days=1))
    await directory.forget("email", "guardian", sarah)
    assert (await _contacts(engine, sarah))["email"][1:] == ("bounced", "17/11 12:00")


async def test_a_refused_chat_is_blocked_as_before(engine, clock, sarah):
    clock.set(NOON)
    directory = RosterDirectory(engine, clock)

    await directory.forget("telegram", "guardian", sarah)

    contacts = await _contacts(engine, sarah)
    assert contacts["telegram"] == ("52000029", "blocked", "17/11 12:00")
    assert contacts["email"][:2] == ("sarah.wouters@example.org", "active")
    assert await directory.address_of("telegram", "guardian", sarah) is None


async def test_a_chat_telegram_does_not_know_bounces_and_keeps_its_id(engine, clock, sarah):
    """The roster gave a chat id Telegram has no chat for: the address is wrong, as an e-mail
    address that came back is; nobody blocked anything. The id stays, so that a roster import
    can tell the school's correction from the same wrong id."""
    clock.set(NOON)
    directory = RosterDirectory(engine, clock)

    await directory.forget("telegram", "guardian", sarah, Refusal.BOUNCED)

    contacts = await _contacts(engine, sarah)
    assert contacts["telegram"] == ("52000029", "bounced", "17/11 12:00")
    assert contacts["email"][:2] == ("sarah.wouters@example.org", "active")
    assert await directory.address_of("telegram", "guardian", sarah) is None

    # A later refusal of another kind changes nothing: the first reason stays the one told.
    clock.set(NOON + dt.timedelta(hours=1))
    await directory.forget("telegram", "guardian", sarah, Refusal.BLOCKED)
    assert (await _contacts(engine, sarah))["telegram"][1:] == ("bounced", "17/11 12:00")


async def test_a_refusal_with_its_reason_is_the_reason_on_any_channel(engine, clock, sarah):
    clock.set(NOON)
    directory = RosterDirectory(engine, clock)

    await directory.forget("telegram", "guardian", sarah, Refusal.BLOCKED)
    await directory.forget("email", "guardian", sarah, Refusal.BOUNCED)

    contacts = await _contacts(engine, sarah)
    assert (contacts["telegram"][1], contacts["email"][1]) == ("blocked", "bounced")


async def test_a_moved_chat_keeps_its_person_and_an_unknown_role_is_named(engine, clock, sarah):
    directory = RosterDirectory(engine, clock)

    await directory.move("telegram", "guardian", sarah, "-100000000029")

    assert await directory.address_of("telegram", "guardian", sarah) == "-100000000029"
    with pytest.raises(LookupError, match="no people with the role 'parent'"):
        await directory.address_of("email", "parent", sarah)


async def test_someone_who_left_the_school_is_reached_nowhere(engine, clock, sarah):
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(Guardian).where(col(Guardian.id) == sarah).values(active=False)
        )
    directory = RosterDirectory(engine, clock)

    assert await directory.address_of("email", "guardian", sarah) is None
    assert await directory.address_of("telegram", "guardian", sarah) is None


async def test_staff_are_found_under_their_outbox_roles(engine, clock, sarah):
    async with engine.connect() as conn:
        hanne = await conn.scalar(sa.text("SELECT id FROM staff WHERE staff_id = 'S03'"))
        email = await conn.scalar(
            sa.text(
                "SELECT address FROM contact WHERE role = 'staff' AND channel = 'email' "
                "AND person_id = :id"
            ),
            {"id": hanne},
        )
    directory = RosterDirectory(engine, clock)

    assert email is not None
    for role in ("coordinator", "teacher", "staff"):
        assert await directory.address_of("email", role, hanne) == email
