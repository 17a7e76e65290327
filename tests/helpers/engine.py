"""Shorthand for engine tests: dates, half-days and marks on the real 2026-2027 calendar.

A date without a year is in 2026 (``"10-19"`` is Monday 19 October 2026). The period the
tables use, on the real calendar:

    October 2026          November 2026
    Mo Tu We Th Fr        Mo Tu We Th Fr
    19 20 21 22 23        (2-6 autumn holiday)
    26 27 28 29 30         9 10 11 12 13      11 Nov: Armistice Day
    (25 Oct, a Sunday: summer time ends)      Wednesday afternoons: no lessons
"""

from __future__ import annotations

from datetime import date

from bot.domain import HalfDay
from bot.engine.episodes import Mark, Slot
from scheduler.calendar import SchoolCalendar, SchoolYear

YEAR = SchoolYear(2026)
CALENDAR = SchoolCalendar()
FEED = frozenset(CALENDAR.school_days(YEAR.start, YEAR.end))
"""A feed for every school day of 2026-2027."""


def day(text: str) -> date:
    """``"10-19"`` (in 2026) or ``"2027-01-04"``."""
    return date.fromisoformat(text if len(text) == 10 else f"2026-{text}")


def days(spec: str) -> frozenset[date]:
    """``"10-19 10-20"``; an empty string for none."""
    return frozenset(day(text) for text in spec.split())


def slot(text: str) -> Slot:
    """``"10-19 pm"``."""
    when, half = text.split()
    return Slot(day(when), HalfDay(half))


def marks(spec: str) -> list[Mark]:
    """``"10-19 am B, 10-19 pm Z 10-23"``: date, half-day, code and an optional expected return."""
    result = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        when, half, code, *expected = item.split()
        result.append(Mark(day(when), HalfDay(half), code, day(expected[0]) if expected else None))
    return result


def whole_days(spec: str, code: str = "Z") -> list[Mark]:
    """Every lesson half-day of the given days, with one code: ``"10-19 10-20"``."""
    return [
        Mark(when, half, code) for when in sorted(days(spec)) for half in CALENDAR.half_days(when)
    ]
