"""When a planned message may go out: the delivery window of the rules file (issue 3, Safety).

Times are reasoned in the school's wall-clock time and handed out as UTC instants (what the
outbox stores), so a shift over a DST change lands on the right hour.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.rules import Delivery
from scheduler.calendar import SchoolCalendar

__all__ = ["Window"]

_MAX_SCHOOL_DAYS = 200  # a school year has about 180


@dataclass(frozen=True, slots=True)
class Window:
    """The allowed moments: ``delivery``'s hours, on school days on its weekdays."""

    delivery: Delivery
    calendar: SchoolCalendar
    tz: dt.tzinfo

    def local(self, day: dt.date, moment: dt.time) -> dt.datetime:
        """The UTC instant at which the school's wall clocks show ``moment`` on ``day``.

        The same resolution as :meth:`scheduler.clock.Clock.localize`: a missing or repeated
        wall time takes ``fold=0``.
        """
        return dt.datetime.combine(day, moment, tzinfo=self.tz).astimezone(dt.UTC)

    def allows_day(self, day: dt.date) -> bool:
        return self.calendar.is_school_day(day) and self.delivery.allows_weekday(day)

    def next_allowed(self, instant: dt.datetime) -> dt.datetime:
        """``instant`` if a message may go out then, else the first moment after it that may:
        ``not_before`` on the same day when it is too early, otherwise ``not_before`` on the
        next allowed school day. Returned in UTC."""
        local = instant.astimezone(self.tz)
        day, moment = local.date(), local.time().replace(tzinfo=None)
        if self.allows_day(day):
            if self.delivery.allows(moment):
                return instant.astimezone(dt.UTC)
            if moment < self.delivery.not_before:
                return self.local(day, self.delivery.not_before)
        start = day
        for _ in range(_MAX_SCHOOL_DAYS):
            day = self.calendar.next_school_day(day)
            if self.delivery.allows_weekday(day):
                return self.local(day, self.delivery.not_before)
        raise LookupError(f"no school day on an allowed weekday within a year after {start}")

    def next_within(self, instant: dt.datetime, start: dt.time, end: dt.time) -> dt.datetime:
        """The first allowed moment from ``instant`` on that also falls in ``[start, end)`` of
        its day (a guardian's chosen part of the day). The sending hours bound the span; when
        nothing of it is left inside them, the plain :meth:`next_allowed`."""
        start, end = max(start, self.delivery.not_before), min(end, self.delivery.not_after)
        found = self.next_allowed(instant)
        if start >= end:
            return found
        local = found.astimezone(self.tz)
        moment = local.time().replace(tzinfo=None)
        if moment < start:
            return self.local(local.date(), start)
        if moment < end:
            return found
        tomorrow = self.next_allowed(self.local(local.date(), self.delivery.not_after))
        return self.local(tomorrow.astimezone(self.tz).date(), start)

    def expiry(self, due_at: dt.datetime) -> dt.datetime:
        """When a message due at ``due_at`` and not sent yet is too stale to send."""
        return due_at + self.delivery.expire_after
