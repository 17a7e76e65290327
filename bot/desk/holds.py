"""*Wachtrij*: the mass-absence holds (:mod:`bot.engine.hold`) waiting for a decision, and the
ones decided lately.

A hold keeps back everything about one day for a class or the whole school, until a
coordinator releases it (the absences were real: a trip, a strike) or discards it (a broken
feed). The figures are the ones the coordinators' alert gave: how many pupils of the scope were
marked absent out of how many, and how many messages the planner held back
(``held_messages`` of the latest hold alert; None when no alert was planned for it).

A spilfiguur sees a hold when one of their pupils is among those marked absent that day in its
scope (the alert went to them for that reason); the whole school sees every hold. The decision
itself is :func:`bot.planning.decisions.decide_hold`, through :func:`decide` here, which checks
the scope first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.desk.scope import DEFAULT_SIZE, Page, Scope, checked, clamp
from bot.domain import SCHOOL_SCOPE, OutreachKind
from bot.engine.hold import HoldState
from bot.models import AbsenceMark, Outreach, OutreachHold, Pupil, SchoolClass
from bot.planning.decisions import decide_hold

__all__ = ["RECENT_DAYS", "HoldView", "Holds", "decide", "hold_queue"]

RECENT_DAYS = 30
"""How long a decided hold stays on the page after its decision."""


@dataclass(frozen=True, slots=True)
class HoldView:
    id: int
    """The hold's database id: what a decision is posted with (:func:`decide`)."""
    date: dt.date
    scope: str
    """A class name, or :data:`bot.domain.SCHOOL_SCOPE` for the whole school."""
    whole_school: bool
    status: str
    """``held``, ``released`` or ``discarded``."""
    absent: int
    """Pupils of the scope marked absent that day, when the hold was found."""
    pupils: int
    """Pupils of the scope."""
    held_messages: int | None
    """Messages the planner held back, as the latest alert counted them; None: no alert."""
    mine: int | None
    """For a spilfiguur: how many of their own pupils are among those absent; None for the
    whole school."""
    detected_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None


@dataclass(frozen=True, slots=True)
class Holds:
    waiting: tuple[HoldView, ...]
    """Undecided holds, the most recent day first (few: a hold is found at most
    :data:`bot.engine.hold.LOOKBACK_DAYS` back)."""
    decided: Page[HoldView]
    """Released or discarded within :data:`RECENT_DAYS`, the latest decision first."""


async def hold_queue(
    conn: AsyncConnection,
    scope: Scope,
    *,
    now: dt.datetime,
    page: int = 1,
    size: int = DEFAULT_SIZE,
    recent_days: int = RECENT_DAYS,
) -> Holds:
    """The holds in ``scope``: those waiting, and one page of those decided lately."""
    page, size = checked(page, size)
    since = now - dt.timedelta(days=recent_days)
    rows = (
        await conn.execute(
            sa.select(
                col(OutreachHold.id),
                col(OutreachHold.date),
                col(OutreachHold.scope),
                col(OutreachHold.status),
                col(OutreachHold.absent),
                col(OutreachHold.pupils),
                col(OutreachHold.detected_at),
                col(OutreachHold.decided_at),
                col(OutreachHold.decided_by),
            ).where(
                col(OutreachHold.school_id) == scope.school_id,
                sa.or_(
                    col(OutreachHold.status) == HoldState.HELD.value,
                    col(OutreachHold.decided_at) >= since,
                ),
            )
        )
    ).all()
    mine = await _mine(conn, scope, {(row.date, row.scope) for row in rows})
    visible = [row for row in rows if scope.whole_school or (row.date, row.scope) in mine]
    held = await _held_messages(conn, scope.school_id, {row.date for row in visible})
    views = [
        HoldView(
            id=row.id,
            date=row.date,
            scope=row.scope,
            whole_school=row.scope == SCHOOL_SCOPE,
            status=row.status,
            absent=row.absent,
            pupils=row.pupils,
            held_messages=held.get((row.date, row.scope)),
            mine=None if scope.whole_school else mine[(row.date, row.scope)],
            detected_at=row.detected_at,
            decided_at=row.decided_at,
            decided_by=row.decided_by,
        )
        for row in visible
    ]
    waiting = sorted(
        (view for view in views if view.status == HoldState.HELD.value),
        key=lambda view: (-view.date.toordinal(), not view.whole_school, view.scope),
    )
    decided = sorted(
        (view for view in views if view.status != HoldState.HELD.value),
        key=lambda view: (view.decided_at or view.detected_at, view.id),
        reverse=True,
    )
    page = clamp(page, size, len(decided))
    chosen = tuple(decided[(page - 1) * size : page * size])
    return Holds(tuple(waiting), Page(chosen, page, size, len(decided)))


async def _mine(
    conn: AsyncConnection, scope: Scope, wanted: set[tuple[dt.date, str]]
) -> dict[tuple[dt.date, str], int]:
    """For a spilfiguur: per hold (day, scope), how many of their pupils were marked absent
    that day in its scope; holds without any are left out. Empty for the whole school."""
    if scope.whole_school or not wanted:
        return {}
    days = sorted({day for day, _ in wanted})
    rows = await conn.execute(
        sa.select(col(AbsenceMark.date), col(SchoolClass.name), col(AbsenceMark.pupil_id))
        .join(Pupil, col(Pupil.id) == col(AbsenceMark.pupil_id))
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .where(
            col(AbsenceMark.school_id) == scope.school_id,
            col(AbsenceMark.date).in_(days),
            col(AbsenceMark.retracted_at).is_(None),
            *scope.joined(),
        )
        .distinct()
    )
    absent: dict[tuple[dt.date, str], set[int]] = defaultdict(set)
    for day, class_name, pupil in rows:
        absent[(day, class_name)].add(pupil)
        absent[(day, SCHOOL_SCOPE)].add(pupil)
    return {hold: len(absent[hold]) for hold in wanted if absent.get(hold)}


async def _held_messages(
    conn: AsyncConnection, school_id: str, days: set[dt.date]
) -> dict[tuple[dt.date, str], int]:
    """``held_messages`` of the latest hold alert of each (day, scope)."""
    if not days:
        return {}
    first = min(days)
    since = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
    rows = await conn.execute(
        sa.select(col(Outreach.payload))
        .where(
            col(Outreach.school_id) == school_id,
            col(Outreach.kind) == OutreachKind.HOLD_ALERT,
            col(Outreach.created_at) >= since,
        )
        .order_by(col(Outreach.updated_at), col(Outreach.id))
    )
    found: dict[tuple[dt.date, str], int] = {}
    for (payload,) in rows:
        if not isinstance(payload, dict):
            continue
        try:
            day = dt.date.fromisoformat(str(payload.get("date")))
            count = int(payload.get("held_messages", 0))
        except (TypeError, ValueError):
            continue
        if day in days:
            found[(day, str(payload.get("scope")))] = count
    return found


async def decide(
    conn: AsyncConnection,
    scope: Scope,
    hold: int,
    state: HoldState,
    *,
    by: str,
    at: dt.datetime,
) -> bool | None:
    """Release or discard the hold ``hold`` (its database id) in the caller's transaction,
    with :func:`bot.planning.decisions.decide_hold`. None when there is no such hold in
    ``scope`` (the page answers 404); False when it was decided already (by someone else,
    meanwhile); True when this decided it."""
    row = (
        await conn.execute(
            sa.select(col(OutreachHold.date), col(OutreachHold.scope)).where(
                col(OutreachHold.id) == hold, col(OutreachHold.school_id) == scope.school_id
            )
        )
    ).one_or_none()
    if row is None:
        return None
    if not scope.whole_school and not await _mine(conn, scope, {(row.date, row.scope)}):
        return None
    return await decide_hold(conn, scope.school_id, row.date, row.scope, state, by=by, at=at)
