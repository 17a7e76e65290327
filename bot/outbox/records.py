"""The values that pass through the outbox: what the planner hands in, what a channel gets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

__all__ = ["TERMINAL", "Outgoing", "PlannedOutreach", "Status", "is_gathered"]


class Status(StrEnum):
    """Where an outreach row is in its life (the machine is drawn in :mod:`bot.outbox`)."""

    PLANNED = "planned"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    DEAD = "dead"
    WITHDRAWN = "withdrawn"  # the planner no longer proposes it; planned again if it does


TERMINAL = frozenset({Status.SENT, Status.FAILED, Status.EXPIRED, Status.CANCELLED, Status.DEAD})
"""Statuses a row never leaves (``withdrawn`` is not one: the planner may propose it again)."""


@dataclass(frozen=True, slots=True)
class PlannedOutreach:
    """A message the planner wants delivered; :func:`bot.outbox.store.plan` stores it once.

    ``idempotency_key`` names the promise, not the attempt: the planner builds it from
    (episode, step, recipient), so planning the same step again on the next tick is a no-op.
    """

    school_id: str
    idempotency_key: str
    kind: str
    recipient_role: str
    recipient_id: int
    channel: str
    lang: str
    due_at: dt.datetime
    expires_at: dt.datetime
    pupil_id: int | None = None
    payload: Mapping[str, Any] = field(default_factory=dict)
    text: str | None = None

    def __post_init__(self) -> None:
        if self.expires_at <= self.due_at:
            raise ValueError(
                f"outreach {self.idempotency_key!r} expires ({self.expires_at}) "
                f"before it is due ({self.due_at})"
            )


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A claimed outreach row on its way out: what the gate, the rate limiter and the channel
    see.

    ``claimed_by`` and ``claimed_at`` are the lease: the store only accepts the outcome from the
    worker that still holds it.
    """

    id: int
    school_id: str
    idempotency_key: str
    kind: str
    recipient_role: str
    recipient_id: int
    channel: str
    pupil_id: int | None
    lang: str
    payload: Mapping[str, Any]
    text: str | None
    due_at: dt.datetime
    expires_at: dt.datetime
    attempts: int
    claimed_by: str
    claimed_at: dt.datetime
    buttons: tuple[tuple[str, str], ...] = ()
    """The quick replies as ``(key, label)``, set with the text when the message is rendered."""
    parts: tuple[tuple[str, str], ...] = ()
    """The text per language as ``(lang, text)``, in the order read (a guardian's language,
    then the Dutch original), set at rendering: a channel that can lay languages out (an
    e-mail's labelled sections, ``lang`` and ``dir``) uses these rather than ``text``."""
    subject: str | None = None
    """A title for channels whose messages have one (an e-mail's subject, a Smartschool
    message's title), in the reader's language; set at rendering."""

    @classmethod
    def from_row(cls, row: Mapping[Any, Any], worker: str, claimed_at: dt.datetime) -> Outgoing:
        """The message for a row just claimed by ``worker`` at ``claimed_at``."""
        return cls(
            id=row["id"],
            school_id=row["school_id"],
            idempotency_key=row["idempotency_key"],
            kind=row["kind"],
            recipient_role=row["recipient_role"],
            recipient_id=row["recipient_id"],
            channel=row["channel"],
            pupil_id=row["pupil_id"],
            lang=row["lang"],
            payload=row["payload"],
            text=row["text"],
            due_at=row["due_at"],
            expires_at=row["expires_at"],
            attempts=row["attempts"],
            claimed_by=worker,
            claimed_at=claimed_at,
        )


def is_gathered(kind: str, payload: Mapping[str, Any]) -> bool:
    """Whether a row is said in the coordinator's daily message rather than on its own: a
    ``coordinator_nudge`` the planner marked ``gathered`` (:mod:`bot.engine.attention`). It is
    here, with the rows, because the outbox's rendering must know it and may not ask the
    engine."""
    return kind == "coordinator_nudge" and bool(payload.get("gathered"))
