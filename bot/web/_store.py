"""What the pages read and write: the message a link is about, who it went to, and the one
write each confirmed action makes (through :mod:`bot.answers` and :mod:`bot.contacts`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.answers import MessageRow, store_tap, store_words
from bot.contacts import ChannelOrder, ContactState
from bot.contacts import store as contacts
from bot.links import Recipient
from bot.models import Guardian, GuardianLink, Outreach, Pupil, School, SchoolClass, Staff
from bot.planning.facts_db import signature

__all__ = [
    "FAMILY",
    "Linked",
    "Person",
    "linked_row",
    "person_of",
    "school_name",
    "stop",
    "tap",
    "words",
]

FAMILY = ("pupil", "guardian")
"""Who answers through the pages (staff decide in the chat, for now)."""


@dataclass(frozen=True, slots=True)
class Linked:
    """The outbox row a link is about, and the channel it went on."""

    row: MessageRow
    channel: str

    @property
    def recipient(self) -> Recipient:
        return Recipient(self.row.recipient_role, self.row.recipient_id, self.channel)

    @property
    def reader(self) -> str:
        """The reader's language: a guardian's row is ``tr``, its text ``tr+nl``."""
        return self.row.lang.split("+")[0] or "nl"


@dataclass(frozen=True, slots=True)
class Person:
    """A pupil or a guardian who answers about a pupil who is (still) theirs."""

    role: str
    roster_id: str
    pupil: int
    about: Mapping[str, object]
    """What the thanks may say: the pupil's first name, the school, who signs, whom to contact."""


async def linked_row(conn: AsyncConnection, outreach_id: int) -> Linked | None:
    found = (
        await conn.execute(
            sa.select(
                col(Outreach.id),
                col(Outreach.school_id),
                col(Outreach.kind),
                col(Outreach.recipient_role),
                col(Outreach.recipient_id),
                col(Outreach.pupil_id),
                col(Outreach.lang),
                col(Outreach.status),
                col(Outreach.payload),
                col(Outreach.channel),
            ).where(col(Outreach.id) == outreach_id)
        )
    ).one_or_none()
    if found is None:
        return None
    pk, school, kind, role, recipient, pupil, lang, status, payload, channel = found
    row = MessageRow(int(pk), school, kind, role, int(recipient), pupil, lang, status, payload or {})
    return Linked(row, str(channel))


async def person_of(conn: AsyncConnection, row: MessageRow) -> Person | None:
    """The pupil or guardian ``row`` went to, answering about its pupil; None when the row is
    about no pupil, or the pupil left or is no longer the guardian's."""
    if row.recipient_role not in FAMILY or row.pupil_id is None:
        return None
    query = (
        sa.select(
            col(Pupil.pupil_id),
            col(Pupil.first_name),
            col(SchoolClass.name),
            col(School.name),
            col(Staff.first_name),
            col(Staff.last_name),
            col(Staff.role),
            contacts.address_of("staff", col(Staff.id), "email"),
        )
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .join(School, col(School.id) == col(Pupil.school_id))
        .outerjoin(Staff, col(Staff.id) == col(Pupil.spilfiguur_id))
        .where(col(Pupil.id) == row.pupil_id, col(Pupil.active))
    )
    found = (await conn.execute(query)).one_or_none()
    if found is None:
        return None
    pupil_id, first_name, class_name, school, s_first, s_last, s_role, email = found
    roster_id = pupil_id
    if row.recipient_role == "guardian":
        roster_id = await conn.scalar(
            sa.select(col(Guardian.guardian_id))
            .join(GuardianLink, col(GuardianLink.guardian_id) == col(Guardian.id))
            .where(col(Guardian.id) == row.recipient_id, col(GuardianLink.pupil_id) == row.pupil_id)
        )
        if roster_id is None:
            return None
    elif row.recipient_id != row.pupil_id:
        return None
    sender = contact = school
    if s_first is not None:
        sender, contact = signature(school, f"{s_first} {s_last}", s_role, email)
    about = {
        "first_name": first_name,
        "class_name": class_name,
        "school": school,
        "sender": sender,
        "contact": contact,
    }
    return Person(row.recipient_role, str(roster_id), row.pupil_id, about)


async def school_name(conn: AsyncConnection, school_id: str) -> str:
    return str(await conn.scalar(sa.select(col(School.name)).where(col(School.id) == school_id)))


async def tap(
    conn: AsyncConnection, row: MessageRow, person: Person, answer: str, at: dt.datetime
) -> bool:
    """The answer confirmed on the page, stored as the tap of the same button would be; False
    when it was stored before (a second confirmation)."""
    return await store_tap(
        conn, row=row, sender_role=person.role, sender_id=person.roster_id, answer=answer, at=at
    )


async def words(
    conn: AsyncConnection,
    row: MessageRow,
    person: Person,
    text: str,
    language: str | None,
    at: dt.datetime,
    channels: ChannelOrder,
) -> bool:
    """Words written on the page, passed on to the spilfiguur as words in the chat are; the
    same words sent twice from the same message are stored once. ``language``: the one they
are written in (:func:`bot.answers.written_in.detect`), None when not recognised."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return await store_words(
        conn,
        school_id=row.school_id,
        pupil=person.pupil,
        sender_role=person.role,
        sender_id=person.roster_id,
        language=language,
        text=text,
        source=f"web:{row.id}:{digest}",
        message_id=row.id,
        at=at,
        channels=channels,
    )


async def stop(conn: AsyncConnection, linked: Linked, at: dt.datetime) -> None:
    """The recipient stops the messages on the channel the link came on."""
    await contacts.set_state(
        conn,
        linked.row.recipient_role,
        linked.row.recipient_id,
        linked.channel,
        ContactState.UNSUBSCRIBED,
        at,
    )
