"""The outbox tables as SQLAlchemy Core sees them, and the few statements every change uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.models import Outreach, OutreachEvent
from bot.outbox.records import Outgoing, Status

__all__ = [
    "EVENT",
    "OUTREACH",
    "Transition",
    "claim_holds",
    "clip",
    "held",
    "record",
    "update",
    "write_transaction",
]

OUTREACH: sa.Table = Outreach.metadata.tables["outreach"]
EVENT: sa.Table = OutreachEvent.metadata.tables["outreach_event"]
_TEXT = 200  # the length of the reason columns (last_error, cancelled_reason, detail)

Transition = tuple[int, Status | None, Status, str | None]
"""(outreach id, from status, to status, detail) of one audit event."""


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A transaction that may read and then write without another writer slipping between.

    On PostgreSQL an ordinary transaction (the reads lock what they must with ``FOR UPDATE``).
    Python's sqlite3 driver opens a transaction only at the first write, so a read before it
    sees the database of that moment, and another connection may claim the same rows before
    our update: ``BEGIN IMMEDIATE`` takes the write lock first (waiting up to the busy timeout),
    making the read and the write one step.
    """
    async with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            await conn.rollback()
            raise
        await conn.commit()


def held(message: Outgoing) -> tuple[sa.ColumnElement[bool], ...]:
    """The row as long as ``message``'s claim on it is still the current one."""
    return claim_holds(message.id, message.claimed_by, message.claimed_at)


def claim_holds(row: Any, holder: Any, since: Any) -> tuple[sa.ColumnElement[bool], ...]:
    """Row ``row`` as long as the claim ``holder`` made at ``since`` is still the current one;
    values, or the parameters of a statement built once."""
    return (
        OUTREACH.c.id == row,
        OUTREACH.c.status == Status.SENDING,
        OUTREACH.c.claimed_by == holder,
        OUTREACH.c.claimed_at == since,
    )


async def update(
    conn: AsyncConnection, where: Sequence[sa.ColumnElement[bool]], values: dict[str, Any]
) -> bool:
    """Update the one outreach row ``where`` selects; whether there was one."""
    result = await conn.execute(sa.update(OUTREACH).where(*where).values(values))
    return result.rowcount == 1


async def record(conn: AsyncConnection, at: dt.datetime, events: Sequence[Transition]) -> None:
    """Write the audit events of status changes made in this transaction."""
    if not events:
        return
    await conn.execute(
        sa.insert(EVENT),
        [
            {
                "outreach_id": outreach_id,
                "at": at,
                "from_status": before,
                "to_status": after,
                "detail": clip(detail),
            }
            for outreach_id, before, after, detail in events
        ],
    )


def clip(text: str | None) -> str | None:
    """``text`` cut to the length of the reason columns."""
    return None if text is None else text[:_TEXT]
