"""Signals worth a nudge to the care coordinator (docs/domain.md, principle 8 and the thresholds).

Each function answers one question about one pupil and returns a :class:`Signal` or None. A
signal names the dates that triggered it and ``reached_on``, the date on which the count first
reached its threshold for those dates: the planner nudges once, keyed on the kind and that
date. In the windowed patterns the window slides: once the oldest dates leave it, a pattern that
goes on is reached again on a later date, which may earn a new nudge (acknowledging and snoozing
are the planner's business). Thresholds are keyword parameters; the defaults reproduce
docs/domain.md and the rules file passes its own values.

Counting rules shared by the pattern signals:

- windows of ``weeks`` end on ``today`` inclusive and are ``7 * weeks`` days long, so the same
  weekday occurs exactly ``weeks`` times in one;
- an episode still going counts by its length so far, so a signal can fire on the very day of the
  absence that completes it;
- codes do not matter: a pattern of justified absences is still a pattern (principle 8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.engine.episodes import Counts, Episode
from scheduler.calendar import SchoolCalendar, SchoolYear

__all__ = [
    "Signal",
    "SignalKind",
    "after_holiday",
    "clb_threshold",
    "first_days_back",
    "frequent_short",
    "long_absence",
    "weekday_pattern",
]

_WEEK = dt.timedelta(days=7)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class SignalKind(StrEnum):
    CLB_THRESHOLD = "clb_threshold"
    LONG_ABSENCE = "long_absence"
    WEEKDAY_PATTERN = "weekday_pattern"
    AFTER_HOLIDAY = "after_holiday"
    FREQUENT_SHORT = "frequent_short"


@dataclass(frozen=True, slots=True)
class Signal:
    """A reason to nudge the coordinator, with the dates behind it."""

    kind: SignalKind
    reached_on: dt.date
    dates: tuple[dt.date, ...]
    """Every date that triggered the signal, in order."""
    reason: str
    """For people: what was seen, in plain English (translated once messages land)."""


def clb_threshold(counts: Counts, *, threshold: int = 5) -> Signal | None:
    """From the ``threshold``-th problematic half-day of the school year the CLB is involved."""
    if threshold < 1:
        raise _not_positive(threshold=threshold)
    slots = counts.problematic_slots
    if len(slots) < threshold:
        return None
    reached = slots[threshold - 1]
    return Signal(
        kind=SignalKind.CLB_THRESHOLD,
        reached_on=reached.date,
        dates=_distinct(slot.date for slot in slots[:threshold]),
        reason=(
            f"{len(slots)} problematic half-days in school year {counts.school_year}; "
            f"the threshold of {threshold} was reached on {reached}: involve the CLB"
        ),
    )


def long_absence(episode: Episode, *, days: int = 5) -> Signal | None:
    """An episode of at least ``days`` school days with an absence."""
    if days < 1:
        raise _not_positive(days=days)
    every_date = episode.dates
    if len(every_date) < days:
        return None
    dates = every_date[:days]
    return Signal(
        kind=SignalKind.LONG_ABSENCE,
        reached_on=dates[-1],
        dates=dates,
        reason=(
            f"absent {_school_days(len(every_date))} since {episode.start}; "
            f"{_school_days(days)} were reached on {dates[-1]}"
        ),
    )


def weekday_pattern(
    episodes: Sequence[Episode],
    today: dt.date,
    *,
    times: int = 3,
    weeks: int = 6,
    max_days: int = 4,
) -> Signal | None:
    """Absent on the same weekday on at least ``times`` dates in the last ``weeks`` weeks.

    Only episodes of at most ``max_days`` school days count: a three-week illness covers every
    weekday three times, and is the long-absence signal's business, not a pattern. Several
    weekdays can fire together; ``reached_on`` is the earliest date on which one of them did.
    """
    if min(times, weeks, max_days) < 1:
        raise _not_positive(times=times, weeks=weeks, max_days=max_days)
    since = today - weeks * _WEEK
    by_weekday: dict[int, list[dt.date]] = {}
    for episode in _recent(episodes, since):
        dates = episode.dates
        if len(dates) <= max_days:
            for day in dates:
                if since < day <= today:
                    by_weekday.setdefault(day.weekday(), []).append(day)
    fired = [sorted(by_weekday[weekday]) for weekday in sorted(by_weekday)]
    fired = [days for days in fired if len(days) >= times]
    if not fired:
        return None
    return Signal(
        kind=SignalKind.WEEKDAY_PATTERN,
        reached_on=min(days[times - 1] for days in fired),
        dates=tuple(sorted(day for days in fired for day in days)),
        reason="; ".join(
            f"absent on {len(days)} {_WEEKDAYS[days[0].weekday()]}s in the last {weeks} weeks "
            f"({_list(days)})"
            for days in fired
        ),
    )


def first_days_back(
    calendar: SchoolCalendar, school_year: SchoolYear, *, min_closed_days: int = 3
) -> frozenset[dt.date]:
    """The school days that follow at least ``min_closed_days`` days without lessons.

    With the default 3, a long weekend counts and an ordinary weekend does not. The first day
    of the school year always counts: it follows the summer holiday. Work this out once per
    tick and pass it to :func:`after_holiday` for every pupil.
    """
    if min_closed_days < 1:
        raise _not_positive(min_closed_days=min_closed_days)
    first_days: list[dt.date] = []
    previous: dt.date | None = None
    for day in calendar.school_days(school_year.start, school_year.end):
        if previous is None or (day - previous).days - 1 >= min_closed_days:
            first_days.append(day)
        previous = day
    return frozenset(first_days)


def after_holiday(
    episodes: Iterable[Episode], first_days: frozenset[dt.date], *, times: int = 2
) -> Signal | None:
    """Absent on the first school day after a holiday or long weekend ``times`` times or more.

    ``first_days`` comes from :func:`first_days_back` for one school year, so only that year's
    returns count. An absence counts whether it began on that day or before the holiday (a
    holiday stretched at both ends is the same trouble returning). Once can be chance (a flu
    caught in the holiday), hence the default of two.
    """
    if times < 1:
        raise _not_positive(times=times)
    dates = sorted({mark.date for episode in episodes for mark in episode.marks} & first_days)
    if len(dates) < times:
        return None
    return Signal(
        kind=SignalKind.AFTER_HOLIDAY,
        reached_on=dates[times - 1],
        dates=tuple(dates),
        reason=(
            f"absent on the first school day after a holiday or long weekend "
            f"{len(dates)} times this school year ({_list(dates)})"
        ),
    )


def frequent_short(
    episodes: Sequence[Episode],
    today: dt.date,
    *,
    count: int = 4,
    max_days: int = 1,
    weeks: int = 8,
) -> Signal | None:
    """At least ``count`` episodes of at most ``max_days`` school days began in ``weeks`` weeks."""
    if min(count, max_days, weeks) < 1:
        raise _not_positive(count=count, max_days=max_days, weeks=weeks)
    since = today - weeks * _WEEK
    starts = sorted(
        episode.start
        for episode in _recent(episodes, since)
        if episode.school_days <= max_days and since < episode.start <= today
    )
    if len(starts) < count:
        return None
    return Signal(
        kind=SignalKind.FREQUENT_SHORT,
        reached_on=starts[count - 1],
        dates=tuple(starts),
        reason=(
            f"{len(starts)} short absences (at most {_school_days(max_days)} each) "
            f"in the last {weeks} weeks, starting {_list(starts)}"
        ),
    )


def _recent(episodes: Sequence[Episode], since: dt.date) -> Iterator[Episode]:
    """The episodes that end after ``since``, newest first, without looking at older ones."""
    for episode in reversed(episodes):
        if episode.end <= since:
            return  # episodes are in time order and do not overlap: the rest ended earlier
        yield episode


def _distinct(dates: Iterable[dt.date]) -> tuple[dt.date, ...]:
    return tuple(dict.fromkeys(dates))


def _list(dates: Iterable[dt.date]) -> str:
    return ", ".join(day.isoformat() for day in dates)


def _school_days(count: int) -> str:
    return "1 school day" if count == 1 else f"{count} school days"


def _not_positive(**thresholds: int) -> ValueError:
    wrong = ", ".join(f"{name} = {value}" for name, value in thresholds.items() if value < 1)
    return ValueError(f"{wrong}: must be at least 1")
