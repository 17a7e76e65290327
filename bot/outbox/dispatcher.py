"""The dispatcher: takes due outreach from the outbox and delivers it, one message at a time.

One :meth:`Dispatcher.run_once` is one dispatch tick: look whether anything is due (a read;
most ticks stop there), put back what dead workers left in ``sending``, claim a batch, and for
each message (the one the channel can send soonest first: :meth:`Channel.ready_in`) ask the
gate, wait for the rate limiter, send, and record the outcome at once.
Recording each outcome before the next send is what keeps the duplicate window (see
:mod:`bot.outbox`) at one message per worker.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.outbox import store
from bot.outbox.backoff import RetryPolicy
from bot.outbox.channel import Channel, DeliveryOutcome, Outcome
from bot.outbox.policy import decide
from bot.outbox.records import Outgoing, Status
from scheduler.clock import Clock

__all__ = ["Acquire", "DispatchReport", "Dispatcher", "Gate", "Undelivered"]

log = logging.getLogger(__name__)

Gate = Callable[[Outgoing, datetime], Awaitable[datetime | None]]
"""May postpone a message: returns the later instant it becomes due again, or ``None`` (or an
instant not after now) to send it now. Quiet hours, caps and contact moments plug in here
(:class:`bot.planning.gate.DeliveryGate`)."""

Acquire = Callable[[Outgoing], Awaitable[None]]
"""A rate limiter: returns when ``message`` may go out (per chat, per bot token, ...)."""


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A message that will not be delivered (``failed`` or ``dead``): for the coordinator."""

    message: Outgoing
    outcome: DeliveryOutcome
    status: Status


@dataclass(slots=True)
class DispatchReport:
    """What one or more dispatch runs did, by outreach id."""

    claimed: int = 0
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    undelivered: list[Undelivered] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    postponed: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    released: list[int] = field(default_factory=list)  # unsent when the lease ran short
    lost: list[int] = field(default_factory=list)  # another worker took the row over meanwhile

    @property
    def failed(self) -> list[Undelivered]:
        return [item for item in self.undelivered if item.status is Status.FAILED]

    @property
    def dead(self) -> list[Undelivered]:
        return [item for item in self.undelivered if item.status is Status.DEAD]

    @property
    def idle(self) -> bool:
        """Whether the run found nothing to do."""
        return not (self.claimed or self.expired or self.recovered)

    def add(self, other: DispatchReport) -> None:
        """Add ``other``'s figures to these."""
        self.claimed += other.claimed
        for name in (
            "sent",
            "retried",
            "undelivered",
            "expired",
            "postponed",
            "recovered",
            "released",
            "lost",
        ):
            getattr(self, name).extend(getattr(other, name))


class Dispatcher:
    """Delivers due outreach through ``channel``; owns what happens when delivery fails.

    ``worker_id`` must be unique among the processes that share the database. ``lease`` is how
    long a claim is honoured: other workers recover a row claimed longer ago, so a batch must be
    sent well within it (the dispatcher puts back what is left at half the lease).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        channel: Channel,
        clock: Clock,
        worker_id: str,
        *,
        batch: int = 50,
        lease: timedelta = timedelta(minutes=5),
        policy: RetryPolicy | None = None,
        gate: Gate | None = None,
        acquire: Acquire | None = None,
    ) -> None:
        if batch < 1:
            raise ValueError(f"batch must be at least 1, not {batch}")
        if lease <= timedelta(0):
            raise ValueError(f"lease must be positive, not {lease}")
        self.worker_id = worker_id
        self._engine = engine
        self._channel = channel
        self._clock = clock
        self._batch = batch
        self._lease = lease
        self._policy = policy or RetryPolicy()
        self._gate = gate
        self._acquire = acquire

    async def resume(self) -> list[int]:
        """Take back what an earlier run of this worker id left in ``sending``; call at start."""
        return await store.recover(
            self._engine, self._clock.now(), self._lease, worker=self.worker_id
        )

    async def run_once(self) -> DispatchReport:
        """One tick: recover, claim one batch, deliver it, record every outcome."""
        report = DispatchReport()
        now = self._clock.now()
        work = await store.pending_work(self._engine, now, self._lease)
        if not (work.due or work.stale):
            return report
        if work.stale:
            report.recovered = await store.recover(self._engine, now, self._lease)
        claim = await store.claim(self._engine, self.worker_id, now, self._batch)
        report.claimed = len(claim.messages)
        report.expired = claim.expired
        pending = list(claim.messages)
        while pending:
            message = pending.pop(self._readiest(pending))
            until = await self._gate(message, self._clock.now()) if self._gate else None
            if until is not None and until > self._clock.now():
                detail = f"postponed to {until.astimezone(UTC).isoformat()}"
                await self._release([message], report.postponed, detail, until)
                continue
            if self._acquire is not None:
                await self._acquire(message)
            if self._clock.now() >= message.claimed_at + self._lease / 2:
                # Whatever is sent from here on could outlive the lease and be sent again by
                # a worker that recovers it: better to hand the rest back unsent.
                await self._release([message, *pending], report.released, "lease running out")
                break
            await self._send(message, report)
        if not report.idle:
            log.debug("dispatch %s: %s", self.worker_id, _summary(report))
        return report

    async def drain(self, max_runs: int = 1_000) -> DispatchReport:
        """Run until a run finds nothing due (later retries stay planned); for simulate."""
        total = DispatchReport()
        for _ in range(max_runs):
            report = await self.run_once()
            total.add(report)
            if report.idle:
                break
        return total

    def _readiest(self, pending: list[Outgoing]) -> int:
        """The index of the first message the channel can send soonest (claim order among
        equals): a chat that must wait does not hold up the messages to other chats."""
        waits = [self._channel.ready_in(message) for message in pending]
        return waits.index(min(waits))

    async def _send(self, message: Outgoing, report: DispatchReport) -> None:
        outcome = await self._deliver(message)
        if outcome.kind is Outcome.CHANNEL_PAUSED:
            paused = decide(message, outcome, self._clock.now(), self._policy)
            if paused.status is Status.PLANNED:
                # Not this message's attempt: it goes back unsent, its attempts as they were,
                # so that a channel broken for a day does not turn its messages into dead ones.
                until = paused.next_attempt_at
                await self._release([message], report.postponed, outcome.describe(), until)
                return
        decision = await store.complete(
            self._engine, message, outcome, self._clock.now(), self._policy
        )
        if decision is None:
            report.lost.append(message.id)
            log.warning("outreach %s: lease lost before the outcome was recorded", message.id)
        elif decision.status is Status.SENT:
            report.sent.append(message.id)
        elif decision.status is Status.PLANNED:
            report.retried.append(message.id)
        elif decision.status is Status.EXPIRED:
            report.expired.append(message.id)
        else:
            report.undelivered.append(Undelivered(message, outcome, decision.status))

    async def _deliver(self, message: Outgoing) -> DeliveryOutcome:
        try:
            return await self._channel.deliver(message)
        except Exception as err:
            # A bug in a channel must not strand the batch in `sending` until the lease runs
            # out; the type alone is logged, since an error's text may quote the message.
            log.warning("outreach %s: the channel raised %s", message.id, type(err).__name__)
            return DeliveryOutcome.failed_temporarily(f"channel raised {type(err).__name__}")

    async def _release(
        self,
        messages: list[Outgoing],
        into: list[int],
        detail: str,
        until: datetime | None = None,
    ) -> None:
        into.extend(
            await store.release(
                self._engine, messages, self._clock.now(), detail=detail, until=until
            )
        )


def _summary(report: DispatchReport) -> str:
    return (
        f"{report.claimed} claimed, {len(report.sent)} sent, {len(report.retried)} to retry, "
        f"{len(report.failed)} failed, {len(report.dead)} dead, {len(report.expired)} expired, "
        f"{len(report.recovered)} recovered"
    )
