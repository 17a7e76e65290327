"""``gemist calendar``: school days and holidays as the bot sees them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from bot.config import Settings
from bot.exits import Exit
from scheduler.calendar import ClosedPeriod, SchoolCalendar, SchoolYear
from scheduler.clock import WallClock

# Fixed English names, so the output does not depend on the machine's locale.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "calendar", help="school days and holidays as the bot sees them"
    )
    parser.add_argument(
        "--school-year",
        metavar="YYYY-YYYY",
        help="e.g. 2026-2027 (default: the current school year; in the summer, the coming one)",
    )
    parser.add_argument(
        "--months",
        action="store_true",
        help="also list the school days month by month (not with --json)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="JSON Lines on stdout: one object per day from the first to the last school day",
    )
    parser.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print the school year's days, holidays and free days."""
    try:
        if args.school_year is None:
            year = SchoolYear.current_or_coming(WallClock(settings.timezone).today())
        else:
            year = SchoolYear.parse(args.school_year)
        calendar = SchoolCalendar.from_settings(settings)
        # Everything is worked out before the first line goes out: no half an overview.
        if args.json:
            lines = list(_json_lines(calendar, year))
        else:
            lines = list(_overview(calendar, year, settings.wednesday_afternoon_free))
            if args.months:
                lines += _months(calendar, year)
    except ValueError as err:  # a bad --school-year, an unusable iCal file, an unknown year
        print(f"gemist: calendar: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    print("\n".join(lines))
    return Exit.OK


def _overview(
    calendar: SchoolCalendar, year: SchoolYear, wednesday_afternoon_free: bool
) -> Iterator[str]:
    days = list(calendar.school_days(year.start, year.end))
    half_days = sum(len(calendar.half_days(day)) for day in days)
    wednesdays = "; Wednesday afternoons free" if wednesday_afternoon_free else ""
    yield f"School year {year.label}"
    yield f"  first day:    {_day(year.start)}"
    yield f"  last day:     {_day(year.end)}"
    yield f"  school days:  {len(days)} ({half_days} half-days{wednesdays})"
    yield ""
    yield "Holidays and free days:"
    periods = calendar.holidays_in(year)
    width = max((len(_dates(period)) for period in periods), default=0)
    for period in periods:
        length = f" ({period.days} days)" if period.days > 1 else ""
        yield f"  {_dates(period):<{width}}  {period.name}{length}"


def _months(calendar: SchoolCalendar, year: SchoolYear) -> Iterator[str]:
    """Per month, the number of school days and their dates, runs of days as ``7-11``."""
    yield ""
    yield "School days per month:"
    by_month: dict[tuple[int, int], list[date]] = {}
    for day in calendar.school_days(year.start, year.end):
        by_month.setdefault((day.year, day.month), []).append(day)
    for (number_year, month), days in by_month.items():
        yield f"  {MONTHS[month - 1]} {number_year}  {len(days):>2}:  {_runs(days)}"


def _json_lines(calendar: SchoolCalendar, year: SchoolYear) -> Iterator[str]:
    day = year.start
    while day <= year.end:
        record = {
            "date": day.isoformat(),
            "school_day": calendar.is_school_day(day),
            "half_days": [str(half) for half in calendar.half_days(day)],
            "closed": calendar.reason_closed(day),
        }
        yield json.dumps(record, ensure_ascii=False)
        day += timedelta(days=1)


def _runs(days: list[date]) -> str:
    """``1-4 7-11 14`` for the days of one month."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] + 1 == day.day:
            runs[-1].append(day.day)
        else:
            runs.append([day.day])
    return " ".join(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def _dates(period: ClosedPeriod) -> str:
    if period.start == period.end:
        return _day(period.start)
    return f"{_day(period.start)} to {_day(period.end)}"


def _day(day: date) -> str:
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"
