"""Remove what the retention policy (:mod:`bot.privacy.policy`) says has been kept long enough.

A kind's school-year periods end with 31 August; dates are the school's local dates, so a
reply received at 00:30 on 1 September in Brussels belongs to the new school year. One purge is
one transaction: all of it or nothing. What goes, kind by kind:

- ``free_text_years``: answers in words of one's own, and the ``coordinator_forward`` messages
  that carried them to the spilfiguur;
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

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

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
from bot.privacy.erase import drop_outreach, erase_people
from bot.privacy.people import ROLES, Person, table_of
from bot.privacy.policy import Retention, cutoff_day, years_before

__all__ = ["FORWARD_KIND", "purge"]

FORWARD_KIND = "coordinator_forward"
"""The message that carries a family's own words to the spilfiguur."""


async def purge(
    conn: AsyncConnection,
    school_id: str,
    policy: Retention,
    now: dt.datetime,
    tz: dt.tzinfo,
) -> Counter[str]:
    """Remove what ``policy`` no longer keeps at ``now``; the rows removed, by kind."""
    today = now.astimezone(tz).date()
    removed: Counter[str] = Counter()
    await _free_text(
        conn, school_id, _moment(cutoff_day(today, policy.free_text_years), tz), removed
    )
    await _messages(conn, school_id, cutoff_day(today, policy.messages_years), tz, removed)
    await _marks(conn, school_id, cutoff_day(today, policy.marks_years), removed)
    views = _moment(cutoff_day(today, policy.view_log_years), tz)
    removed["timeline views"] += (
        await conn.execute(
            sa.delete(TimelineView).where(
                col(TimelineView.school_id) == school_id, col(TimelineView.viewed_at) < views
            )
        )
    ).rowcount
    left = _moment(years_before(today, policy.inactive_people_years), tz)
    gone = [person for role in ROLES for person in await _left_before(conn, school_id, role, left)]
    if gone:
        removed += await erase_people(conn, school_id, gone, orphans=False)
    return removed


def _moment(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    """The start of ``day`` in the school's timezone."""
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


def _is_free_text() -> sa.ColumnElement[bool]:
    return sa.and_(
        col(Reply.outreach_id).is_(None), sa.not_(col(Reply.answer).startswith(RETURN_PREFIX))
    )


async def _free_text(
    conn: AsyncConnection, school_id: str, before: dt.datetime, removed: Counter[str]
) -> None:
    removed["free-text replies"] += (
        await conn.execute(
            sa.delete(Reply).where(
                col(Reply.school_id) == school_id, col(Reply.received_at) < before, _is_free_text()
            )
        )
    ).rowcount
    forwards, events = await drop_outreach(
        conn,
        sa.and_(
            col(Outreach.school_id) == school_id,
            col(Outreach.kind) == FORWARD_KIND,
            col(Outreach.due_at) < before,
        ),
    )
    removed["forwarded free texts"] += forwards
    removed["message events"] += events


async def _messages(
    conn: AsyncConnection, school_id: str, day: dt.date, tz: dt.tzinfo, removed: Counter[str]
) -> None:
    before = _moment(day, tz)
    removed["replies"] += (
        await conn.execute(
            sa.delete(Reply).where(
                col(Reply.school_id) == school_id, col(Reply.received_at) < before
            )
        )
    ).rowcount
    messages, events = await drop_outreach(
        conn, sa.and_(col(Outreach.school_id) == school_id, col(Outreach.due_at) < before)
    )
    removed["messages"] += messages
    removed["message events"] += events
    removed["pauses"] += (
        await conn.execute(
            sa.delete(PupilPause).where(
                col(PupilPause.school_id) == school_id, col(PupilPause.ends) < day
            )
        )
    ).rowcount
    runs = sa.select(col(ImportRun.id)).where(
        col(ImportRun.school_id) == school_id, col(ImportRun.started_at) < before
    )
    removed["import rejects"] += (
        await conn.execute(sa.delete(ImportReject).where(col(ImportReject.run_id).in_(runs)))
    ).rowcount


async def _marks(
    conn: AsyncConnection, school_id: str, day: dt.date, removed: Counter[str]
) -> None:
    old = sa.and_(col(AbsenceMark.school_id) == school_id, col(AbsenceMark.date) < day)
    removed["mark corrections"] += (
        await conn.execute(
            sa.delete(MarkCorrection).where(
                col(MarkCorrection.mark_id).in_(sa.select(col(AbsenceMark.id)).where(old))
            )
        )
    ).rowcount
    removed["absence marks"] += (await conn.execute(sa.delete(AbsenceMark).where(old))).rowcount


async def _left_before(
    conn: AsyncConnection, school_id: str, role: str, before: dt.datetime
) -> list[Person]:
    table = table_of(role)
    rows = await conn.execute(
        sa.select(
            table.id, getattr(table, f"{role}_id"), table.first_name, table.last_name,
            table.telegram_chat_id, table.active,
        ).where(table.school_id == school_id, sa.not_(table.active), table.updated_at < before)
    )  # fmt: skip
    return [Person(role, *row) for row in rows]
