"""The dispatcher's gate: the last look at a message before it goes out (issue 3, Safety).

The planner already plans inside the delivery window, but a message can reach the dispatcher
later than planned: a retry after a failure, a backlog after an outage, a release from a hold.
At the moment of sending, :class:`DeliveryGate` checks, in this order (a message the person
asked for a moment ago, :data:`ON_REQUEST`, goes at once, past both):

1. **The delivery window** (``delivery``): outside the sending hours, on a weekend or a holiday,
   the message waits for the next allowed moment. For everyone, staff included.
2. **The caps** (``caps``, per recipient role): a person who already got ``per_day`` messages
   today (local time) gets the next one on the next allowed day; ``per_week`` (Monday to
   Sunday) likewise waits for the next week. Counted: the messages sent to that person, of any
   kind. Never capped: :data:`UNCAPPED`.

A postponed message keeps its expiry: if the wait is longer than its life, it expires rather
than going out days late.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain import OutreachKind
from bot.engine.attention import is_gathered
from bot.engine.window import Window
from bot.outbox.records import Outgoing, Status
from bot.outbox.tables import OUTREACH
from bot.rules import Rules
from scheduler.calendar import SchoolCalendar

__all__ = ["ON_REQUEST", "UNCAPPED", "DeliveryGate"]

UNCAPPED = frozenset(
    {
        OutreachKind.COORDINATOR_DIGEST,
        OutreachKind.HOLD_ALERT,
        OutreachKind.GUARDIAN_CORRECTION,
        OutreachKind.PUPIL_CORRECTION,
    }
)
"""The digest and hold alerts are the coordinator's tools; an apology for our own mistake
should not wait behind the mistake."""

ON_REQUEST = frozenset({OutreachKind.DESK_SIGNIN})
"""Messages a staff member asked for themselves, now, and that live minutes (a sign-in link to
the desk): neither the sending hours nor the caps hold them back."""


class DeliveryGate:
    """The :data:`bot.outbox.Gate` of a school's rules; holds no state of its own."""

    def __init__(
        self, engine: AsyncEngine, rules: Rules, calendar: SchoolCalendar, tz: dt.tzinfo
    ) -> None:
        self._engine = engine
        self._rules = rules
        self._window = Window(rules.delivery, calendar, tz)

    def use(self, rules: Rules) -> None:
        """Check against ``rules`` from now on (a new version was put in force)."""
        self._rules = rules
        self._window = Window(rules.delivery, self._window.calendar, self._window.tz)

    async def __call__(self, message: Outgoing, now: dt.datetime) -> dt.datetime | None:
        if message.kind in ON_REQUEST:
            return None
        allowed = self._window.next_allowed(now)
        if allowed > now:
            return allowed
        cap = self._rules.caps.for_role(message.recipient_role)
        if cap is None or message.kind in UNCAPPED or is_gathered(message.kind, message.payload):
            return None  # a gathered nudge goes inside the daily message, which is never capped
        local = now.astimezone(self._window.tz)
        day_start = self._window.local(local.date(), dt.time())
        monday = local.date() - dt.timedelta(days=local.weekday())
        week_start = self._window.local(monday, dt.time())
        today, this_week = await self._sent_since(message, day_start, week_start)
        if this_week >= cap.per_week:
            return self._window.next_allowed(
                self._window.local(monday + dt.timedelta(days=7), dt.time())
            )
        if today >= cap.per_day:
            tomorrow = local.date() + dt.timedelta(days=1)
            return self._window.next_allowed(self._window.local(tomorrow, dt.time()))
        return None

    async def _sent_since(
        self, message: Outgoing, day_start: dt.datetime, week_start: dt.datetime
    ) -> tuple[int, int]:
        """How many messages the recipient got since ``day_start`` and since ``week_start``."""
        params = {
            "role": message.recipient_role,
            "person": message.recipient_id,
            "day_start": day_start,
            "first": min(day_start, week_start),
        }
        async with self._engine.connect() as conn:
            row = (await conn.execute(_SENT_SINCE, params)).one()
        return int(row[0]), int(row[1])


def _sent_since() -> sa.Select[int, int]:
    sent_at = OUTREACH.c.sent_at
    return sa.select(
        sa.func.count().filter(sent_at >= sa.bindparam("day_start", type_=sent_at.type)),
        sa.func.count(),
    ).where(
        OUTREACH.c.recipient_role == sa.bindparam("role"),
        OUTREACH.c.recipient_id == sa.bindparam("person"),
        OUTREACH.c.status == Status.SENT.value,
        sent_at >= sa.bindparam("first", type_=sent_at.type),
        ~OUTREACH.c.kind.in_(sorted(UNCAPPED)),
    )


_SENT_SINCE = _sent_since()
"""Built once (the gate runs it for every capped message); parameters ``role``, ``person``,
``day_start`` and ``first`` (the earlier of the day's and the week's start)."""
