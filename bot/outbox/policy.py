"""What happens to a message after a delivery attempt: the outbox's whole failure policy.

A pure function of the outcome, the attempts so far and the clock, so that it can be read in
one screen and tested without a database:

==================================  =============================================================
outcome                             next status
==================================  =============================================================
sent                                ``sent``
retry_after(s)                      ``planned`` again, ``s`` from now (the channel knows best)
channel_paused(s)                   ``planned`` again, ``s`` from now, no attempt counted: the
                                    channel is broken for everyone, not this message (the
                                    dispatcher puts the row back unsent)
failed_temporarily                  ``planned`` again after the :class:`RetryPolicy` backoff
  ... the ``max_attempts``-th time  ``dead``: a dead letter for the coordinator
  ... retry not before expiry       ``expired``: it would be stale by then
blocked_by_user, invalid_recipient  ``failed``: trying again cannot help; the coordinator is told
failed_permanently                  ``failed``
==================================  =============================================================
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.outbox.backoff import RetryPolicy
from bot.outbox.channel import DeliveryOutcome, Outcome
from bot.outbox.records import Outgoing, Status

__all__ = ["Decision", "decide"]

_GIVE_UP = frozenset(
    {Outcome.BLOCKED_BY_USER, Outcome.INVALID_RECIPIENT, Outcome.FAILED_PERMANENTLY}
)


@dataclass(frozen=True, slots=True)
class Decision:
    """The row's next status, when to try again (``planned`` only), and what to record."""

    status: Status
    next_attempt_at: dt.datetime | None = None
    error: str | None = None


def decide(
    message: Outgoing, outcome: DeliveryOutcome, now: dt.datetime, policy: RetryPolicy
) -> Decision:
    """The next step for ``message`` after an attempt at ``now`` ended with ``outcome``."""
    if outcome.kind is Outcome.SENT:
        return Decision(Status.SENT)
    error = outcome.describe()
    if outcome.kind in _GIVE_UP:
        return Decision(Status.FAILED, error=error)
    if outcome.kind is Outcome.CHANNEL_PAUSED and outcome.delay is not None:
        paused_until = now + outcome.delay
        if paused_until >= message.expires_at:
            return Decision(Status.EXPIRED, error=f"{error} (until after expiry)")
        return Decision(Status.PLANNED, next_attempt_at=paused_until, error=error)
    attempts = message.attempts + 1  # this attempt included
    if attempts >= policy.max_attempts:
        return Decision(Status.DEAD, error=f"{error} (after {attempts} attempts)")
    if outcome.kind is Outcome.RETRY_AFTER and outcome.delay is not None:
        wait = outcome.delay
    else:
        wait = policy.delay(attempts, message.idempotency_key)
    retry_at = now + wait
    if retry_at >= message.expires_at:
        # Marking it now, not when the retry comes due, shows the truth on the dashboard at once.
        return Decision(Status.EXPIRED, error=f"{error} (a retry would come after expiry)")
    return Decision(Status.PLANNED, next_attempt_at=retry_at, error=error)
