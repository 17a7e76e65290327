"""What coordinators decide, stored: holds released or discarded, nudges acknowledged, guardian
notices that a pupil's answer held sent anyway or kept back, the CLB involved already.

Also the storing of holds found by the planner tick (:mod:`bot.engine.hold`). The command line
(``gemist hold``, ``gemist nudges``) and, later, the bot's buttons call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.engine._notice_holds import KEEP, SEND
from bot.engine.facts import CLB_INVOLVED
from bot.engine.hold import Decided, HoldState, Suspect
from bot.models import Outreach, OutreachHold, PupilPause, Reply

__all__ = [
    "ACKNOWLEDGED_KINDS",
    "HoldRow",
    "acknowledge",
    "clb_involved",
    "decide_hold",
    "decide_notice",
    "digest_nudges",
    "list_holds",
    "load_holds",
    "pause_pupil",
    "snooze",
    "store_suspects",
]


async def load_holds(conn: AsyncConnection, school_id: str) -> dict[tuple[dt.date, str], Decided]:
    """Every stored hold of the school, by (date, scope)."""
    rows = await conn.execute(
        sa.select(
            col(OutreachHold.date),
            col(OutreachHold.scope),
            col(OutreachHold.status),
            col(OutreachHold.decided_at),
            col(OutreachHold.detected_at),
        ).where(col(OutreachHold.school_id) == school_id)
    )
    return {
        (day, scope): Decided(HoldState(status), decided_at, detected_at)
        for day, scope, status, decided_at, detected_at in rows
    }


async def store_suspects(
    conn: AsyncConnection, school_id: str, suspects: Sequence[Suspect], now: dt.datetime
) -> None:
    """Store newly found suspect days as ``held``."""
    if suspects:
        await conn.execute(
            sa.insert(OutreachHold),
            [
                {
                    "school_id": school_id,
                    "date": suspect.date,
                    "scope": suspect.scope,
                    "status": HoldState.HELD.value,
                    "absent": suspect.absent,
                    "pupils": suspect.pupils,
                    "detected_at": now,
                }
                for suspect in suspects
            ],
        )


async def decide_hold(
    conn: AsyncConnection,
    school_id: str,
    day: dt.date,
    scope: str,
    state: HoldState,
    *,
    by: str,
    at: dt.datetime,
) -> bool:
    """Release or discard a held day; False when there is no such hold still undecided."""
    if state is HoldState.HELD:
        raise ValueError("a hold is released or discarded, not held again")
    result = await conn.execute(
        sa.update(OutreachHold)
        .where(
            col(OutreachHold.school_id) == school_id,
            col(OutreachHold.date) == day,
            col(OutreachHold.scope) == scope,
            col(OutreachHold.status) == HoldState.HELD.value,
        )
        .values(status=state.value, decided_at=at, decided_by=by)
    )
    return bool(result.rowcount)


@dataclass(frozen=True, slots=True)
class HoldRow:
    """A stored hold, as ``gemist hold list`` shows it."""

    date: dt.date
    scope: str
    status: str
    absent: int
    pupils: int
    detected_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None


async def list_holds(conn: AsyncConnection, school_id: str) -> list[HoldRow]:
    """The school's holds, newest day first."""
    rows = await conn.execute(
        sa.select(
            col(OutreachHold.date),
            col(OutreachHold.scope),
            col(OutreachHold.status),
            col(OutreachHold.absent),
            col(OutreachHold.pupils),
            col(OutreachHold.detected_at),
            col(OutreachHold.decided_at),
            col(OutreachHold.decided_by),
        )
        .where(col(OutreachHold.school_id) == school_id)
        .order_by(col(OutreachHold.date).desc(), col(OutreachHold.scope))
    )
    return [HoldRow(*row) for row in rows]


ACKNOWLEDGED_KINDS = ("coordinator_nudge", "teacher_welcome")
"""The messages staff mark as seen."""


async def acknowledge(
    conn: AsyncConnection, school_id: str, outreach_id: int, *, by: str, at: dt.datetime
) -> bool:
    """Mark a sent nudge ("Gezien, ik volg op") or welcome reminder ("Gelezen") as seen: no
    reminder follows. Seen on a reminder is seen on the nudge it reminds of. False when there is
    no such sent message not yet acknowledged."""
    payload = await conn.scalar(
        sa.select(col(Outreach.payload)).where(
            col(Outreach.id) == outreach_id, col(Outreach.school_id) == school_id
        )
    )
    if isinstance(payload, dict) and payload.get("reason") == "unacknowledged":
        await conn.execute(
            sa.update(Outreach)
            .where(
                col(Outreach.idempotency_key) == str(payload.get("nudge")),
                col(Outreach.school_id) == school_id,
                col(Outreach.acknowledged_at).is_(None),
            )
            .values(acknowledged_at=at, acknowledged_by=by)
        )
    result = await conn.execute(
        sa.update(Outreach)
        .where(
            col(Outreach.id) == outreach_id,
            col(Outreach.school_id) == school_id,
            col(Outreach.kind).in_(ACKNOWLEDGED_KINDS),
            col(Outreach.status) == "sent",
            col(Outreach.acknowledged_at).is_(None),
        )
        .values(acknowledged_at=at, acknowledged_by=by)
    )
    return bool(result.rowcount)


async def snooze(
    conn: AsyncConnection, school_id: str, outreach_id: int, *, until: dt.date
) -> bool:
    """Put off the reminder of a sent nudge until the school day ``until`` ("remind me
    later"); snoozing a reminder puts off the nudge it reminds of. False when there is no such
    nudge still open."""
    row = (
        await conn.execute(
            sa.select(col(Outreach.idempotency_key), col(Outreach.payload)).where(
                col(Outreach.id) == outreach_id,
                col(Outreach.school_id) == school_id,
                col(Outreach.kind) == "coordinator_nudge",
                col(Outreach.status) == "sent",
            )
        )
    ).one_or_none()
    if row is None:
        return False
    key, payload = row
    if isinstance(payload, dict) and payload.get("reason") == "unacknowledged":
        key = str(payload.get("nudge"))
    result = await conn.execute(
        sa.update(Outreach)
        .where(
            col(Outreach.idempotency_key) == key,
            col(Outreach.school_id) == school_id,
            col(Outreach.acknowledged_at).is_(None),
        )
        .values(snoozed_until=until)
    )
    return bool(result.rowcount)


async def pause_pupil(
    conn: AsyncConnection,
    school_id: str,
    pupil_id: int,
    *,
    starts: dt.date,
    ends: dt.date,
    by: str,
    at: dt.datetime,
) -> None:
    """No outreach to or about the pupil's family from ``starts`` to ``ends`` (included)."""
    await conn.execute(
        sa.insert(PupilPause).values(
            school_id=school_id,
            pupil_id=pupil_id,
            starts=starts,
            ends=ends,
            created_at=at,
            created_by=by,
        )
    )


async def decide_notice(
    conn: AsyncConnection,
    school_id: str,
    outreach_id: int,
    *,
    send: bool,
    sender_id: str,
    by: str,
    at: dt.datetime,
) -> bool:
    """The spilfiguur's "send anyway" (``send``) or "not now" under a nudge about a held
    guardian notice (:mod:`bot.engine._notice_holds`): stored as their answer ``notice:send`` or
    ``notice:keep`` about the nudge's episode, where the planner finds it; the nudge counts as
    seen. False when the row is no such sent nudge, or this very decision is stored already."""
    row = (
        await conn.execute(
            sa.select(col(Outreach.pupil_id), col(Outreach.payload)).where(
                col(Outreach.id) == outreach_id,
                col(Outreach.school_id) == school_id,
                col(Outreach.kind) == "coordinator_nudge",
                col(Outreach.status) == "sent",
            )
        )
    ).one_or_none()
    if row is None or row.pupil_id is None or not isinstance(row.payload, dict):
        return False
    episode = row.payload.get("episode")
    if row.payload.get("reason") != "held_notice" or not isinstance(episode, str):
        return False
    answer = SEND if send else KEEP
    known = await conn.scalar(
        sa.select(col(Reply.id)).where(
            col(Reply.outreach_id) == outreach_id, col(Reply.answer) == answer
        )
    )
    if known is not None:
        return False
    await conn.execute(
        sa.insert(Reply).values(
            school_id=school_id,
            pupil_id=row.pupil_id,
            sender_role="coordinator",
            sender_id=sender_id,
            answer=answer,
            received_at=at,
            episode_key=episode,
            outreach_id=outreach_id,
        )
    )
    await acknowledge(conn, school_id, outreach_id, by=by, at=at)
    return True


async def clb_involved(
    conn: AsyncConnection,
    school_id: str,
    outreach_id: int,
    *,
    sender_id: str,
    by: str,
    at: dt.datetime,
) -> bool:
    """ "CLB is al betrokken" under a nudge about the pupil (the CLB threshold, or a reminder of
    it): stored as the spilfiguur's answer ``clb:involved`` about the pupil, with who and when,
    where the planner finds it (the threshold case is closed for the school year); the nudge
    counts as seen. False when the row is no such sent nudge, or it was said already."""
    pupil_id = await conn.scalar(
        sa.select(col(Outreach.pupil_id)).where(
            col(Outreach.id) == outreach_id,
            col(Outreach.school_id) == school_id,
            col(Outreach.kind) == "coordinator_nudge",
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
    await conn.execute(
        sa.insert(Reply).values(
            school_id=school_id,
            pupil_id=pupil_id,
            sender_role="coordinator",
            sender_id=sender_id,
            answer=CLB_INVOLVED,
            received_at=at,
            episode_key=None,
            outreach_id=outreach_id,
        )
    )
    await acknowledge(conn, school_id, outreach_id, by=by, at=at)
    return True


async def digest_nudges(
    conn: AsyncConnection, school_id: str, digest_id: int, number: int
) -> list[int]:
    """The sent nudges of pupil ``number`` of a daily message that went out (by their keys in
    its payload); none for anything else."""
    payload = await conn.scalar(
        sa.select(col(Outreach.payload)).where(
            col(Outreach.id) == digest_id,
            col(Outreach.school_id) == school_id,
            col(Outreach.kind) == "coordinator_digest",
            col(Outreach.status) == "sent",
        )
    )
    items = payload.get("items") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not 0 <= number < len(items):
        return []
    keys = [str(key) for key in items[number].get("keys", ())]
    rows = await conn.scalars(
        sa.select(col(Outreach.id)).where(
            col(Outreach.school_id) == school_id,
            col(Outreach.idempotency_key).in_(keys),
            col(Outreach.kind) == "coordinator_nudge",
            col(Outreach.status) == "sent",
        )
    )
    return [row for row in rows if row is not None]
