"""The durable outbox: every message the planner wants sent, as a row, until it is settled.

The planner proposes (:func:`plan`, idempotent per key) and withdraws (:func:`cancel`); the
:class:`Dispatcher` delivers through a :class:`Channel` and owns the failure policy
(:mod:`bot.outbox.policy`). Rows live in ``outreach``; every status change also writes an
``outreach_event`` row, in the same transaction: the audit trail of every outreach.

The status machine::

                           plan()
                             │
                             ▼
          cancel()  ┌──── planned ─────┐  claim() after expires_at
      cancelled ◄───┘   ▲ │     ▲      └───► expired
                        │ │     │
     withdraw() ┌───────┘ │     │  (plan() again: proposed once more)
      withdrawn ◄─────────┤     │
                   claim()│     │ retry_after or backoff (policy), postponed by the gate,
                          │     │ released unsent, recover() after a lost lease
                          ▼     │
                         sending ───────────► expired   a retry would come after expires_at
                    ┌─────┼──────────┐
                    ▼     ▼          ▼
                  sent  failed      dead
                        blocked,    temporary failures
                        invalid,    max_attempts times
                        permanent

``sent``, ``failed``, ``expired``, ``cancelled`` and ``dead`` are final. ``withdrawn`` is the
planner's "no longer called for" (an answer came, a correction removed the absence, a hold
keeps it back): when the planner proposes the same key again (the absence was entered again,
the hold was released), :func:`plan` puts it back to ``planned`` with the new due time. A
person's cancellation (``cancelled``) is never undone by the planner. ``failed`` and
``dead`` are reported in :class:`DispatchReport.undelivered` for the coordinator.

**Never lost.** A row exists from the planner's commit on and only these transitions move it. A
worker that dies leaves its claimed rows in ``sending``; :func:`recover` puts them back to
``planned`` once the lease has run out (at once when the worker restarts under the same id:
:meth:`Dispatcher.resume`). Unsent rows are then sent normally: no loss, no duplicate.

**The duplicate window: one in-flight message per worker.** A message is delivered twice only
when its worker dies after the channel accepted it and before the transaction that marks it
``sent`` commits: recovery then puts it back and it is sent once more. A worker sends one
message at a time and commits each outcome before the next send, so at any instant at most one
message per worker is in that window: each crash of a worker causes at most one duplicate, and
no message is duplicated by a crash other than the one in flight. ``tests/bot/outbox/
test_crash.py`` kills a dispatcher with SIGKILL at random points and checks exactly this (and
kills it at the worst instant, right after a delivery, to see the one duplicate happen).

Outside that window, three things to know:

- SQLite runs with ``synchronous=NORMAL`` (:mod:`bot.db`): a commit survives the death of the
  process, but a power cut or OS crash may undo the last commits, and with them some ``sent``
  marks. PostgreSQL (``synchronous_commit=on``, the default) has no such gap.
- A worker that stalls past its lease loses its rows to :func:`recover`. The dispatcher stops
  sending at half the lease and gives the rest back, and :func:`complete` never overwrites a
  claim that another worker holds; a channel call that hangs for longer than half the lease can
  still be repeated by another worker.
- A channel that cannot know whether a timed-out request went out (Telegram's ``sendMessage``
  has no idempotency key) may report ``failed_temporarily``, and the retry may be a duplicate:
  that is the channel's choice, stated in :meth:`Channel.deliver`.
"""

from __future__ import annotations

from bot.outbox.backoff import RetryPolicy
from bot.outbox.channel import (
    CONVERSATIONAL,
    Capabilities,
    Channel,
    ChannelRouter,
    DeliveryOutcome,
    Outcome,
    Recorded,
    RecordingChannel,
)
from bot.outbox.dispatcher import Acquire, Dispatcher, DispatchReport, Gate, Undelivered
from bot.outbox.policy import Decision, decide
from bot.outbox.records import TERMINAL, Outgoing, PlannedOutreach, Status
from bot.outbox.store import (
    Claim,
    cancel,
    claim,
    complete,
    plan,
    recover,
    refresh_statistics,
    release,
    withdraw,
)
from bot.outbox.tables import write_transaction

__all__ = [
    "CONVERSATIONAL",
    "TERMINAL",
    "Acquire",
    "Capabilities",
    "Channel",
    "ChannelRouter",
    "Claim",
    "Decision",
    "DeliveryOutcome",
    "DispatchReport",
    "Dispatcher",
    "Gate",
    "Outcome",
    "Outgoing",
    "PlannedOutreach",
    "Recorded",
    "RecordingChannel",
    "RetryPolicy",
    "Status",
    "Undelivered",
    "cancel",
    "claim",
    "complete",
    "decide",
    "plan",
    "recover",
    "refresh_statistics",
    "release",
    "withdraw",
    "write_transaction",
]
