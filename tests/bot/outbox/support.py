"""Helpers for the outbox tests: outreach to plan, and what the database says about it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.outbox import PlannedOutreach, plan
from bot.outbox.tables import EVENT, OUTREACH

SCHOOL = "school"
DAY = dt.timedelta(days=1)


def item(
    key: str,
    due: dt.datetime,
    *,
    expires: dt.datetime | None = None,
    kind: str = "pupil_checkin",
    recipient_role: str = "pupil",
    recipient_id: int = 1,
    channel: str = "telegram",
    pupil_id: int | None = None,
) -> PlannedOutreach:
    """An outreach due at ``due`` that expires a day later unless told otherwise."""
    return PlannedOutreach(
        school_id=SCHOOL,
        idempotency_key=key,
        kind=kind,
        recipient_role=recipient_role,
        recipient_id=recipient_id,
        channel=channel,
        lang="nl",
        due_at=due,
        expires_at=expires or due + DAY,
        pupil_id=pupil_id,
        payload={"first_name": "Yasmine", "count": 3},
    )


async def plan_items(
    engine: AsyncEngine, items: Sequence[PlannedOutreach], now: dt.datetime
) -> dict[str, int]:
    async with engine.begin() as conn:
        return await plan(conn, items, now)


async def rows(engine: AsyncEngine) -> dict[str, RowMapping]:
    """Every outreach row by idempotency key."""
    async with engine.connect() as conn:
        result = await conn.execute(sa.select(OUTREACH).order_by(OUTREACH.c.id))
        return {row["idempotency_key"]: row for row in result.mappings()}


async def statuses(engine: AsyncEngine) -> dict[str, str]:
    return {key: row["status"] for key, row in (await rows(engine)).items()}


async def trail(engine: AsyncEngine, outreach_id: int) -> list[tuple[str | None, str, str | None]]:
    """The audit events of one row: (from, to, detail), oldest first."""
    async with engine.connect() as conn:
        result = await conn.execute(
            sa.select(EVENT.c.from_status, EVENT.c.to_status, EVENT.c.detail)
            .where(EVENT.c.outreach_id == outreach_id)
            .order_by(EVENT.c.id)
        )
        return [(row.from_status, row.to_status, row.detail) for row in result]
