"""What the pages read and write: the message a link is about, who it went to, and the one
write each confirmed action makes (through :mod:`bot.answers` and :mod:`bot.contacts`)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.selectable import NamedFromClause
from sqlmodel import col

from bot.answers import Decision, MessageRow, decide, store_tap, store_words
from bot.answers.staff import StaffAnswer
from bot.contacts import ChannelOrder
from bot.contacts import store as contacts
from bot.links import Recipient
from bot.models import Guardian, GuardianLink, Outreach, Pupil, School, SchoolClass, Staff
from bot.planning.facts_db import signature

__all__ = [
    "FAMILY",
    "STAFF",
    "Found",
    "Linked",
    "Person",
    "Staffer",
    "decision",
    "linked_row",
    "stop",
    "tap",
    "words",
]

FAMILY = ("pupil", "guardian")
"""Who answers through the pages, about a pupil."""
STAFF = ("teacher", "coordinator")
"""Who decides through the pages, under a message that went to them."""


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
    spilfiguur: int | None = None
    """The database id of the pupil's spilfiguur, who reads the person's own words."""
    """What the thanks may say: the pupil's first name, the school, who signs, whom to contact."""


@dataclass(frozen=True, slots=True)
class Staffer:
    """A teacher or a coordinator deciding under a message that went to them."""

    role: str
    roster_id: str


@dataclass(frozen=True, slots=True)
class Found:
    """A link's message, with who it went to: the family member answering (None when the row
    went to staff, or its pupil left or is no longer theirs), the staff member deciding (None
    when the row went to a family, or they left) and the school's name."""

    linked: Linked
    person: Person | None
    staffer: Staffer | None
    school: str


def _alias(model: Any, name: str) -> NamedFromClause:
    return cast(sa.Table, model.__table__).alias(name)


_STAFF = _alias(Staff, "spilfiguur")
_GUARDIAN = _alias(Guardian, "answering_guardian")
_LINK = _alias(GuardianLink, "answering_link")
_RECIPIENT = _alias(Staff, "deciding_staff")


def _link_query() -> sa.Select[Any]:
    """A link's row with its person and school, in one query, built once."""
    about_pupil = sa.and_(col(Pupil.id) == col(Outreach.pupil_id), col(Pupil.active))
    return (
        sa.select(
            col(Outreach.id), col(Outreach.school_id), col(Outreach.kind),
            col(Outreach.recipient_role), col(Outreach.recipient_id), col(Outreach.pupil_id),
            col(Outreach.lang), col(Outreach.status), col(Outreach.payload),
            col(Outreach.channel), col(School.name),
            col(Pupil.pupil_id), col(Pupil.first_name), col(SchoolClass.name),
            col(Pupil.spilfiguur_id),
            _STAFF.c.first_name, _STAFF.c.last_name, _STAFF.c.role,
            contacts.address_of("staff", _STAFF.c.id, "email"),
            _GUARDIAN.c.guardian_id,
            _RECIPIENT.c.staff_id,
        )
        .join(School, col(School.id) == col(Outreach.school_id))
        .outerjoin(Pupil, about_pupil)
        .outerjoin(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .outerjoin(_STAFF, _STAFF.c.id == col(Pupil.spilfiguur_id))
        .outerjoin(
            _LINK,
            sa.and_(
                col(Outreach.recipient_role) == "guardian",
                _LINK.c.guardian_id == col(Outreach.recipient_id),
                _LINK.c.pupil_id == col(Outreach.pupil_id),
            ),
        )
        .outerjoin(_GUARDIAN, _GUARDIAN.c.id == _LINK.c.guardian_id)
        .outerjoin(
            _RECIPIENT,
            sa.and_(
                col(Outreach.recipient_role).in_(STAFF),
                _RECIPIENT.c.id == col(Outreach.recipient_id),
                _RECIPIENT.c.active,
            ),
        )
        .where(col(Outreach.id) == sa.bindparam("outreach_id"))
    )  # fmt: skip


_LINK_QUERY = _link_query()


async def linked_row(conn: AsyncConnection, outreach_id: int) -> Found | None:
    """The outbox row ``outreach_id`` and its person, in one query (a page is opened often:
    by the family, and by every link scanner on the way)."""
    found = (await conn.execute(_LINK_QUERY, {"outreach_id": outreach_id})).one_or_none()
    if found is None:
        return None
    pk, school_id, kind, role, recipient, pupil, lang, status, payload, channel, school = found[:11]
    row = MessageRow(
        int(pk), school_id, kind, role, int(recipient), pupil, lang, status, payload or {}
    )
    linked = Linked(row, str(channel))
    person = _person(row, str(school), found[11:20])
    staff_id = found[20]
    staffer = Staffer(role, str(staff_id)) if role in STAFF and staff_id is not None else None
    return Found(linked, person, staffer, str(school))


def _person(row: MessageRow, school: str, found: Sequence[Any]) -> Person | None:
    """The pupil or guardian ``row`` went to, answering about its pupil; None when the row is
    about no pupil, went to staff, or its pupil left or is no longer the guardian's."""
    pupil_id, first_name, class_name, spilfiguur, s_first, s_last, s_role, email, guardian_id = (
        found
    )
    if row.recipient_role not in FAMILY or row.pupil_id is None or pupil_id is None:
        return None
    if row.recipient_role == "guardian":
        if guardian_id is None:
            return None
        roster_id = str(guardian_id)
    elif row.recipient_id != row.pupil_id:
        return None
    else:
        roster_id = str(pupil_id)
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
    return Person(row.recipient_role, roster_id, row.pupil_id, about, spilfiguur)


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
    reading: tuple[str | None, str | None],
    at: dt.datetime,
    channels: ChannelOrder,
) -> bool:
    """Words written on the page, passed on to the spilfiguur as words in the chat are; the
        same words sent twice from the same message are stored once. ``reading``: the language they
    are written in (:func:`bot.answers.written_in.detect`, None when not recognised) and their
    machine translation for the spilfiguur (None: none)."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return await store_words(
        conn,
        school_id=row.school_id,
        pupil=person.pupil,
        sender_role=person.role,
        sender_id=person.roster_id,
        language=reading[0],
        text=text,
        source=f"web:{row.id}:{digest}",
        message_id=row.id,
        at=at,
        channels=channels,
        translation=reading[1],
    )


async def decision(
    conn: AsyncConnection,
    linked: Linked,
    staffer: Staffer,
    key: str,
    answer: StaffAnswer,
    at: dt.datetime,
    today: dt.date,
) -> bool:
    """A staff member's decision confirmed on the page, stored as their tap in the chat would
    be; False when there was nothing (left) to decide."""
    return await decide(
        conn,
        Decision(
            row=linked.row,
            key=key,
            sender_id=staffer.roster_id,
            by=f"{linked.channel}:{staffer.roster_id}",
            at=at,
            today=today,
            day=answer.day,
        ),
    )


async def stop(conn: AsyncConnection, linked: Linked, at: dt.datetime) -> None:
    """The recipient stops the messages on the channel the link came on."""
    await contacts.unsubscribe(
        conn, linked.channel, linked.row.recipient_role, linked.row.recipient_id, at
    )
