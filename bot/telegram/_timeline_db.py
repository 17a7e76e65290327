"""What a pupil's timeline is made of, read from the store (:mod:`bot.telegram._timeline`).

:func:`read_case` checks access first: a case is read only for the pupil's own spilfiguur, so
nothing about anyone else's pupil is ever loaded into a reply. Everything else is one query per
kind of fact, for one pupil and one school year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.consent.store import contactable
from bot.domain import HalfDay
from bot.engine.episodes import Mark
from bot.engine.hold import HoldState
from bot.models import (
    SCHOOL_SCOPE,
    AbsenceMark,
    Guardian,
    GuardianLink,
    Outreach,
    OutreachHold,
    Pupil,
    PupilPause,
    Reply,
    School,
    SchoolClass,
    Staff,
)
from bot.rules import Rules
from bot.telegram.invites import Linked
from scheduler.calendar import SchoolYear

__all__ = ["Case", "Hold", "Pause", "Said", "Sent", "read_case"]


@dataclass(frozen=True, slots=True)
class Sent:
    """An outreach row about the pupil: the message, its recipient and how it went."""

    kind: str
    recipient_role: str
    recipient_id: int
    status: str
    due_at: dt.datetime
    sent_at: dt.datetime | None
    updated_at: dt.datetime
    reason: str | None
    date: dt.date | None
    acknowledged_at: dt.datetime | None
    acknowledged_by: str | None


@dataclass(frozen=True, slots=True)
class Said:
    """An answer about the pupil: a button's key, a ``return:`` date or words of one's own."""

    at: dt.datetime
    sender_role: str
    sender_id: str
    answer: str


@dataclass(frozen=True, slots=True)
class Hold:
    date: dt.date
    scope: str
    status: str
    detected_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Pause:
    at: dt.datetime
    ends: dt.date
    by: str


@dataclass(frozen=True, slots=True)
class Case:
    """One pupil's school year, and the names of the people in it."""

    pupil_id: str
    first_name: str
    class_name: str
    school: str
    year: SchoolYear
    marks: tuple[Mark, ...]
    sent: tuple[Sent, ...]
    replies: tuple[Said, ...]
    holds: tuple[Hold, ...]
    pauses: tuple[Pause, ...]
    guardians: Mapping[int, tuple[str, str]]
    """Guardian database id → (roster id, "Katrien Peeters (moeder)")."""
    staff: Mapping[int, tuple[str, str]]
    """Staff database id → (roster id, "Koen De Backer")."""
    contacts: tuple[tuple[str, str], ...] = ()
    """Each active guardian's name and whether Gemist may contact them about the pupil today
    (a :class:`bot.consent.Consent` value), by roster id."""
    key: int = 0
    """The pupil's database id (for the log of who viewed the timeline)."""

    @property
    def held_days(self) -> frozenset[dt.date]:
        """Days whose messages a hold keeps back (held, or discarded for good)."""
        return frozenset(h.date for h in self.holds if h.status != HoldState.RELEASED.value)

    def recipient(self, role: str, person: int) -> str:
        if role == "pupil":
            return self.first_name
        names = self.guardians if role == "guardian" else self.staff
        return names[person][1] if person in names else "?"

    def writer(self, role: str, roster_id: str) -> str:
        if role == "pupil":
            return self.first_name
        names = self.guardians if role == "guardian" else self.staff
        return next((name for rid, name in names.values() if rid == roster_id), roster_id)

    def staff_named(self, by: str | None) -> str:
        """A staff member as the audit trail names them (``telegram:S02``), by name."""
        if not by:
            return "?"
        roster_id = by.rpartition(":")[2]
        return next((name for rid, name in self.staff.values() if rid == roster_id), by)


async def read_case(
    engine: AsyncEngine,
    staff: Linked,
    ref: str,
    year: SchoolYear,
    consent: tuple[Rules, dt.date] | None = None,
) -> Case | None:
    """The case of the active pupil ``ref`` of ``staff``'s school, when ``staff`` is that
    pupil's spilfiguur; None otherwise (no such pupil, or someone else's). ``consent`` (the
    rules file and the day) decides each guardian's consent state; default: no rules, the
    last day of ``year``'s span."""
    async with engine.connect() as conn:
        found = (
            await conn.execute(
                sa.select(
                    col(Pupil.id), col(Pupil.first_name), col(SchoolClass.name), col(School.name)
                )
                .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
                .join(School, col(School.id) == col(Pupil.school_id))
                .where(
                    col(Pupil.school_id) == staff.school_id,
                    col(Pupil.pupil_id) == ref,
                    col(Pupil.active),
                    col(Pupil.spilfiguur_id) == staff.person_id,
                )
            )
        ).one_or_none()
        if found is None:
            return None
        pk, first_name, class_name, school = found
        pupil = int(pk or 0)  # a stored row always has its key
        marks = await _marks(conn, pupil, year)
        guardians = await _guardians(conn, pupil)
        rules, day = consent or (Rules.default(), year.span_end)
        links = await contactable(conn, rules, day, pupil=pupil)
        dates = sorted({mark.date for mark in marks})
        start = dt.datetime.combine(year.span_start, dt.time(), tzinfo=dt.UTC)
        return Case(
            pupil_id=ref,
            first_name=first_name,
            class_name=class_name,
            school=school,
            year=year,
            marks=marks,
            sent=await _sent(conn, pupil, start),
            replies=await _replies(conn, pupil, start),
            holds=await _holds(conn, staff.school_id, class_name, dates),
            pauses=await _pauses(conn, pupil, year),
            guardians=guardians,
            staff=await _staff(conn, staff.school_id),
            contacts=tuple(
                (guardians[link.guardian][1], link.consent.value)
                for link in sorted(links, key=lambda link: link.guardian_id)
                if link.guardian in guardians
            ),
            key=pupil,
        )


async def _marks(conn: AsyncConnection, pupil: int, year: SchoolYear) -> tuple[Mark, ...]:
    rows = await conn.execute(
        sa.select(col(AbsenceMark.date), col(AbsenceMark.half_day), col(AbsenceMark.code))
        .where(
            col(AbsenceMark.pupil_id) == pupil,
            col(AbsenceMark.retracted_at).is_(None),
            col(AbsenceMark.date).between(year.span_start, year.span_end),
        )
        .order_by(col(AbsenceMark.date), col(AbsenceMark.half_day))
    )
    return tuple(Mark(day, HalfDay(half), code) for day, half, code in rows)


async def _sent(conn: AsyncConnection, pupil: int, start: dt.datetime) -> tuple[Sent, ...]:
    rows = await conn.execute(
        sa.select(
            col(Outreach.kind),
            col(Outreach.recipient_role),
            col(Outreach.recipient_id),
            col(Outreach.status),
            col(Outreach.due_at),
            col(Outreach.sent_at),
            col(Outreach.updated_at),
            col(Outreach.payload),
            col(Outreach.acknowledged_at),
            col(Outreach.acknowledged_by),
        )
        .where(col(Outreach.pupil_id) == pupil, col(Outreach.due_at) >= start)
        .order_by(col(Outreach.id))
    )
    found = []
    for kind, role, recipient, status, due, sent, updated, payload, acked, by in rows:
        about: Mapping[str, Any] = payload if isinstance(payload, dict) else {}
        reason = about.get("reason")
        found.append(
            Sent(
                kind,
                role,
                recipient,
                status,
                due,
                sent,
                updated,
                reason if isinstance(reason, str) else None,
                _date(about.get("date")),
                acked,
                by,
            )
        )
    return tuple(found)


async def _replies(conn: AsyncConnection, pupil: int, start: dt.datetime) -> tuple[Said, ...]:
    rows = await conn.execute(
        sa.select(
            col(Reply.received_at), col(Reply.sender_role), col(Reply.sender_id), col(Reply.answer)
        )
        .where(col(Reply.pupil_id) == pupil, col(Reply.received_at) >= start)
        .order_by(col(Reply.received_at), col(Reply.id))
    )
    return tuple(Said(*row) for row in rows)


async def _holds(
    conn: AsyncConnection, school_id: str, class_name: str, dates: list[dt.date]
) -> tuple[Hold, ...]:
    if not dates:
        return ()
    rows = await conn.execute(
        sa.select(
            col(OutreachHold.date),
            col(OutreachHold.scope),
            col(OutreachHold.status),
            col(OutreachHold.detected_at),
        ).where(
            col(OutreachHold.school_id) == school_id,
            col(OutreachHold.scope).in_([class_name, SCHOOL_SCOPE]),
            col(OutreachHold.date).in_(dates),
        )
    )
    return tuple(Hold(*row) for row in rows)


async def _pauses(conn: AsyncConnection, pupil: int, year: SchoolYear) -> tuple[Pause, ...]:
    rows = await conn.execute(
        sa.select(col(PupilPause.created_at), col(PupilPause.ends), col(PupilPause.created_by))
        .where(col(PupilPause.pupil_id) == pupil, col(PupilPause.ends) >= year.span_start)
        .order_by(col(PupilPause.id))
    )
    return tuple(Pause(*row) for row in rows)


async def _guardians(conn: AsyncConnection, pupil: int) -> dict[int, tuple[str, str]]:
    rows = await conn.execute(
        sa.select(
            col(Guardian.id),
            col(Guardian.guardian_id),
            col(Guardian.first_name),
            col(Guardian.last_name),
            col(GuardianLink.relation),
        )
        .join(GuardianLink, col(GuardianLink.guardian_id) == col(Guardian.id))
        .where(col(GuardianLink.pupil_id) == pupil)
    )
    return {
        int(pk or 0): (rid, f"{first} {last} ({relation or 'ouder'})")
        for pk, rid, first, last, relation in rows
    }


async def _staff(conn: AsyncConnection, school_id: str) -> dict[int, tuple[str, str]]:
    rows = await conn.execute(
        sa.select(
            col(Staff.id), col(Staff.staff_id), col(Staff.first_name), col(Staff.last_name)
        ).where(col(Staff.school_id) == school_id)
    )
    return {int(pk or 0): (rid, f"{first} {last}") for pk, rid, first, last in rows}


def _date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
