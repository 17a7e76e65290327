"""Which message an answer answers, and so which absence (episode) it is about.

The planner reads an answer through its ``episode_key`` (:class:`~bot.engine.facts.ReplyFacts`):
the key of the episode the answered message was about. These are the rules that give it, the
same for the live bot and the replay:

1. **An answer to a known message** (a button tapped under it, later a link in an e-mail)
   belongs to that message's episode, whatever became of the message since: the person saw it
   and answered it.
2. **An answer without its message** (a row of ``gemist simulate --replies``) answers the last
   message with answer buttons (:data:`FAMILY_KINDS`) that went to the sender about the pupil
   before it: the message the person would have tapped. It is then stored as an answer to that
   message, so a second identical answer to it is stored once, as a second tap is.
3. **Words of one's own, a coordinator's return date, and an answer whose sender got nothing
   about the pupil** are about the pupil's latest absence: the episode of the last message with
   answer buttons that went to anyone about the pupil before the answer.

Only messages sent at or before the answer count: an answer kept in the inbox while an import
held the database, and stored later, cannot be about a message that went out after it was given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.domain import OutreachKind
from bot.models import Outreach

__all__ = ["FAMILY_KINDS", "MessageRow", "latest_episode", "latest_to", "message_row"]

FAMILY_KINDS = (
    OutreachKind.PUPIL_CHECKIN,
    OutreachKind.GUARDIAN_NOTICE,
    OutreachKind.GUARDIAN_CARE,
)
"""The messages about an absence that carry a pupil's or a parent's answer buttons."""


@dataclass(frozen=True, slots=True)
class MessageRow:
    """The outbox row an answer or a decision is about (the message under which a button was
    tapped). Its fields are what the inbox keeps of it, so they stay as they are."""

    id: int
    school_id: str
    kind: str
    recipient_role: str
    recipient_id: int
    pupil_id: int | None
    lang: str
    status: str
    payload: Mapping[str, Any]

    @property
    def episode(self) -> str | None:
        """The key of the episode the message was about; None for a message about none."""
        episode = self.payload.get("episode")
        return episode if isinstance(episode, str) else None


_COLUMNS = (
    col(Outreach.id),
    col(Outreach.school_id),
    col(Outreach.kind),
    col(Outreach.recipient_role),
    col(Outreach.recipient_id),
    col(Outreach.pupil_id),
    col(Outreach.lang),
    col(Outreach.status),
    col(Outreach.payload),
)
_LATEST = (col(Outreach.sent_at).desc(), col(Outreach.id).desc())


def _row(found: Any) -> MessageRow | None:
    if found is None:
        return None
    pk, school, kind, role, recipient, pupil, lang, status, payload = found
    return MessageRow(
        int(pk), school, kind, role, int(recipient), pupil, lang, status, payload or {}
    )


async def message_row(conn: AsyncConnection, outreach_id: int) -> MessageRow | None:
    """The outbox row ``outreach_id``; None when there is none."""
    query = sa.select(*_COLUMNS).where(col(Outreach.id) == outreach_id)
    return _row((await conn.execute(query)).one_or_none())


def _sent_about(pupil_id: int, at: dt.datetime) -> sa.Select[Any]:
    return sa.select(*_COLUMNS).where(
        col(Outreach.pupil_id) == pupil_id,
        col(Outreach.status) == "sent",
        col(Outreach.kind).in_(FAMILY_KINDS),
        col(Outreach.sent_at) <= at,
    )


async def latest_to(
    conn: AsyncConnection, pupil_id: int, role: str, recipient_id: int, at: dt.datetime
) -> MessageRow | None:
    """Rule 2: the last message with answer buttons sent to ``recipient_id`` in ``role``
    about the pupil at or before ``at``."""
    query = _sent_about(pupil_id, at).where(
        col(Outreach.recipient_role) == role, col(Outreach.recipient_id) == recipient_id
    )
    return _row((await conn.execute(query.order_by(*_LATEST).limit(1))).first())


async def latest_episode(conn: AsyncConnection, pupil_id: int, at: dt.datetime) -> str | None:
    """Rule 3: the episode of the last message with answer buttons sent to anyone about the
    pupil at or before ``at``."""
    found = _row(
        (await conn.execute(_sent_about(pupil_id, at).order_by(*_LATEST).limit(1))).first()
    )
    return found.episode if found is not None else None
