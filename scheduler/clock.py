"""The one clock every part of Gemist asks for "now".

Live mode uses :class:`WallClock`; ``gemist simulate`` and the tests use :class:`VirtualClock`.
Both hand out timezone-aware datetimes in UTC (what we store) and know the school's timezone
(what we reason in: school days, quiet hours, feed times).
"""

from __future__ import annotations

import abc
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["BRUSSELS", "Clock", "VirtualClock", "WallClock"]

BRUSSELS = ZoneInfo("Europe/Brussels")


class Clock(abc.ABC):
    """A source of the current instant, plus the timezone the school lives in."""

    def __init__(self, tz: ZoneInfo = BRUSSELS) -> None:
        self.tz = tz

    @abc.abstractmethod
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""

    def local_now(self) -> datetime:
        """The current instant in the school's timezone."""
        return self.now().astimezone(self.tz)

    def today(self) -> date:
        """The school's local calendar date."""
        return self.local_now().date()

    def localize(self, day: date, hour: int, minute: int = 0) -> datetime:
        """The instant at which the school's wall clocks show ``hour:minute`` on ``day``.

        Around a DST change a wall time can be missing (02:30 in spring) or repeated (02:30 in
        autumn); ``zoneinfo`` resolves both with ``fold=0``, which is what a person means.
        """
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)


class WallClock(Clock):
    """The real time of the machine."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock(Clock):
    """A clock that only moves when told to: for simulation and tests."""

    def __init__(self, start: datetime, tz: ZoneInfo = BRUSSELS) -> None:
        super().__init__(tz)
        self._now = _require_aware(start).astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, instant: datetime) -> None:
        """Move to ``instant``; time never runs backwards."""
        instant = _require_aware(instant).astimezone(UTC)
        if instant < self._now:
            raise ValueError(f"virtual clock cannot go back from {self._now} to {instant}")
        self._now = instant

    def advance(self, delta: timedelta) -> None:
        """Move forward by ``delta``."""
        self.set(self._now + delta)


def _require_aware(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant!r}: give a timezone")
    return instant
