"""Remove what the retention policy (:mod:`bot.privacy.policy`) says has been kept long enough.

A kind's school-year periods end with 31 August; dates are the school's local dates, so a
reply received at 00:30 on 1 September in Brussels belongs to the new school year.
:func:`purge` works in one transaction (a dry run rolls it back); :func:`purge_in_steps`, which
``gemist run`` and ``gemist privacy purge`` use, in short ones. What goes, kind by kind:

- ``free_text_years``: answers in words of one's own, and the ``coordinator_forward`` messages
  that carried them to the spilfiguur (or ``messages_years``, when that is shorter);
- ``messages_years``: every other message (by its due time) with its events, the tapped answers
  and return dates, pauses (by their last day), and the rejected lines of imports;
- ``marks_years``: absence marks and their corrections;
- ``view_log_years``: the log of who viewed a pupil's timeline;
- ``inactive_people_years``: pupils, guardians and staff members that the roster import made
  inactive that long ago (by the row's last change), erased as :mod:`bot.privacy.erase` does.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.contacts import store as contacts
from bot.domain import OutreachKind
from bot.engine.facts import RETURN_PREFIX
from bot.models import (
    AbsenceMark,
    ImportReject,
    ImportRun,
    MarkCorrection,
    Outreach,
    PupilPause,
    Reply,
    TimelineView,
)
from bot.outbox import write_transaction
from bot.privacy.erase import drop_outreach, erase_people
from bot.privacy.people import ROLES, Person, table_of
from bot.privacy.policy import Retention
from bot.privacy.scrub import BATCH, find_naming
from scheduler.calendar import SchoolYear

__all__ = [
    "FORWARD_KIND",
    "PEOPLE_STEP",
    "STEP",
    "cutoff_day",
    "people_who_left",
    "purge",
    "purge_in_steps",
    "years_before",
]

FORWARD_KIND = OutreachKind.COORDINATOR_FORWARD
"""The message that carries a family's own words to the spilfiguur."""
STEP = 1000
"""Rows of each kind one transaction of :func:`purge_in_steps` removes at most."""
PEOPLE_STEP = 50
"""People who left that one transaction of :func:`purge_in_steps` removes at most, with
everything about them (years of marks and messages)."""


async def purge(
    conn: AsyncConnection,
    school_id: str,
    policy: Retention,
    now: dt.datetime,
    tz: dt.tzinfo,
    *,
    limit: int | None = None,
) -> Counter[str]:
    """Remove what ``policy`` no longer keeps at ``now``, in one transaction; the rows removed,
    by kind. With ``limit``, at most that many rows of each kind go, and no people who left
    (:func:`purge_in_steps` removes them in steps of their own)."""
    today = now.astimezone(tz).date()
    removed: Counter[str] = Counter()
    messages_day = cutoff_day(today, policy.messages_years)
    messages = _moment(messages_day, tz)
    # Free text is a message too: it goes when the shorter of the two periods ends.
    free_text = _moment(max(cutoff_day(today, policy.free_text_years), messages_day), tz)
    marks_day = cutoff_day(today, policy.marks_years)
    views = _moment(cutoff_day(today, policy.view_log_years), tz)
    in_school = col(Reply.school_id) == school_id
    own_words = sa.and_(
        col(Reply.outreach_id).is_(None), sa.not_(col(Reply.answer).startswith(RETURN_PREFIX))
    )
    await _delete(
        conn, removed, "free-text replies", Reply, limit,
        in_school, col(Reply.received_at) < free_text, own_words,
    )  # fmt: skip
    await _drop(
        conn, removed, "forwarded free texts", limit, col(Outreach.school_id) == school_id,
        col(Outreach.kind) == FORWARD_KIND, col(Outreach.due_at) < free_text,
    )  # fmt: skip
    await _delete(
        conn, removed, "replies", Reply, limit,
        in_school, col(Reply.received_at) < messages, sa.not_(own_words),
    )  # fmt: skip
    await _drop(
        conn, removed, "messages", limit, col(Outreach.school_id) == school_id,
        col(Outreach.kind) != FORWARD_KIND, col(Outreach.due_at) < messages,
    )  # fmt: skip
    await _delete(
        conn, removed, "pauses", PupilPause, limit,
        col(PupilPause.school_id) == school_id, col(PupilPause.ends) < messages_day,
    )  # fmt: skip
    runs = sa.select(col(ImportRun.id)).where(
        col(ImportRun.school_id) == school_id, col(ImportRun.started_at) < messages
    )
    await _delete(
        conn, removed, "import rejects", ImportReject, limit, col(ImportReject.run_id).in_(runs)
    )
    old = sa.and_(col(AbsenceMark.school_id) == school_id, col(AbsenceMark.date) < marks_day)
    removed.update({"mark corrections": 0, "absence marks": 0})
    for chunk in _batches(await _ids(conn, AbsenceMark, limit, old)):
        await _count(
            conn, removed, "mark corrections",
            sa.delete(MarkCorrection).where(col(MarkCorrection.mark_id).in_(chunk)),
        )  # fmt: skip
        await _count(
            conn,
            removed,
            "absence marks",
            sa.delete(AbsenceMark).where(col(AbsenceMark.id).in_(chunk)),
        )
    await _delete(
        conn, removed, "timeline views", TimelineView, limit,
        col(TimelineView.school_id) == school_id, col(TimelineView.viewed_at) < views,
    )  # fmt: skip
    if limit is None:
        gone = await people_who_left(conn, school_id, policy, now, tz)
        if gone:
            removed.update(await erase_people(conn, school_id, gone, orphans=False))
    return removed


async def purge_in_steps(
    engine: AsyncEngine,
    school_id: str,
    policy: Retention,
    now: dt.datetime,
    tz: dt.tzinfo,
    *,
    stopping: Callable[[], bool] = lambda: False,
) -> Counter[str]:
    """:func:`purge`, as short transactions of at most :data:`STEP` rows of each kind, then of
    :data:`PEOPLE_STEP` people who left, until nothing is left to remove: the bot's own writes
    never wait long for the database (on SQLite one writer at a time). What still names those
    people is searched before each of their transactions, which only removes it. An
    interrupted purge (or one told to stop by ``stopping``) leaves the rest to the next one."""
    removed: Counter[str] = Counter()
    while not stopping():
        async with write_transaction(engine) as conn:
            step = await purge(conn, school_id, policy, now, tz, limit=STEP)
        removed.update(step)
        if not step.total():
            break
    while not stopping():
        async with engine.connect() as conn:
            gone = await people_who_left(conn, school_id, policy, now, tz, limit=PEOPLE_STEP)
            found = await find_naming(conn, school_id, gone)
        if not gone:
            return removed
        async with write_transaction(engine) as conn:
            removed.update(await erase_people(conn, school_id, gone, orphans=False, found=found))
    return removed


async def people_who_left(
    conn: AsyncConnection,
    school_id: str,
    policy: Retention,
    now: dt.datetime,
    tz: dt.tzinfo,
    *,
    limit: int | None = None,
) -> list[Person]:
    """The people the roster made inactive longer than ``inactive_people_years`` ago."""
    left = _moment(years_before(now.astimezone(tz).date(), policy.inactive_people_years), tz)
    found: list[Person] = []
    for role in ROLES:
        found += await _left_before(conn, school_id, role, left, limit)
        if limit is not None and len(found) >= limit:
            return found[:limit]
    return found


def _moment(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The start of ``day`` in the school's timezone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


async def _ids(conn: AsyncConnection, table: Any, limit: int | None, *where: Any) -> list[int]:
    query = sa.select(table.id).where(*where).order_by(table.id)
    if limit is not None:
        query = query.limit(limit)
    return [int(pk) for pk in await conn.scalars(query)]


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


async def _delete(
    conn: AsyncConnection, removed: Counter[str], kind: str, table: Any, limit: int | None,
    *where: Any,
) -> None:  # fmt: skip
    removed.update({kind: 0})
    for chunk in _batches(await _ids(conn, table, limit, *where)):
        await _count(conn, removed, kind, sa.delete(table).where(table.id.in_(chunk)))


async def _drop(
    conn: AsyncConnection, removed: Counter[str], kind: str, limit: int | None, *where: Any
) -> None:
    removed.update({kind: 0, "message events": 0})
    ids = await _ids(conn, Outreach, limit, *where)
    for chunk in _batches(ids):
        messages, events = await drop_outreach(conn, col(Outreach.id).in_(chunk))
        removed[kind] += messages
        removed["message events"] += events


async def _count(conn: AsyncConnection, removed: Counter[str], kind: str, statement: Any) -> None:
    removed[kind] += (await conn.execute(statement)).rowcount


async def _left_before(
    conn: AsyncConnection, school_id: str, role: str, before: dt.datetime, limit: int | None
) -> list[Person]:
    table = table_of(role)
    rows = await conn.execute(
        sa.select(
            table.id, getattr(table, f"{role}_id"), table.first_name, table.last_name,
            contacts.address_of(role, table.id, contacts.TELEGRAM), table.active,
        )
        .where(table.school_id == school_id, sa.not_(table.active), table.updated_at < before)
        .order_by(table.id)
        .limit(limit)
    )  # fmt: skip
    return [Person(role, *row) for row in rows]


def cutoff_day(today: dt.date, school_years: int) -> dt.date:
    """The first day that is still kept: data dated before it belongs to a school year that
    ended more than ``school_years`` school years before ``today``'s."""
    current = SchoolYear.containing(today)
    return SchoolYear(current.first_year - school_years).span_start


def years_before(today: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` years earlier (29 February becomes the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)
