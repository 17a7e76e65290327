"""Reading the planner's facts from the store: every active pupil of a school in a few queries.

One query per kind of fact (pupils, active marks, feed days, guardians, teachers, staff,
replies, the notices and nudges sent), each for the whole school, grouped per pupil in memory:
the number of queries does not grow with the number of pupils.

Besides the :class:`~bot.engine.facts.PupilFacts`, the reading keeps what the message texts
need and the planner does not: the school's name, the pupil's class and who signs the message
(the spilfiguur). :func:`bot.engine.tick.planner_tick` puts these in each row's payload, so that
rendering at dispatch needs nothing but the row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.domain import HalfDay
from bot.engine.episodes import Mark
from bot.engine.facts import (
    Channel,
    GuardianFacts,
    PupilFacts,
    ReplyFacts,
    SenderRole,
    SentFacts,
    StaffFacts,
)
from bot.models import (
    AbsenceMark,
    FeedDay,
    Guardian,
    GuardianLink,
    Outreach,
    Pupil,
    Reply,
    School,
    SchoolClass,
    Staff,
    TeachingAssignment,
)

__all__ = ["ROLE_LABELS", "SchoolFacts", "channel_of", "load_school_facts"]

ROLE_LABELS: Mapping[str, str] = {
    "coordinator": "leerlingenbegeleiding",
    "teacher": "leerkracht",
    "titularis": "klastitularis",
    "clb": "CLB",
    "direction": "directie",
}
"""How a staff member's role is named after their name when they sign a message."""


@dataclass(frozen=True, slots=True)
class SchoolFacts:
    """Every active pupil's facts, the school's feed days, and each pupil's render context."""

    school_name: str
    feed_days: frozenset[dt.date]
    pupils: tuple[PupilFacts, ...]
    context: Mapping[int, Mapping[str, Any]]
    """Per pupil (database id): ``school``, ``class_name``, ``sender`` and ``contact``."""


def channel_of(telegram_chat_id: int | None, email: str | None) -> Channel | None:
    """Where a person can be reached: Telegram first, then e-mail, else nowhere."""
    if telegram_chat_id is not None:
        return "telegram"
    if email:
        return "email"
    return None


@dataclass(frozen=True, slots=True)
class _Person:
    facts: StaffFacts
    name: str
    role: str
    email: str | None


async def load_school_facts(conn: AsyncConnection, school_id: str) -> SchoolFacts:
    """The facts of every active pupil of ``school_id``, sorted by roster id."""
    school_name = await conn.scalar(sa.select(col(School.name)).where(col(School.id) == school_id))
    feed_days = frozenset(
        (
            await conn.execute(
                sa.select(col(FeedDay.date)).where(col(FeedDay.school_id) == school_id)
            )
        ).scalars()
    )
    staff = await _staff(conn, school_id)
    marks = await _marks(conn, school_id)
    guardians = await _guardians(conn, school_id)
    teachers = await _teachers(conn, school_id, staff)
    replies = await _replies(conn, school_id)
    sent = await _sent(conn, school_id)
    rows = await conn.execute(
        sa.select(
            col(Pupil.id),
            col(Pupil.pupil_id),
            col(Pupil.first_name),
            col(Pupil.birth_date),
            col(Pupil.language),
            col(Pupil.spilfiguur_id),
            col(Pupil.guardian_consent),
            col(Pupil.email),
            col(Pupil.telegram_chat_id),
            col(SchoolClass.name),
        )
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .where(col(Pupil.school_id) == school_id, col(Pupil.active))
        .order_by(col(Pupil.pupil_id))
    )
    name = school_name or school_id
    pupils: list[PupilFacts] = []
    context: dict[int, dict[str, Any]] = {}
    for row in rows:
        spilfiguur = staff.get(row.spilfiguur_id) if row.spilfiguur_id is not None else None
        pupils.append(
            PupilFacts(
                school_id=school_id,
                id=row.id,
                pupil_id=row.pupil_id,
                first_name=row.first_name,
                birth_date=row.birth_date,
                class_name=row.name,
                language=row.language or "nl",
                channel=channel_of(row.telegram_chat_id, row.email),
                guardian_consent=bool(row.guardian_consent),
                marks=tuple(marks.get(row.id, ())),
                guardians=tuple(guardians.get(row.id, ())),
                teachers=tuple(teachers.get(row.id, ())),
                spilfiguur=spilfiguur.facts if spilfiguur else None,
                replies=tuple(replies.get(row.id, ())),
                sent=tuple(sent.get(row.id, ())),
            )
        )
        context[row.id] = _context(name, row.name, spilfiguur)
    return SchoolFacts(name, feed_days, tuple(pupils), context)


def _context(school: str, class_name: str, signer: _Person | None) -> dict[str, Any]:
    if signer is None:
        return {"school": school, "class_name": class_name, "sender": school, "contact": school}
    role = ROLE_LABELS.get(signer.role, signer.role)
    contact = f"{signer.name}, {signer.email}" if signer.email else f"{signer.name} ({school})"
    return {
        "school": school,
        "class_name": class_name,
        "sender": f"{signer.name} ({role})",
        "contact": contact,
    }


async def _staff(conn: AsyncConnection, school_id: str) -> dict[int, _Person]:
    rows = await conn.execute(
        sa.select(
            col(Staff.id),
            col(Staff.staff_id),
            col(Staff.first_name),
            col(Staff.last_name),
            col(Staff.role),
            col(Staff.email),
            col(Staff.language),
            col(Staff.telegram_chat_id),
        ).where(col(Staff.school_id) == school_id, col(Staff.active))
    )
    return {
        row.id: _Person(
            StaffFacts(
                row.id,
                row.staff_id,
                row.language or "nl",
                channel_of(row.telegram_chat_id, row.email),
            ),
            f"{row.first_name} {row.last_name}",
            row.role,
            row.email,
        )
        for row in rows
    }


async def _marks(conn: AsyncConnection, school_id: str) -> dict[int, list[Mark]]:
    rows = await conn.execute(
        sa.select(
            col(AbsenceMark.pupil_id),
            col(AbsenceMark.date),
            col(AbsenceMark.half_day),
            col(AbsenceMark.code),
            col(AbsenceMark.expected_return),
        ).where(col(AbsenceMark.school_id) == school_id, col(AbsenceMark.retracted_at).is_(None))
    )
    found: dict[int, list[Mark]] = defaultdict(list)
    for pupil_id, date, half_day, code, expected_return in rows:
        found[pupil_id].append(Mark(date, HalfDay(half_day), code, expected_return))
    return found


async def _guardians(conn: AsyncConnection, school_id: str) -> dict[int, list[GuardianFacts]]:
    rows = await conn.execute(
        sa.select(
            col(GuardianLink.pupil_id),
            col(GuardianLink.may_contact),
            col(Guardian.id),
            col(Guardian.guardian_id),
            col(Guardian.language),
            col(Guardian.email),
            col(Guardian.telegram_chat_id),
        )
        .join(Guardian, col(Guardian.id) == col(GuardianLink.guardian_id))
        .where(col(Guardian.school_id) == school_id, col(Guardian.active))
        .order_by(col(Guardian.guardian_id))
    )
    found: dict[int, list[GuardianFacts]] = defaultdict(list)
    for row in rows:
        found[row.pupil_id].append(
            GuardianFacts(
                row.id,
                row.guardian_id,
                row.language or "nl",
                channel_of(row.telegram_chat_id, row.email),
                bool(row.may_contact),
            )
        )
    return found


async def _teachers(
    conn: AsyncConnection, school_id: str, staff: Mapping[int, _Person]
) -> dict[int, list[StaffFacts]]:
    rows = await conn.execute(
        sa.select(col(Pupil.id), col(TeachingAssignment.staff_id))
        .join(TeachingAssignment, col(TeachingAssignment.class_id) == col(Pupil.class_id))
        .where(col(Pupil.school_id) == school_id, col(Pupil.active))
    )
    found: dict[int, list[StaffFacts]] = defaultdict(list)
    for pupil_id, staff_id in rows:
        person = staff.get(staff_id)
        if person is not None and pupil_id is not None:
            found[pupil_id].append(person.facts)
    for teachers in found.values():
        teachers.sort(key=lambda teacher: teacher.staff_id)
    return found


async def _replies(conn: AsyncConnection, school_id: str) -> dict[int, list[ReplyFacts]]:
    rows = await conn.execute(
        sa.select(
            col(Reply.pupil_id),
            col(Reply.received_at),
            col(Reply.sender_role),
            col(Reply.answer),
            col(Reply.episode_key),
        )
        .where(col(Reply.school_id) == school_id)
        .order_by(col(Reply.received_at), col(Reply.id))
    )
    found: dict[int, list[ReplyFacts]] = defaultdict(list)
    for pupil_id, at, role, answer, episode_key in rows:
        found[pupil_id].append(ReplyFacts(at, SenderRole(role), answer, episode_key))
    return found


SENT_KINDS = ("guardian_notice", "coordinator_nudge")
"""The kinds of sent message the planner builds on (corrections, nudge reminders)."""


async def _sent(conn: AsyncConnection, school_id: str) -> dict[int, list[SentFacts]]:
    rows = await conn.execute(
        sa.select(
            col(Outreach.pupil_id),
            col(Outreach.idempotency_key),
            col(Outreach.kind),
            col(Outreach.recipient_role),
            col(Outreach.recipient_id),
            col(Outreach.sent_at),
            col(Outreach.payload),
            col(Outreach.acknowledged_at),
        )
        .where(
            col(Outreach.school_id) == school_id,
            col(Outreach.status) == "sent",
            col(Outreach.kind).in_(SENT_KINDS),
            col(Outreach.pupil_id).is_not(None),
        )
        .order_by(col(Outreach.sent_at), col(Outreach.id))
    )
    found: dict[int, list[SentFacts]] = defaultdict(list)
    for pupil_id, key, kind, role, recipient, sent_at, payload, acknowledged_at in rows:
        about = payload.get("date") if isinstance(payload, dict) else None
        reason = payload.get("reason") if isinstance(payload, dict) else None
        found[pupil_id].append(
            SentFacts(
                key=key,
                kind=kind,
                recipient_role=role,
                recipient_id=recipient,
                sent_at=sent_at,
                date=dt.date.fromisoformat(about) if isinstance(about, str) else None,
                reason=reason if isinstance(reason, str) else None,
                acknowledged=acknowledged_at is not None,
            )
        )
    return found
