"""What the bot's conversations read and write beside answers: the message a button belongs
to, the pupils a person may hear about, a person's language and part of the day.

Answers, own words and staff decisions are written by :mod:`bot.answers`, in the transaction of
:mod:`bot.telegram.inbox`, which keeps them safe while an import holds SQLite's write lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.answers import MessageRow, message_row
from bot.contacts import store as contacts
from bot.models import (
    Guardian,
    GuardianLink,
    Outreach,
    Pupil,
    School,
    SchoolClass,
    Staff,
)
from bot.planning.facts_db import signature
from bot.telegram.invites import Linked

__all__ = [
    "Pupilship",
    "latest_pupil",
    "pupils_of",
    "school_name",
    "set_language",
    "set_moment",
    "tapped_row",
]


async def tapped_row(engine: AsyncEngine, outreach_id: int) -> MessageRow | None:
    """The outbox row a button was on; None when there is none."""
    async with engine.connect() as conn:
        return await message_row(conn, outreach_id)


@dataclass(frozen=True, slots=True)
class Pupilship:
    """A pupil a linked person may hear about: the pupil themself, or a guardian's child; with
    what a message about them needs."""

    id: int
    pupil_id: str
    first_name: str
    class_name: str
    school_id: str
    school: str
    spilfiguur_id: int | None
    sender: str
    """The spilfiguur with their role, as messages are signed: "Koen De Backer
    (leerlingenbegeleiding)"; the school's name without one."""
    contact: str


async def pupils_of(engine: AsyncEngine, role: str, person_id: int) -> list[Pupilship]:
    """The active pupils of a pupil (themself) or a guardian (their children), by roster id."""
    query = (
        sa.select(
            col(Pupil.id),
            col(Pupil.pupil_id),
            col(Pupil.first_name),
            col(SchoolClass.name),
            col(Pupil.school_id),
            col(School.name),
            col(Pupil.spilfiguur_id),
            col(Staff.first_name),
            col(Staff.last_name),
            col(Staff.role),
            contacts.address_of("staff", col(Staff.id), "email"),
        )
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .join(School, col(School.id) == col(Pupil.school_id))
        .outerjoin(Staff, col(Staff.id) == col(Pupil.spilfiguur_id))
        .where(col(Pupil.active))
        .order_by(col(Pupil.pupil_id))
    )
    if role == "pupil":
        query = query.where(col(Pupil.id) == person_id)
    elif role == "guardian":
        query = query.where(
            col(Pupil.id).in_(
                sa.select(col(GuardianLink.pupil_id)).where(
                    col(GuardianLink.guardian_id) == person_id
                )
            )
        )
    else:
        return []
    async with engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    found = []
    for (
        pk,
        rid,
        first,
        class_name,
        school_id,
        school,
        signer,
        s_first,
        s_last,
        s_role,
        email,
    ) in rows:
        sender = contact = school
        if signer is not None:
            sender, contact = signature(school, f"{s_first} {s_last}", s_role, email)
        found.append(
            Pupilship(
                int(pk or 0), rid, first, class_name, school_id, school, signer, sender, contact
            )
        )
    return found


async def set_moment(
    conn: AsyncConnection, guardian_ids: Sequence[int], moment: str | None
) -> None:
    """Guardians (one person in each of a chat's roles) chose the part of the day for the
    school's messages (None: any time)."""
    await conn.execute(
        sa.update(Guardian)
        .where(col(Guardian.id).in_(list(guardian_ids)))
        .values(contact_moment=moment)
    )


async def set_language(conn: AsyncConnection, people: Sequence[tuple[str, int]], lang: str) -> None:
    """Guardians and pupils, as ``(role, id)``, chose the language of their messages; a
    roster import keeps it from now on."""
    for role, person_id in people:
        table: Any = Guardian if role == "guardian" else Pupil
        await conn.execute(
            sa.update(table)
            .where(col(table.id) == person_id)
            .values(language=lang, language_chosen=True)
        )


async def school_name(engine: AsyncEngine, school_id: str) -> str:
    async with engine.connect() as conn:
        name = await conn.scalar(sa.select(col(School.name)).where(col(School.id) == school_id))
    return str(name or school_id)


async def latest_pupil(
    engine: AsyncEngine, person: Linked, pupils: Sequence[Pupilship]
) -> Pupilship:
    """Of ``pupils``, the one the person last heard about from the bot (a parent answers the
    message about that child); the first when nothing was sent to them yet."""
    by_id = {pupil.id: pupil for pupil in pupils}
    role = "pupil" if person.role == "pupil" else "guardian"
    async with engine.connect() as conn:
        latest = await conn.scalar(
            sa.select(col(Outreach.pupil_id))
            .where(
                col(Outreach.recipient_role) == role,
                col(Outreach.recipient_id) == person.person_id,
                col(Outreach.status) == "sent",
                col(Outreach.pupil_id).in_(list(by_id)),
            )
            .order_by(col(Outreach.sent_at).desc(), col(Outreach.id).desc())
            .limit(1)
        )
    return by_id.get(latest, pupils[0]) if latest is not None else pupils[0]
