"""What the desk's pages read from the database, within a viewer's :class:`~bot.web.desk.access.
Scope`: every query here takes the scope and adds its condition, so that no list can show a
pupil who is not the viewer's.

Lists that grow are read a page at a time (:class:`Paged`: ``size`` rows and whether more
follow, by ``LIMIT``/``OFFSET`` on an order that is total). The one write is the record of a
view of a pupil's page (:func:`record_view`, in ``timeline_view`` beside the chat's ``/pupil``).

The reads of *Opvolging*, *Bereik*, *Invoer* and *Wachtrij* (and the held days *Vandaag*
names) are :mod:`bot.desk`'s, not here: each read exists once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.domain import OutreachKind
from bot.models import (
    AbsenceMark,
    Outreach,
    Pupil,
    Reply,
    SchoolClass,
    Staff,
    TimelineView,
)
from bot.outbox.records import Status
from bot.web.desk.access import PupilRef, Scope

__all__ = [
    "PAGE_SIZE",
    "Absent",
    "Answer",
    "Message",
    "Paged",
    "PupilHeader",
    "PupilLine",
    "TimelineEntry",
    "Today",
    "absences",
    "answers",
    "messages_sent",
    "pupil_header",
    "pupil_ref",
    "pupils",
    "record_view",
    "roster_id",
    "timeline",
    "undelivered",
]

PAGE_SIZE = 25
VIEW_CHANNEL = "desk"
"""How a view on the desk is recorded in ``timeline_view.channel``."""
UNDELIVERED_DAYS = 7
"""How far back *Vandaag* shows the messages that could not be delivered."""
UNDELIVERED = (Status.FAILED.value, Status.DEAD.value)
NEVER_SHOWN = (OutreachKind.DESK_SIGNIN.value, OutreachKind.TELEGRAM_BLOCK.value)
"""Rows that are no message about care: a sign-in link (it carries a working link while it
lives), a record that someone blocked the bot."""
SHOWN = tuple(sorted(kind.value for kind in OutreachKind if kind.value not in NEVER_SHOWN))
"""The kinds the desk lists, named one by one: a list of a day's messages then reads the index
on (kind, sent_at) per kind, rather than the whole outbox."""
STAFF_RECIPIENTS = ("teacher", "coordinator", "staff")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Paged(Generic[T]):
    """One page of a list: its rows, its number (from 1), and whether another page follows."""

    items: Sequence[T]
    page: int
    more: bool


@dataclass(frozen=True, slots=True)
class Today:
    """Where *Vandaag* starts and ends, in UTC, and its date in the school's zone."""

    date: dt.date
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True, slots=True)
class Absent:
    pupil: int
    name: str
    class_name: str
    codes: str
    """The codes of the morning and the afternoon: ``B``, ``B/Z``, ``-/B``."""


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    kind: str
    recipient_role: str
    channel: str
    status: str
    at: dt.datetime
    pupil: int | None
    name: str | None
    error: str | None


@dataclass(frozen=True, slots=True)
class Answer:
    pupil: int
    name: str
    sender_role: str
    answer: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class PupilLine:
    id: int
    name: str
    class_name: str


@dataclass(frozen=True, slots=True)
class PupilHeader:
    id: int
    name: str
    class_name: str
    spilfiguur: str | None
    active: bool


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One line of a pupil's timeline: a mark, a message or an answer."""

    at: dt.datetime
    what: str
    """``mark``, ``message`` or ``answer``."""
    detail: dict[str, Any]


async def _paged(conn: AsyncConnection, query: Any, page: int, size: int) -> Paged[Any]:
    page = max(page, 1)
    rows = (await conn.execute(query.limit(size + 1).offset((page - 1) * size))).all()
    return Paged(rows[:size], page, len(rows) > size)


def _pupils_in(scope: Scope) -> sa.ColumnElement[bool]:
    """The condition on :class:`Pupil` of the scope's pupils."""
    if scope.whole_school:
        return col(Pupil.school_id) == scope.school_id
    if scope.spilfiguur is not None:
        return sa.and_(
            col(Pupil.school_id) == scope.school_id, col(Pupil.spilfiguur_id) == scope.spilfiguur
        )
    return sa.false()


def _messages_in(scope: Scope) -> sa.ColumnElement[bool]:
    """The condition on :class:`Outreach` (outer-joined with its :class:`Pupil`) of the rows
    the scope shows: about its pupils, or to the viewer; a teacher's welcome reminders."""
    shown = [col(Outreach.school_id) == scope.school_id, col(Outreach.kind).in_(SHOWN)]
    if scope.whole_school:
        return sa.and_(*shown)
    either: list[sa.ColumnElement[bool]] = []
    if scope.spilfiguur is not None:
        either.append(col(Pupil.spilfiguur_id) == scope.spilfiguur)
        either.append(
            sa.and_(
                col(Outreach.recipient_role).in_(STAFF_RECIPIENTS),
                col(Outreach.recipient_id) == scope.spilfiguur,
            )
        )
    if scope.welcomes_of is not None:
        either.append(
            sa.and_(
                col(Outreach.kind) == OutreachKind.TEACHER_WELCOME.value,
                col(Outreach.recipient_role).in_(STAFF_RECIPIENTS),
                col(Outreach.recipient_id) == scope.welcomes_of,
            )
        )
    return sa.and_(*shown, sa.or_(*either)) if either else sa.false()


def _name(first: object, last: object) -> str:
    return f"{first} {last}"


async def absences(
    conn: AsyncConnection, scope: Scope, today: Today, page: int = 1, size: int = PAGE_SIZE
) -> Paged[Absent]:
    """Today's absent pupils of the scope, as Gemist sees them now (retracted marks left out),
    by class and name."""
    marks = sa.and_(
        col(AbsenceMark.date) == today.date,
        col(AbsenceMark.retracted_at).is_(None),
        col(AbsenceMark.school_id) == scope.school_id,
    )
    query = (
        sa.select(col(Pupil.id), col(Pupil.first_name), col(Pupil.last_name), col(SchoolClass.name))
        .join(AbsenceMark, col(AbsenceMark.pupil_id) == col(Pupil.id))
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .where(marks, _pupils_in(scope), col(Pupil.active))
        .group_by(col(Pupil.id), col(Pupil.first_name), col(Pupil.last_name), col(SchoolClass.name))
        .order_by(col(SchoolClass.name), col(Pupil.last_name), col(Pupil.first_name), col(Pupil.id))
    )
    found = await _paged(conn, query, page, size)
    ids = [row[0] for row in found.items]
    codes: dict[int, dict[str, str]] = {pupil: {} for pupil in ids}
    if ids:
        rows = await conn.execute(
            sa.select(
                col(AbsenceMark.pupil_id), col(AbsenceMark.half_day), col(AbsenceMark.code)
            ).where(marks, col(AbsenceMark.pupil_id).in_(ids))
        )
        for pupil, half, code in rows:
            codes[pupil][half] = code
    items = [
        Absent(pupil, _name(first, last), str(class_name), _codes(codes[pupil]))
        for pupil, first, last, class_name in found.items
    ]
    return Paged(items, found.page, found.more)


def _codes(halves: dict[str, str]) -> str:
    am, pm = halves.get("am"), halves.get("pm")
    if am and pm:
        return am if am == pm else f"{am}/{pm}"
    return f"{am}/-" if am else f"-/{pm}"


def _message_query(scope: Scope) -> Any:
    return (
        sa.select(
            col(Outreach.id), col(Outreach.kind), col(Outreach.recipient_role),
            col(Outreach.channel), col(Outreach.status),
            sa.func.coalesce(col(Outreach.sent_at), col(Outreach.updated_at)),
            col(Outreach.pupil_id), col(Pupil.first_name), col(Pupil.last_name),
            col(Outreach.last_error),
        )
        .outerjoin(Pupil, col(Pupil.id) == col(Outreach.pupil_id))
        .where(_messages_in(scope))
    )  # fmt: skip


def _messages(found: Paged[Any]) -> Paged[Message]:
    items = [
        Message(
            int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]), row[5],
            row[6], _name(row[7], row[8]) if row[7] is not None else None, row[9],
        )
        for row in found.items
    ]  # fmt: skip
    return Paged(items, found.page, found.more)


async def messages_sent(
    conn: AsyncConnection, scope: Scope, today: Today, page: int = 1, size: int = PAGE_SIZE
) -> Paged[Message]:
    """The messages of the scope that went out today, the latest first."""
    query = (
        _message_query(scope)
        .where(
            col(Outreach.status) == Status.SENT.value,
            col(Outreach.sent_at) >= today.start,
            col(Outreach.sent_at) < today.end,
        )
        .order_by(col(Outreach.sent_at).desc(), col(Outreach.id).desc())
    )
    return _messages(await _paged(conn, query, page, size))


async def undelivered(
    conn: AsyncConnection, scope: Scope, today: Today, page: int = 1, size: int = PAGE_SIZE
) -> Paged[Message]:
    """The messages of the scope that could not be delivered in the last days, latest first."""
    since = today.start - dt.timedelta(days=UNDELIVERED_DAYS - 1)
    query = (
        _message_query(scope)
        .where(col(Outreach.status).in_(UNDELIVERED), col(Outreach.updated_at) >= since)
        .order_by(col(Outreach.updated_at).desc(), col(Outreach.id).desc())
    )
    return _messages(await _paged(conn, query, page, size))


async def answers(
    conn: AsyncConnection, scope: Scope, today: Today, page: int = 1, size: int = PAGE_SIZE
) -> Paged[Answer]:
    """The answers about the scope's pupils received today, latest first."""
    query = (
        sa.select(
            col(Reply.pupil_id), col(Pupil.first_name), col(Pupil.last_name),
            col(Reply.sender_role), col(Reply.answer), col(Reply.received_at),
        )
        .join(Pupil, col(Pupil.id) == col(Reply.pupil_id))
        .where(
            _pupils_in(scope),
            col(Reply.received_at) >= today.start,
            col(Reply.received_at) < today.end,
        )
        .order_by(col(Reply.received_at).desc(), col(Reply.id).desc())
    )  # fmt: skip
    found = await _paged(conn, query, page, size)
    items = [Answer(int(r[0]), _name(r[1], r[2]), str(r[3]), str(r[4]), r[5]) for r in found.items]
    return Paged(items, found.page, found.more)


async def pupils(
    conn: AsyncConnection, scope: Scope, page: int = 1, size: int = PAGE_SIZE
) -> Paged[PupilLine]:
    """The scope's active pupils, by class and name."""
    query = (
        sa.select(col(Pupil.id), col(Pupil.first_name), col(Pupil.last_name), col(SchoolClass.name))
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .where(_pupils_in(scope), col(Pupil.active))
        .order_by(col(SchoolClass.name), col(Pupil.last_name), col(Pupil.first_name), col(Pupil.id))
    )
    found = await _paged(conn, query, page, size)
    items = [PupilLine(int(r[0]), _name(r[1], r[2]), str(r[3])) for r in found.items]
    return Paged(items, found.page, found.more)


async def pupil_ref(conn: AsyncConnection, pupil: int) -> PupilRef | None:
    """What decides whether the pupil ``pupil`` (database id) is a viewer's; None: no pupil."""
    row = (
        await conn.execute(
            sa.select(col(Pupil.school_id), col(Pupil.spilfiguur_id), col(Pupil.active)).where(
                col(Pupil.id) == pupil
            )
        )
    ).one_or_none()
    return PupilRef(pupil, str(row[0]), row[1], bool(row[2])) if row is not None else None


async def pupil_header(conn: AsyncConnection, pupil: int) -> PupilHeader | None:
    row = (
        await conn.execute(
            sa.select(
                col(Pupil.first_name), col(Pupil.last_name), col(SchoolClass.name),
                col(Staff.first_name), col(Staff.last_name), col(Pupil.active),
            )
            .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
            .outerjoin(Staff, col(Staff.id) == col(Pupil.spilfiguur_id))
            .where(col(Pupil.id) == pupil)
        )
    ).one_or_none()  # fmt: skip
    if row is None:
        return None
    spilfiguur = _name(row[3], row[4]) if row[3] is not None else None
    return PupilHeader(pupil, _name(row[0], row[1]), str(row[2]), spilfiguur, bool(row[5]))


async def timeline(
    conn: AsyncConnection, pupil: int, tz: dt.tzinfo, page: int = 1, size: int = PAGE_SIZE
) -> Paged[TimelineEntry]:
    """The pupil's story, the latest first: marks (with their codes, and whether a later feed
    took them back), the messages about them (status, and the text as it was sent) and the
    answers. Each source is read as far as the page needs, then merged."""
    page = max(page, 1)
    need = page * size + 1
    entries: list[TimelineEntry] = []
    marks = await conn.execute(
        sa.select(
            col(AbsenceMark.date), col(AbsenceMark.half_day), col(AbsenceMark.code),
            col(AbsenceMark.retracted_at), col(AbsenceMark.first_seen),
        )
        .where(col(AbsenceMark.pupil_id) == pupil)
        .order_by(col(AbsenceMark.date).desc(), col(AbsenceMark.half_day).desc())
        .limit(need)
    )  # fmt: skip
    for day, half, code, retracted, seen in marks:
        hour = 8 if half == "am" else 13
        at = dt.datetime.combine(day, dt.time(hour), tz).astimezone(dt.UTC)
        detail = {"date": day, "half_day": half, "code": code, "retracted": retracted, "seen": seen}
        entries.append(TimelineEntry(at, "mark", detail))
    messages = await conn.execute(
        sa.select(
            col(Outreach.id), col(Outreach.kind), col(Outreach.recipient_role),
            col(Outreach.channel), col(Outreach.status), col(Outreach.text),
            sa.func.coalesce(col(Outreach.sent_at), col(Outreach.due_at)),
        )
        .where(col(Outreach.pupil_id) == pupil, col(Outreach.kind).not_in(NEVER_SHOWN))
        .order_by(sa.func.coalesce(col(Outreach.sent_at), col(Outreach.due_at)).desc(),
                  col(Outreach.id).desc())
        .limit(need)
    )  # fmt: skip
    for row, kind, role, channel, status, text, at in messages:
        detail = {"id": row, "kind": kind, "recipient_role": role, "channel": channel,
                  "status": status, "text": text}  # fmt: skip
        entries.append(TimelineEntry(at, "message", detail))
    replies = await conn.execute(
        sa.select(col(Reply.sender_role), col(Reply.answer), col(Reply.received_at))
        .where(col(Reply.pupil_id) == pupil)
        .order_by(col(Reply.received_at).desc(), col(Reply.id).desc())
        .limit(need)
    )
    for role, answer, at in replies:
        entries.append(TimelineEntry(at, "answer", {"sender_role": role, "answer": answer}))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    start = (page - 1) * size
    return Paged(entries[start : start + size], page, len(entries) > start + size)


async def record_view(
    conn: AsyncConnection, school_id: str, pupil: int, viewer: int, at: dt.datetime
) -> None:
    """Someone looked at the pupil's page on the desk: who, when (``timeline_view``)."""
    await conn.execute(
        sa.insert(TimelineView).values(
            school_id=school_id, pupil_id=pupil, viewer_id=viewer, channel=VIEW_CHANNEL,
            viewed_at=at,
        )
    )  # fmt: skip


async def roster_id(conn: AsyncConnection, staff: int) -> str:
    """The roster's id (``S02``) of the staff member ``staff`` (database id)."""
    return str(await conn.scalar(sa.select(col(Staff.staff_id)).where(col(Staff.id) == staff)))
