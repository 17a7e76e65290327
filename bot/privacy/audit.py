"""The two logs of data protection: what was done to personal data, and who looked at it.

:func:`record` writes a :class:`~bot.models.PrivacyLog` entry that keeps no personal data: the
kind of action, a summary in counts ("erased 1 pupil record on 2026-12-07: messages: 12,
..."), the command,
and a random reference (never the person's id) that the operator can give the data protection
officer. :func:`log_view` notes that a staff member opened a pupil's timeline.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.models import PrivacyLog, TimelineView

__all__ = ["describe", "log_view", "record"]


async def record(
    conn: AsyncConnection,
    school_id: str,
    action: str,
    summary: str,
    command: str,
    at: dt.datetime,
) -> str:
    """Store one action; its reference."""
    reference = secrets.token_hex(6)
    await conn.execute(
        sa.insert(PrivacyLog).values(
            school_id=school_id,
            at=at,
            action=action,
            reference=reference,
            summary=summary[:500],
            command=command[:100],
        )
    )
    return reference


def describe(counts: Counter[str]) -> str:
    """``"messages: 12, replies: 3"``: the kinds with a count, in a stable order."""
    return ", ".join(f"{kind}: {count}" for kind, count in sorted(counts.items()) if count) or (
        "nothing"
    )


async def log_view(
    engine: AsyncEngine,
    school_id: str,
    pupil_key: int,
    viewer_key: int | None,
    channel: str,
    at: dt.datetime,
) -> None:
    """``viewer_key`` (a staff member's database id) saw the timeline of pupil ``pupil_key``."""
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(TimelineView).values(
                school_id=school_id,
                pupil_id=pupil_key,
                viewer_id=viewer_key,
                channel=channel,
                viewed_at=at,
            )
        )
