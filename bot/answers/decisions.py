"""What a coordinator or a teacher decides under a message: one entry of :data:`DECISIONS` per
button.

A decision comes with everything it needs worked out when the person acted (:class:`Decision`):
the day a snooze ends, a pause's last day, the date a pupil is expected back. Stored later (from
the inbox, after midnight), it still means what it meant. Adding a decision is one function and
one entry here; the conversation offers the button and says what was noted.

Under a coordinator's daily message the buttons are per pupil (``ack:2``, ``snooze:2``,
``clb_involved:2``, by the pupil's place in the message): the same decision is taken on each
nudge the message said about that pupil.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.answers.episodes import MessageRow, message_row
from bot.answers.replies import insert_reply, store_return
from bot.domain import OutreachKind, Role
from bot.engine.facts import CLB_INVOLVED, NoticeDecision
from bot.engine.hold import HoldState
from bot.models import Outreach, Reply
from bot.planning.decisions import acknowledge, decide_hold, digest_nudges, pause_pupil, snooze

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
    if decision.row.kind == OutreachKind.COORDINATOR_DIGEST:
        return await _for_a_pupil(conn, decision)
    store = DECISIONS.get(decision.key)
    return await store(conn, decision) if store is not None else False


async def _for_a_pupil(conn: AsyncConnection, d: Decision) -> bool:
    """A tap under pupil ``N`` of a daily message: its decision on each nudge about them."""
    action, _, number = d.key.partition(":")
    store = DECISIONS.get(action) if action in _PER_PUPIL and number.isdigit() else None
    if store is None:
        return False
    done = False
    for nudge in await digest_nudges(conn, d.row.school_id, d.row.id, int(number)):
        row = await message_row(conn, nudge)
        if row is not None:
            done |= await store(conn, dataclasses.replace(d, row=row, key=action))
    return done


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


async def _clb_involved(conn: AsyncConnection, d: Decision) -> bool:
    """ "CLB is al betrokken" under a nudge about the pupil (the CLB threshold, or a reminder of
    it): stored as the spilfiguur's answer ``clb:involved`` about the pupil, with who and when,
    where the planner finds it (the threshold case is closed for the school year); the nudge
    counts as seen. False when the row is no such sent nudge, or it was said already."""
    school_id, outreach_id = d.row.school_id, d.row.id
    pupil_id = await conn.scalar(
        sa.select(col(Outreach.pupil_id)).where(
            col(Outreach.id) == outreach_id,
            col(Outreach.school_id) == school_id,
            col(Outreach.kind) == OutreachKind.COORDINATOR_NUDGE,
            col(Outreach.status) == "sent",
        )
    )
    if pupil_id is None:
        return False
    known = await conn.scalar(
        sa.select(col(Reply.id)).where(
            col(Reply.outreach_id) == outreach_id, col(Reply.answer) == CLB_INVOLVED
        )
    )
    if known is not None:
        return False
    sender = (Role.COORDINATOR.value, d.sender_id)
    await insert_reply(conn, school_id, pupil_id, sender, CLB_INVOLVED, d.at, None, outreach_id)
    await acknowledge(conn, school_id, outreach_id, by=d.by, at=d.at)
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
    "clb_involved": _clb_involved,
}
"""Every decision a staff member's button stores, by the button's key."""

_PER_PUPIL = frozenset({"ack", "snooze", "clb_involved"})
"""The decisions a daily message offers per pupil."""


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
