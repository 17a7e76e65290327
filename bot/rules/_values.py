"""The value types of the rules file: times of day, durations, dates, ids, counts, percentages.

YAML has already turned the text into Python values; each type here accepts only what a
coordinator means and explains anything else in one line they can act on. The explanation
travels as a ``PydanticCustomError`` of type ``rules`` whose context holds ``problems``: pairs
of (extra key path below the error's location, message), so one check can report several
problems at precise keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

__all__ = [
    "PROBLEM",
    "WEEKDAY_NAMES",
    "WHOLE",
    "Day",
    "ExpiryPeriod",
    "GracePeriod",
    "Key",
    "Percent",
    "PersonId",
    "Positive",
    "Reason",
    "RepeatCount",
    "TimeOfDay",
    "WeekCount",
    "Weekdays",
    "format_duration",
    "problem",
    "problems",
    "show",
]

PROBLEM = "rules"
"""The pydantic error type of every problem the rules explain themselves."""

Key = tuple[str | int, ...]


def problems(found: Iterable[tuple[Key, str]]) -> PydanticCustomError:
    """One error carrying several problems, each at a key path below the current location."""
    listed = tuple(found)
    text = "; ".join(message for _, message in listed)
    return PydanticCustomError(PROBLEM, "{text}", {"text": text, "problems": listed})


def problem(message: str, key: Key = ()) -> PydanticCustomError:
    """One problem at the current location (plus ``key`` below it)."""
    return problems([(key, message)])


def show(value: object) -> str:
    """A value as the coordinator wrote it, for an error message."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, float):
        return f"{value:g}"  # 25.0 was written 25
    return str(value)


# --- times of day -------------------------------------------------------------------------

_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


def _time_of_day(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str) and (match := _TIME.fullmatch(value.strip())):
        return time(int(match[1]), int(match[2]))
    raise problem(f"{show(value)} is not a time of day (use HH:MM, e.g. 10:30)")


TimeOfDay = Annotated[time, BeforeValidator(_time_of_day)]
"""``"HH:MM"`` on a 24-hour clock."""


# --- durations ----------------------------------------------------------------------------

_DURATION = re.compile(r"(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?")


def _duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, str):
        match = _DURATION.fullmatch(value.strip().lower())
        if match and (match[1] or match[2]):
            return timedelta(hours=int(match[1] or 0), minutes=int(match[2] or 0))
    # A bare number is refused on purpose: 2 could mean hours, minutes or days.
    raise problem(f"{show(value)} is not a duration (use e.g. 2h or 90m)")


def format_duration(length: timedelta) -> str:
    """``2h``, ``90m`` → ``1h30m``: the way the rules file writes a duration."""
    minutes = int(length.total_seconds()) // 60
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}m"
    return f"{hours}h{rest}m" if rest else f"{hours}h"


def _duration_between(least: timedelta, most: timedelta) -> Callable[[timedelta], timedelta]:
    def check(length: timedelta) -> timedelta:
        if not least <= length <= most:
            raise problem(
                f"{format_duration(length)} is out of range "
                f"(from {format_duration(least)} to {format_duration(most)})"
            )
        return length

    return check


GracePeriod = Annotated[
    timedelta,
    BeforeValidator(_duration),
    # Under 15 minutes the pupil has no real chance to answer before the guardians hear of it;
    # a school that wants guardians told at once turns the pupil check-in off for that code.
    AfterValidator(_duration_between(timedelta(minutes=15), timedelta(hours=24))),
]
ExpiryPeriod = Annotated[
    timedelta,
    BeforeValidator(_duration),
    # Expiry exists so that a message is never sent days late after an outage.
    AfterValidator(_duration_between(timedelta(hours=1), timedelta(hours=48))),
]


# --- numbers ------------------------------------------------------------------------------


def _whole_number(value: object) -> int:
    # bool is an int in Python; `yes` must not count as 1.
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise problem(f"{show(value)} is not a whole number")


def _percentage(value: object) -> float:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1])
        except ValueError:
            pass
    elif isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise problem(f"{show(value)} is not a percentage (write e.g. 25)")


WHOLE = BeforeValidator(_whole_number)
"""Only a whole number: not ``yes``, not ``"3"``, not ``2.5``."""
Positive = Annotated[int, WHOLE, Field(ge=1)]
"""A count or a number of school days, at least 1."""
RepeatCount = Annotated[int, WHOLE, Field(ge=0, le=20)]
"""How many more times a step may repeat (0 = never)."""
WeekCount = Annotated[int, WHOLE, Field(ge=1, le=52)]
Percent = Annotated[float, BeforeValidator(_percentage), Field(gt=0, le=100)]


# --- dates, ids, free text ----------------------------------------------------------------


def _day(value: object) -> date:
    # A datetime is a date in Python; a pause is about whole days.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise problem(f"{show(value)} is not a date (use YYYY-MM-DD)")


Day = Annotated[date, BeforeValidator(_day)]


def _person_id(value: object) -> str:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        # YAML reads 0042 as the number 42: the id the school uses would be lost.
        raise problem(f'{show(value)} is read as a number; put ids in quotes, e.g. "0042"')
    raise problem(f"{show(value)} is not an id (e.g. P0042)")


PersonId = Annotated[str, BeforeValidator(_person_id)]
"""A pupil or guardian id from the roster, as an opaque string."""
Reason = Annotated[str, Field(min_length=1, max_length=200)]
"""A short note for colleagues; the file is not the place for a case file."""


# --- weekdays -----------------------------------------------------------------------------

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday")
_SPELLINGS = {
    name: number for names in (WEEKDAY_NAMES, _FULL_NAMES) for number, name in enumerate(names)
}
_WEEKEND = {"sat", "saturday", "sun", "sunday"}


def _weekday_numbers(value: object) -> tuple[int, ...]:
    if isinstance(value, str):  # `weekdays: mon` is a list of one
        value = [value]
    if not isinstance(value, list | tuple):
        raise problem(f"expected a list of weekdays (e.g. [mon, tue, thu, fri]), got {show(value)}")
    numbers: set[int] = set()
    found: list[tuple[Key, str]] = []
    for index, item in enumerate(value):
        spelling = item.strip().lower() if isinstance(item, str) else None
        if spelling in _SPELLINGS:
            numbers.add(_SPELLINGS[spelling])
        elif spelling in _WEEKEND:
            found.append(((index,), f"{show(item)}: messages never go out at the weekend"))
        else:
            found.append(((index,), f"{show(item)} is not a weekday (use mon, tue, wed, thu, fri)"))
    if found:
        raise problems(found)
    if not numbers:
        raise problem("name at least one weekday")
    return tuple(sorted(numbers))


Weekdays = Annotated[tuple[int, ...], BeforeValidator(_weekday_numbers)]
"""Weekdays as ``date.weekday()`` numbers (Monday 0), sorted, each once."""
