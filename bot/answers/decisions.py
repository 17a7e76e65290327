"""What a coordinator or a teacher decides under a message: one entry of :data:`DECISIONS` per
button.

A decision comes with everything it needs worked out when the person acted (:class:`Decision`):
the day a snooze ends, a pause's last day, the date a pupil is expected back. Stored later (from
the inbox, after midnight), it still means what it meant. Adding a decision is one function and
one entry here; the conversation offers the button and says what was noted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.answers.episodes import MessageRow
from bot.answers.replies import insert_reply, store_return
from bot.domain import OutreachKind, Role
from bot.engine.facts import NoticeDecision
from bot.engine.hold import HoldState
from bot.models import Outreach, Reply
from bot.planning.decisions import acknowledge, decide_hold, pause_pupil, snooze

__all__ = ["DECISIONS", "Decision", "decide", "decide_notice"]


@dataclass(frozen=True, slots=True)
class Decision:
    """A staff member's tap ``key`` under the message ``row``."""

    row: MessageRow
    key: str
    sender_id: str
    """The roster's id of the staff member."""
    by: str
    """Who decided, as the audit keeps it: the channel and the roster id, ``telegram:S02``."""
    at: dt.datetime
    today: dt.date
    """The school's local date when the person acted."""
    day: dt.date | None = None
    """The day the decision names: a hold's date, a return date, a snooze's or pause's end."""


Decide = Callable[[AsyncConnection, Decision], Awaitable[bool]]


async def decide(conn: AsyncConnection, decision: Decision) -> bool:
    """Store ``decision`` in the caller's transaction; whether there was something (left) to
    decide (False also for a key that is no decision)."""
    store = DECISIONS.get(decision.key)
    return await store(conn, decision) if store is not None else False


async def _acknowledge(conn: AsyncConnection, d: Decision) -> bool:
    return await acknowledge(conn, d.row.school_id, d.row.id, by=d.by, at=d.at)


async def _send_notice(conn: AsyncConnection, d: Decision) -> bool:
    return await decide_notice(conn, d, send=True)


async def _keep_notice(conn: AsyncConnection, d: Decision) -> bool:
    return await decide_notice(conn, d, send=False)


async def _release(conn: AsyncConnection, d: Decision) -> bool:
    return await _decide_hold(conn, d, HoldState.RELEASED)


async def _discard(conn: AsyncConnection, d: Decision) -> bool:
    return await _decide_hold(conn, d, HoldState.DISCARDED)


async def _decide_hold(conn: AsyncConnection, d: Decision, state: HoldState) -> bool:
    if d.day is None:
        return False
    scope = str(d.row.payload.get("scope"))
    return await decide_hold(conn, d.row.school_id, d.day, scope, state, by=d.by, at=d.at)


async def _return(conn: AsyncConnection, d: Decision) -> bool:
    if d.day is None:
        return False
    return await store_return(conn, d.row, sender_id=d.sender_id, back=d.day, at=d.at)


async def _snooze(conn: AsyncConnection, d: Decision) -> bool:
    if d.day is None or d.row.pupil_id is None:
        return False
    return await snooze(conn, d.row.school_id, d.row.id, until=d.day)


async def _pause(conn: AsyncConnection, d: Decision) -> bool:
    if d.day is None or d.row.pupil_id is None:
        return False
    await pause_pupil(
        conn, d.row.school_id, d.row.pupil_id, starts=d.today, ends=d.day, by=d.by, at=d.at
    )
    return True


DECISIONS: dict[str, Decide] = {
    "ack": _acknowledge,
    "send_notice": _send_notice,
    "keep_notice": _keep_notice,
    "release": _release,
    "discard": _discard,
    "return": _return,
    "snooze": _snooze,
    "pause": _pause,
}
"""Every decision a staff member's button stores, by the button's key."""


async def decide_notice(conn: AsyncConnection, d: Decision, *, send: bool) -> bool:
    """The spilfiguur's "send anyway" (``send``) or "not now" under a nudge about a held
    guardian notice (:mod:`bot.engine._notice_holds`): stored as their answer ``notice:send`` or
    ``notice:keep`` about the nudge's episode (rule 1 of :mod:`bot.answers.episodes`), where
    the planner finds it; the nudge counts as seen. False when the row is no such sent nudge,
    or this very decision is stored already."""
    school_id, outreach_id = d.row.school_id, d.row.id
    row = (
        await conn.execute(
            sa.select(col(Outreach.pupil_id), col(Outreach.payload)).where(
                col(Outreach.id) == outreach_id,
                col(Outreach.school_id) == school_id,
                col(Outreach.kind) == OutreachKind.COORDINATOR_NUDGE,
                col(Outreach.status) == "sent",
            )
        )
    ).one_or_none()
    if row is None or row.pupil_id is None or not isinstance(row.payload, dict):
        return False
    episode = row.payload.get("episode")
    if row.payload.get("reason") != "held_notice" or not isinstance(episode, str):
        return False
    answer = NoticeDecision.SEND if send else NoticeDecision.KEEP
    known = await conn.scalar(
        sa.select(col(Reply.id)).where(
            col(Reply.outreach_id) == outreach_id, col(Reply.answer) == answer
        )
    )
    if known is not None:
        return False
    sender = (Role.COORDINATOR.value, d.sender_id)
    await insert_reply(conn, school_id, row.pupil_id, sender, answer, d.at, episode, outreach_id)
    await acknowledge(conn, school_id, outreach_id, by=d.by, at=d.at)
    return True
