"""What each letter says: the template rendered for its reader, and who it goes to.

The texts come from the messages registry (``letter.pupil``, ``letter.guardian``,
``letter.staff``) through :func:`messages.render`, like every message the bot sends: a
guardian's letter is therefore the translation, labelled, followed by the Dutch original,
exactly as the language law and the guardian messages have it. Nothing is composed here.

Whom to contact is the person the bot's own messages name: the pupil's spilfiguur (for a
guardian, the first child's), with their e-mail address; for staff, the school's direction,
else a coordinator (never the reader themself); the school's name when the roster has nobody.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.contacts import store as contacts
from bot.models import Pupil, School, SchoolClass, Staff
from bot.planning.facts_db import ROLE_LABELS
from bot.telegram.invites import Invited
from messages import Overrides, Rendered, render

__all__ = ["TEMPLATES", "Letter", "compose_letters"]

TEMPLATES: Mapping[str, str] = {
    "pupil": "letter.pupil",
    "guardian": "letter.guardian",
    "staff": "letter.staff",
}
"""The template of each role's letter."""
_STAFF_CONTACTS = ("direction", "coordinator")
"""Whom a colleague is told to ask, in order of preference."""


@dataclass(frozen=True, slots=True)
class Letter:
    """One printed page: for whom, about whom, the text, and the link its QR code opens."""

    person_id: str
    recipient: str
    about: tuple[str, ...]
    """Lines under the name, for whoever hands the letters out: a pupil's class, a
    guardian's children with theirs."""
    school: str
    bot_username: str
    link: str
    code: str
    rendered: Rendered


@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    role: str
    email: str | None
    staff_id: str = ""


@dataclass(frozen=True, slots=True)
class _PupilFacts:
    first_name: str
    last_name: str
    class_name: str
    spilfiguur: _Person | None


async def compose_letters(
    engine: AsyncEngine,
    invited: Sequence[Invited],
    *,
    school_id: str,
    school_name: str,
    bot_username: str,
    timezone: ZoneInfo,
    overrides: Overrides | None = None,
) -> list[Letter]:
    """A letter for each invitation, in the invited person's language."""
    school, pupils, leads = await _facts(engine, school_id, school_name)
    letters: list[Letter] = []
    for item in invited:
        context: dict[str, Any] = {
            "school": school,
            "first_name": item.first_name,
            # The day the code stops working, as the school's clock has it.
            "valid_until": item.expires_at.astimezone(timezone).date(),
        }
        children = [pupils[pid] for pid in item.pupil_ids if pid in pupils]
        about: tuple[str, ...]
        if item.role == "staff":
            # The direction's own letter names the next person to ask, not themself.
            signer = next((lead for lead in leads if lead.staff_id != item.person_id), None)
            about = ()
        else:
            signer = children[0].spilfiguur if children else None
            about = tuple(
                f"{child.first_name} {child.last_name} ({child.class_name})"
                if item.role == "guardian"
                else child.class_name
                for child in children
            )
        context.update(_signed_by(signer, school))
        letters.append(
            Letter(
                person_id=item.person_id,
                recipient=f"{item.first_name} {item.last_name}",
                about=about,
                school=school,
                bot_username=bot_username,
                link=item.link,
                code=item.code,
                rendered=render(TEMPLATES[item.role], item.lang, context, overrides=overrides),
            )
        )
    return letters


def _signed_by(person: _Person | None, school: str) -> dict[str, str]:
    """``sender`` and ``contact`` as the bot's messages write them."""
    if person is None:
        return {"sender": school, "contact": school}
    role = ROLE_LABELS.get(person.role, person.role)
    contact = f"{person.name}, {person.email}" if person.email else f"{person.name} ({school})"
    return {"sender": f"{person.name} ({role})", "contact": contact}


async def _facts(
    engine: AsyncEngine, school_id: str, school_name: str
) -> tuple[str, dict[str, _PupilFacts], list[_Person]]:
    """The school's name, the active pupils by roster id, and whom staff should ask, the
    first first."""
    async with engine.connect() as conn:
        name = await conn.scalar(sa.select(col(School.name)).where(col(School.id) == school_id))
        rows = await conn.execute(
            sa.select(
                col(Pupil.pupil_id),
                col(Pupil.first_name),
                col(Pupil.last_name),
                col(SchoolClass.name),
                col(Staff.first_name),
                col(Staff.last_name),
                col(Staff.role),
                contacts.address_of("staff", col(Staff.id), "email"),
            )
            .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
            .outerjoin(Staff, col(Staff.id) == col(Pupil.spilfiguur_id))
            .where(col(Pupil.school_id) == school_id, col(Pupil.active))
        )
        pupils = {
            pid: _PupilFacts(
                first,
                last,
                class_name,
                _Person(f"{s_first} {s_last}", s_role, s_email) if s_first is not None else None,
            )
            for pid, first, last, class_name, s_first, s_last, s_role, s_email in rows
        }
        staff = await conn.execute(
            sa.select(
                col(Staff.first_name),
                col(Staff.last_name),
                col(Staff.role),
                contacts.address_of("staff", col(Staff.id), "email"),
                col(Staff.staff_id),
            )
            .where(
                col(Staff.school_id) == school_id,
                col(Staff.active),
                col(Staff.role).in_(_STAFF_CONTACTS),
            )
            .order_by(col(Staff.staff_id))
        )
        leads = [
            _Person(f"{first} {last}", role, email, staff_id)
            for first, last, role, email, staff_id in staff
        ]
    leads.sort(key=lambda person: _STAFF_CONTACTS.index(person.role))
    return (name or school_name), pupils, leads
