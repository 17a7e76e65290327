"""The Flemish school calendar: which days are school days, and why the others are not.

The holidays come from the ``holidays`` package (Flemish Community, category ``school``), which
also holds the legal holidays that fall in school time: 11 November, 1 May, Ascension Day and
the Friday after, Whit Monday, and Easter Monday (always inside, or right after, the Easter
holiday, so it is reported as part of it). ``tests/scheduler`` checks it day by day against the
rules in docs/domain.md. On top come the school's own free days, from the configuration and an
iCal file.

A planner asks :meth:`SchoolCalendar.is_school_day` millions of times, so each school year is
worked out once, on first use, into a frozenset of its school days.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

import holidays

from bot.domain import HalfDay
from scheduler.ical import FREE_DAY_NAME, CalendarFileError, read_free_days

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "FREE_DAY_NAME",
    "WEEKEND",
    "CalendarFileError",
    "ClosedPeriod",
    "SchoolCalendar",
    "SchoolYear",
    "first_year_of",
]

WEEKEND = "Weekend"
ONE_DAY = timedelta(days=1)
# The package has Flemish school holidays from 2010 on and stops computing after 2100; outside
# those years every weekday would silently look like a school day, so we refuse instead.
FIRST_SUPPORTED_YEAR = 2010
LAST_SUPPORTED_YEAR = 2099
# A school is never closed this long (the summer holiday is 62 days); a search that goes further
# has met a calendar that is closed for good.
_MAX_SEARCH_DAYS = 366
_LABEL = re.compile(r"(\d{4})\s*-\s*(\d{4})")
_WEDNESDAY = 2
_FULL_DAY = (HalfDay.AM, HalfDay.PM)
_MORNING_ONLY = (HalfDay.AM,)


@dataclass(frozen=True, order=True)
class SchoolYear:
    """A Flemish school year, named after the two calendar years it spans (``2026-2027``).

    Lessons run from 1 September (a weekend: the Monday after) to 30 June (a weekend: the Friday
    before). Administratively the year runs from 1 September to 31 August, so the summer
    holiday belongs to the year that has just ended.
    """

    first_year: int

    def __post_init__(self) -> None:
        if not 1 <= self.first_year < 9999:
            raise ValueError(f"school year starting in {self.first_year}: not a valid year")

    @classmethod
    def parse(cls, text: str) -> SchoolYear:
        """Read ``"2026-2027"``; raise ValueError saying what is wrong and what is expected."""
        match = _LABEL.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"school year {text!r}: expected two years like 2026-2027")
        first, second = int(match[1]), int(match[2])
        if second != first + 1:
            raise ValueError(
                f"school year {text!r}: the second year must follow the first, "
                f"e.g. {first}-{first + 1}"
            )
        return cls(first)

    @classmethod
    def containing(cls, day: date) -> SchoolYear:
        """The school year ``day`` belongs to (1 September to 31 August)."""
        return cls(first_year_of(day))

    @classmethod
    def current_or_coming(cls, day: date) -> SchoolYear:
        """The school year in progress on ``day``; after its last day, the one to come."""
        year = cls.containing(day)
        return year.following() if day > year.end else year

    def following(self) -> SchoolYear:
        return SchoolYear(self.first_year + 1)

    @property
    def label(self) -> str:
        return f"{self.first_year}-{self.first_year + 1}"

    @property
    def start(self) -> date:
        """The first day of lessons."""
        day = date(self.first_year, 9, 1)
        return day + (7 - day.weekday()) * ONE_DAY if day.weekday() >= 5 else day

    @property
    def end(self) -> date:
        """The last day of lessons."""
        day = date(self.first_year + 1, 6, 30)
        return day - (day.weekday() - 4) * ONE_DAY if day.weekday() >= 5 else day

    @property
    def span_start(self) -> date:
        """1 September: the first day of the administrative year."""
        return date(self.first_year, 9, 1)

    @property
    def span_end(self) -> date:
        """31 August: the last day of the administrative year, summer holiday included."""
        return date(self.first_year + 1, 8, 31)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True)
class ClosedPeriod:
    """Consecutive days on which the school is closed for the same reason (``end`` included)."""

    name: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class _YearDays:
    """One school year worked out: its closed days with their names, and its school days."""

    closed: Mapping[date, str]
    school_days: frozenset[date]


class SchoolCalendar:
    """School days, half-days and holidays of a Flemish school.

    ``free_days`` are the school's own free days, each with the name to show for it. Dates
    outside the school years 2010-2011 to 2099-2100 raise ValueError.
    """

    def __init__(
        self,
        free_days: Mapping[date, str] | None = None,
        *,
        wednesday_afternoon_free: bool = True,
    ) -> None:
        self._free_days: dict[date, str] = dict(free_days or {})
        self._wednesday_afternoon_free = wednesday_afternoon_free
        self._years: dict[int, _YearDays] = {}
        # The planner asks for the same neighbours over and over: remembered, as the calendar
        # never changes once made.
        self._next: dict[date, date] = {}
        self._previous: dict[date, date] = {}

    @classmethod
    def from_settings(cls, settings: Settings) -> SchoolCalendar:
        """The calendar of the configured school; raises CalendarFileError for a bad iCal file."""
        free_days = dict.fromkeys(settings.free_days, FREE_DAY_NAME)
        if settings.calendar_ical is not None:  # its SUMMARY names a day better than we can
            free_days.update(read_free_days(settings.calendar_ical, settings.timezone))
        return cls(free_days, wednesday_afternoon_free=settings.wednesday_afternoon_free)

    def is_school_day(self, day: date) -> bool:
        """Whether pupils have lessons on ``day``: a weekday in the school year, not closed."""
        return day in self._year_days(day).school_days

    def half_days(self, day: date) -> tuple[HalfDay, ...]:
        """The half-days with lessons: both, only the morning on a free Wednesday, or none."""
        if not self.is_school_day(day):
            return ()
        if day.weekday() == _WEDNESDAY and self._wednesday_afternoon_free:
            return _MORNING_ONLY
        return _FULL_DAY

    def school_days(self, start: date, end: date) -> Iterator[date]:
        """The school days from ``start`` to ``end``, both included, in order."""
        for day in _each_day(start, end):
            if self.is_school_day(day):
                yield day

    def next_school_day(self, day: date) -> date:
        """The first school day after ``day``."""
        found = self._next.get(day)
        if found is None:
            found = self._next[day] = self._search(day, ONE_DAY)
        return found

    def school_day_after(self, day: date, count: int) -> date:
        """The ``count``-th school day after ``day`` (``day`` itself for 0)."""
        for _ in range(count):
            day = self.next_school_day(day)
        return day

    def previous_school_day(self, day: date) -> date:
        """The last school day before ``day``."""
        found = self._previous.get(day)
        if found is None:
            found = self._previous[day] = self._search(day, -ONE_DAY)
        return found

    def school_year_of(self, day: date) -> SchoolYear:
        """The school year ``day`` belongs to (the summer holiday ends a school year)."""
        return SchoolYear.containing(day)

    def holidays_in(self, year: SchoolYear) -> tuple[ClosedPeriod, ...]:
        """Holidays and free days from 1 September to 31 August, consecutive days merged."""
        periods: list[ClosedPeriod] = []
        closed = self._year_days(year.span_start).closed
        for day in sorted(closed):
            name = closed[day]
            if periods and periods[-1].name == name and periods[-1].end + ONE_DAY == day:
                periods[-1] = replace(periods[-1], end=day)
            else:
                periods.append(ClosedPeriod(name, day, day))
        return tuple(periods)

    def reason_closed(self, day: date) -> str | None:
        """Why there are no lessons on ``day`` (a holiday's name, a free day, the weekend)."""
        year_days = self._year_days(day)
        if day in year_days.school_days:
            return None
        if name := year_days.closed.get(day):
            return name
        # By the rules every weekday between 1 September and 31 August is either in the
        # lesson period or in the summer holiday, so only weekends are left.
        return WEEKEND

    def _search(self, start: date, step: timedelta) -> date:
        day = start
        for _ in range(_MAX_SEARCH_DAYS):
            day += step
            if self.is_school_day(day):
                return day
        raise LookupError(f"no school day within {_MAX_SEARCH_DAYS} days of {start}")

    def _year_days(self, day: date) -> _YearDays:
        # SchoolYear.containing, without building a value on this hot path.
        first_year = first_year_of(day)
        year_days = self._years.get(first_year)
        if year_days is None:
            year_days = self._years[first_year] = self._work_out(SchoolYear(first_year))
        return year_days

    def _work_out(self, year: SchoolYear) -> _YearDays:
        if not FIRST_SUPPORTED_YEAR <= year.first_year <= LAST_SUPPORTED_YEAR:
            raise ValueError(
                f"school year {year}: the calendar knows the school years "
                f"{SchoolYear(FIRST_SUPPORTED_YEAR)} to {SchoolYear(LAST_SUPPORTED_YEAR)}"
            )
        closed = _flemish_holidays(year)
        for day, name in self._free_days.items():
            if year.span_start <= day <= year.span_end:
                closed.setdefault(day, name)  # a holiday keeps its own name
        school_days = frozenset(
            day
            for day in _each_day(year.start, year.end)
            if day.weekday() < 5 and day not in closed
        )
        return _YearDays(closed=closed, school_days=school_days)


def _flemish_holidays(year: SchoolYear) -> dict[date, str]:
    """The Flemish school holidays from 1 September to 31 August, with their Dutch names."""
    # language= is explicit: without it the package picks the names' language from the
    # machine's locale, and our names must not change with the server.
    source = holidays.country_holidays(
        "BE",
        subdiv="Flemish",
        categories=("school",),
        years=(year.first_year, year.first_year + 1),
        language="nl",
    )
    return {day: name for day, name in source.items() if year.span_start <= day <= year.span_end}


def _each_day(start: date, end: date) -> Iterator[date]:
    for offset in range((end - start).days + 1):
        yield start + offset * ONE_DAY


def first_year_of(day: date) -> int:
    """The calendar year in which the school year holding ``day`` starts (it runs from
    1 September to 31 August)."""
    return day.year if day.month >= 9 else day.year - 1
