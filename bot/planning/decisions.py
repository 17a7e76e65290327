"""What coordinators decide, stored: holds released or discarded, nudges acknowledged or put
off (one by one, or a pupil's under the daily message), pupils paused (the buttons reach these
through :mod:`bot.answers.decisions`, which also stores a held guardian notice's "send anyway"
or "not now" and "CLB is al betrokken" as answers).

Also the storing of holds found by the planner tick (:mod:`bot.engine.hold`). The command line
(``gemist hold``, ``gemist nudges``) and the bot's buttons call these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.domain import OutreachKind
from bot.engine.hold import Decided, HoldState, Suspect
from bot.models import Outreach, OutreachHold, PupilPause

__all__ = [
    "ACKNOWLEDGED_KINDS",
    "HoldRow",
    "acknowledge",
    "decide_hold",
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


ACKNOWLEDGED_KINDS = (OutreachKind.COORDINATOR_NUDGE, OutreachKind.TEACHER_WELCOME)
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
                col(Outreach.kind) == OutreachKind.COORDINATOR_NUDGE,
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


async def digest_nudges(
    conn: AsyncConnection, school_id: str, digest_id: int, number: int
) -> list[int]:
    """The sent nudges of pupil ``number`` of a daily message that went out (by their keys in
    its payload); none for anything else."""
    payload = await conn.scalar(
        sa.select(col(Outreach.payload)).where(
            col(Outreach.id) == digest_id,
            col(Outreach.school_id) == school_id,
            col(Outreach.kind) == OutreachKind.COORDINATOR_DIGEST,
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
            col(Outreach.kind) == OutreachKind.COORDINATOR_NUDGE,
            col(Outreach.status) == "sent",
        )
    )
    return [row for row in rows if row is not None]
