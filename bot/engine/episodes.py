"""One pupil's absence episodes and school-year counts, computed from plain values.

The rules
---------
A *lesson half-day* is one that :meth:`SchoolCalendar.half_days` lists: the morning and the
afternoon of a school day, only the morning on a free Wednesday afternoon.

A lesson half-day without a mark is *known present* when its date has an imported feed
(``feed_days``) and it lies before the *horizon*; every other unmarked half-day is *unknown*
(no feed that day, or registrations not in yet). Unknown half-days neither end nor extend an
episode, and are not counted in it.

An *episode* is a longest run of marked half-days, in time order, with no known-present lesson
half-day between two consecutive marks. So:

- weekends, holidays, free days and a free Wednesday afternoon never break an episode (no
  lessons), and neither does a school day without a feed (unknown);
- the first known-present half-day ends it and is its ``returned``: absent in the morning and
  present in the afternoon ends the episode at that afternoon.

Every mark is a fact and counts, even one on a half-day the calendar says has no lessons (a
school with lessons on Wednesday afternoon that its configuration does not know of): the
calendar only decides where an *unmarked* half-day could have shown the pupil present.

The horizon
-----------
The feed for a date is imported while that day goes on: at 10:30 it holds the morning's marks,
not yet the afternoon's. The planner therefore passes ``horizon``, the first half-day whose
attendance is not known yet: today's morning before the morning feed has settled, today's
afternoon once it has, the next school day's morning once the day is complete. Without it the
horizon is the morning after the last feed day: every feed is taken as complete.

Speed
-----
The planner runs this for every pupil on every tick. All pupils of a school share the
calendar, the feed days and the horizon, so these are worked out once into a timeline (kept for
the few latest combinations): for every half-day, the next one on which the pupil would have been
seen. Whether a pupil was seen between two marks is then one list lookup; the marks are sorted
once, and no calendar is walked per pupil.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from enum import StrEnum
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

from bot.domain import CANONICAL_CODES, UNKNOWN_CODE, CodeClass, HalfDay, code_class
from scheduler.calendar import SchoolCalendar, SchoolYear, first_year_of

__all__ = [
    "Counts",
    "Episode",
    "EpisodeClass",
    "Mark",
    "Slot",
    "episodes",
    "year_counts",
]

AM, PM = HalfDay.AM, HalfDay.PM
_ONE_DAY = dt.timedelta(days=1)
# A local copy of the code table: the planner classifies millions of marks per tick.
_CLASS_OF: dict[str, CodeClass] = {
    code: code_class(code) for code in (*CANONICAL_CODES, UNKNOWN_CODE)
}
# year_counts keeps a list of counters: a code's position in it, or -1 for problematic codes.
_TALLIED = (CodeClass.JUSTIFIED, CodeClass.UNKNOWN, CodeClass.NOT_COMPULSORY)
_TALLY_POSITION = {
    code: _TALLIED.index(kind) if kind in _TALLIED else -1 for code, kind in _CLASS_OF.items()
}
_UNEXPLAINED = frozenset({CodeClass.PROBLEMATIC, CodeClass.UNKNOWN})
_BY_SLOT = itemgetter(0, 1)
_DATE = itemgetter(0)
_CODE = itemgetter(2)


class Slot(NamedTuple):
    """One half-day of one date; slots sort in time order, the morning first."""

    date: dt.date
    half_day: HalfDay

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.half_day}"


class Mark(NamedTuple):
    """An active absence mark of the pupil (retracted marks are left out by the caller)."""

    date: dt.date
    half_day: HalfDay
    code: str
    expected_return: dt.date | None = None

    @property
    def slot(self) -> Slot:
        return Slot(self.date, self.half_day)


class EpisodeClass(StrEnum):
    """What an episode's codes say, taken together."""

    JUSTIFIED = "justified"
    """No problematic or unknown half-day, at least one justified one."""
    PROBLEMATIC = "problematic"
    """At least one problematic (B) half-day, none unknown."""
    UNKNOWN = "unknown"
    """At least one half-day whose code is not known yet, none problematic."""
    MIXED = "mixed"
    """Both problematic and unknown half-days."""
    NOT_COMPULSORY = "not_compulsory"
    """Only absences below the compulsory age (A)."""


# Episode and Counts are NamedTuples rather than frozen dataclasses: a tick builds hundreds of
# thousands of them, and a frozen dataclass takes about three times as long to construct. For the
# same reason an episode keeps its marks and works the rest out when asked: the planner looks
# closely at the latest episode of a pupil, hardly ever at the older ones.
class Episode(NamedTuple):
    """A run of absent half-days (see the module docstring for where one starts and ends)."""

    marks: tuple[Mark, ...]
    """The episode's marks in time order, one per half-day."""
    returned: Slot | None
    """The known-present half-day that ended the episode; None while nothing has."""

    @property
    def first(self) -> Slot:
        return self.marks[0].slot

    @property
    def last(self) -> Slot:
        return self.marks[-1].slot

    @property
    def start(self) -> dt.date:
        return self.marks[0].date

    @property
    def end(self) -> dt.date:
        return self.marks[-1].date

    @property
    def half_days(self) -> int:
        """How many half-days are marked absent."""
        return len(self.marks)

    @property
    def dates(self) -> tuple[dt.date, ...]:
        """The dates with at least one absent half-day, in order."""
        return tuple(dict.fromkeys(map(_DATE, self.marks)))

    @property
    def school_days(self) -> int:
        """Days with at least one absent half-day (unknown days in between do not count)."""
        return len(self.dates)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(map(_CODE, self.marks))

    @property
    def expected_return(self) -> dt.date | None:
        """The expected return of the latest mark that gave one: the newest estimate wins."""
        for mark in reversed(self.marks):
            if mark.expected_return is not None:
                return mark.expected_return
        return None

    @property
    def key(self) -> str:
        """``2026-10-19-am``: the start, which corrections later in the episode leave alone."""
        first = self.marks[0]
        return f"{first.date.isoformat()}-{first.half_day}"

    @property
    def classes(self) -> frozenset[CodeClass]:
        return frozenset(_class_of(code) for code in self.codes)

    @property
    def episode_class(self) -> EpisodeClass:
        classes = self.classes
        if CodeClass.PROBLEMATIC in classes:
            return EpisodeClass.MIXED if CodeClass.UNKNOWN in classes else EpisodeClass.PROBLEMATIC
        if CodeClass.UNKNOWN in classes:
            return EpisodeClass.UNKNOWN
        if CodeClass.JUSTIFIED in classes:
            return EpisodeClass.JUSTIFIED
        return EpisodeClass.NOT_COMPULSORY

    @property
    def is_unexplained(self) -> bool:
        """Whether a half-day is problematic or not known yet: guardians may be asked why."""
        return not _UNEXPLAINED.isdisjoint(self.classes)

    def ongoing(self, today: dt.date) -> bool:
        """Whether no presence after the episode has been confirmed on or before ``today``."""
        # Comparing with today keeps a replay over a finished feed history honest.
        return self.returned is None or self.returned.date > today


class Counts(NamedTuple):
    """Half-days marked absent in one school year, per class of code."""

    school_year: SchoolYear
    justified: int
    unknown: int
    not_compulsory: int
    problematic_slots: tuple[Slot, ...]
    """The problematic half-days in time order: the CLB threshold needs the n-th one's date."""

    @property
    def problematic(self) -> int:
        return len(self.problematic_slots)

    @property
    def total(self) -> int:
        """Every missed half-day, whatever its code: the count guardians are told."""
        return self.problematic + self.unknown + self.justified + self.not_compulsory


def episodes(
    marks: Iterable[Mark],
    calendar: SchoolCalendar,
    feed_days: frozenset[dt.date],
    *,
    horizon: Slot | None = None,
) -> list[Episode]:
    """The pupil's absence episodes in time order, from marks in any order.

    ``feed_days`` are the dates with an imported feed; ``horizon`` is the first half-day whose
    attendance is not known yet (default: the morning after the last feed day). A duplicate
    mark for a half-day counts once. The calendar must not change once used.
    """
    ordered = tuple(sorted(marks, key=_BY_SLOT))
    if not ordered:
        return []
    timeline = _timeline_for(calendar, feed_days, horizon, ordered[0].date, ordered[-1].date)
    origin, next_seen, slots = timeline.origin, timeline.next_seen, timeline.slots
    found: list[Episode] = []
    start = 0
    previous = _time(ordered[0], origin)
    for index in range(1, len(ordered)):
        time = _time(ordered[index], origin)
        if time == previous:  # the store never has two; should it happen, count one
            return episodes(_without_repeats(ordered), calendar, feed_days, horizon=horizon)
        seen = next_seen[previous + 1]
        if seen < time:  # seen between the two marks: a new episode starts here
            found.append(Episode(ordered[start:index], slots[seen]))
            start = index
        previous = time
    found.append(Episode(ordered[start:], slots[next_seen[previous + 1]]))
    return found


def year_counts(marks: Iterable[Mark], school_year: SchoolYear) -> Counts:
    """Half-days per class of code, over the school year from 1 September to 31 August.

    The marks are taken as the store keeps them, one per half-day, in any order.
    """
    first, last = school_year.span_start, school_year.span_end
    tally = [0] * len(_TALLIED)
    problematic: list[Slot] = []
    for mark in marks:
        if first <= mark.date <= last:
            position = _TALLY_POSITION.get(mark.code)
            if position is None:
                _class_of(mark.code)  # raises, naming the code
            elif position < 0:
                problematic.append(Slot(mark.date, mark.half_day))
            else:
                tally[position] += 1
    problematic.sort()
    justified, unknown, not_compulsory = tally
    return Counts(school_year, justified, unknown, not_compulsory, tuple(problematic))


class _Timeline(NamedTuple):
    """Half-days as times: ``2 * (day - first day covered) + (1 in the afternoon)``."""

    origin: int
    """Twice the ordinal of the first day covered, so that a time is one subtraction away."""
    next_seen: tuple[int, ...]
    """For every time, the first time from it on that is known present; the last entry (the
    number of times covered) stands for "none"."""
    slots: tuple[Slot | None, ...]
    """The half-day of every time, and None for "none"."""


class _FeedExtent(NamedTuple):
    first_year: int | None
    last_year: int | None
    horizon: Slot
    """The morning after the last feed day: the default horizon."""


def _timeline_for(
    calendar: SchoolCalendar,
    feed_days: frozenset[dt.date],
    horizon: Slot | None,
    first_day: dt.date,
    last_day: dt.date,
) -> _Timeline:
    """The timeline covering the marks and every feed day (so that a return is found)."""
    extent = _feed_extent(feed_days)
    first_year, last_year = first_year_of(first_day), first_year_of(last_day)
    if extent.first_year is not None and extent.last_year is not None:
        # Covering all feed years makes most pupils of a tick share one timeline.
        first_year = min(first_year, extent.first_year)
        last_year = max(last_year, extent.last_year)
    return _timeline(calendar, feed_days, horizon or extent.horizon, first_year, last_year)


@lru_cache(maxsize=8)
def _feed_extent(feed_days: frozenset[dt.date]) -> _FeedExtent:
    if not feed_days:
        return _FeedExtent(None, None, Slot(dt.date.min, AM))  # nothing is known
    first, last = min(feed_days), max(feed_days)
    return _FeedExtent(first_year_of(first), first_year_of(last), Slot(last + _ONE_DAY, AM))


@lru_cache(maxsize=16)
def _timeline(
    calendar: SchoolCalendar,
    feed_days: frozenset[dt.date],
    horizon: Slot,
    first_year: int,
    last_year: int,
) -> _Timeline:
    first, last = SchoolYear(first_year).span_start, SchoolYear(last_year).span_end
    size = ((last - first).days + 1) * 2
    seen = [False] * size
    for day in feed_days:
        if first <= day <= last:
            time = (day - first).days * 2
            for half in calendar.half_days(day):  # only lesson half-days can show a presence
                if Slot(day, half) < horizon:
                    seen[time + (half == PM)] = True
    next_seen = [size] * (size + 1)
    upcoming = size
    for time in range(size - 1, -1, -1):
        if seen[time]:
            upcoming = time
        next_seen[time] = upcoming
    return _Timeline(first.toordinal() * 2, tuple(next_seen), _slots(first, last))


@lru_cache(maxsize=4)
def _slots(first: dt.date, last: dt.date) -> tuple[Slot | None, ...]:
    """Every half-day from ``first`` to ``last``, then None: the same for every timeline of
    those years, while the feed days and the horizon make a new timeline several times a day."""
    slots: list[Slot | None] = [
        Slot(day, half) for day in _each_day(first, last) for half in (AM, PM)
    ]
    slots.append(None)
    return tuple(slots)


def _time(mark: Mark, origin: int) -> int:
    return mark.date.toordinal() * 2 - origin + (mark.half_day == PM)


def _without_repeats(ordered: tuple[Mark, ...]) -> list[Mark]:
    kept = [ordered[0]]
    for mark in ordered[1:]:
        if mark.date != kept[-1].date or mark.half_day != kept[-1].half_day:
            kept.append(mark)
    return kept


def _each_day(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    for offset in range((last - first).days + 1):
        yield first + offset * _ONE_DAY


def _class_of(code: str) -> CodeClass:
    try:
        return _CLASS_OF[code]
    except KeyError:
        raise ValueError(
            f"absence code {code!r}: not a canonical code (one of {', '.join(_CLASS_OF)})"
        ) from None
