"""A school's own free days, read from an iCalendar (``.ics``) file.

Schools keep their pedagogical study days in a calendar application and export them as iCal.
Every ``VEVENT`` in the file is a free period:

* an all-day event (``DTSTART;VALUE=DATE``) frees every date from DTSTART up to, but not
  including, DTEND; without DTEND (or DURATION) it frees one day, as RFC 5545 says;
* a timed event frees every date, in the school's timezone, that it touches; times without a
  timezone are taken as the school's local time.

Repeating events (``RRULE``/``RDATE``) are refused rather than half understood, and cancelled
events are skipped. Every error names the file, the line and the event.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from icalendar.parser import Contentline

__all__ = ["FREE_DAY_NAME", "CalendarFileError", "read_free_days"]

FREE_DAY_NAME = "Vrije dag (school)"
"""The name of a school free day that has no name of its own."""

ONE_DAY = timedelta(days=1)
# A free "period" longer than this is a typo in a year number, not a study day.
MAX_EVENT_DAYS = 366


class CalendarFileError(ValueError):
    """An iCal file with free days cannot be used; the message names the file and the line."""


@dataclass
class _EventLines:
    """Where one VEVENT sits in the file: its BEGIN line and the first line of each property."""

    begin: int
    properties: dict[str, int] = field(default_factory=dict)


def read_free_days(path: Path, tz: ZoneInfo) -> dict[date, str]:
    """Every date the file frees, with the event's SUMMARY (or :data:`FREE_DAY_NAME`)."""
    text = _read_text(path)
    event_lines = _scan(text, path)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as err:
        raise CalendarFileError(f"{path}: not a usable iCalendar file: {err}") from err
    events = calendar.events
    if len(events) != len(event_lines):  # our scan and icalendar's parse disagree: be honest
        raise CalendarFileError(f"{path}: could not match the events to their lines")
    free_days: dict[date, str] = {}
    for event, lines in zip(events, event_lines, strict=True):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        name = str(event.get("SUMMARY", "")).strip() or FREE_DAY_NAME
        for day in _event_days(event, lines, path, tz):
            free_days.setdefault(day, name)
    return free_days


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as err:
        raise CalendarFileError(f"{path}: cannot read the iCal file: {err.strerror}") from err
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise CalendarFileError(f"{path}, line {line}: not UTF-8 text") from err


def _content_lines(text: str) -> Iterator[tuple[int, str]]:
    """The unfolded content lines, each with the number of the line it starts on."""
    parts: list[str] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.removesuffix("\r")
        if parts and line[:1] in (" ", "\t"):  # folded: continues the previous line
            parts.append(line[1:])
            continue
        if parts:
            yield start, "".join(parts)
        parts = [line] if line.strip() else []  # a blank line carries nothing
        start = number
    if parts:
        yield start, "".join(parts)


def _scan(text: str, path: Path) -> list[_EventLines]:
    """Check every content line and BEGIN/END pair; note where each VEVENT and property is."""
    if not text.strip():
        raise CalendarFileError(f"{path}: the file is empty, expected BEGIN:VCALENDAR")
    events: list[_EventLines] = []
    open_components: list[tuple[str, int]] = []
    for number, line in _content_lines(text):
        name, value = _name_and_value(line, number, path)
        if not open_components and (name, value) != ("BEGIN", "VCALENDAR"):
            raise CalendarFileError(
                f"{path}, line {number}: expected BEGIN:VCALENDAR, found {line[:60]!r}"
            )
        if name == "BEGIN":
            open_components.append((value, number))
            if value == "VEVENT":
                events.append(_EventLines(begin=number))
        elif name == "END":
            kind, begin = open_components.pop()
            if value != kind:
                raise CalendarFileError(
                    f"{path}, line {number}: END:{value}, but BEGIN:{kind} (line {begin}) "
                    "is still open"
                )
        elif open_components[-1][0] == "VEVENT":
            events[-1].properties.setdefault(name, number)
    if open_components:
        kind, begin = open_components[-1]
        raise CalendarFileError(f"{path}, line {begin}: BEGIN:{kind} is never closed by END")
    return events


def _name_and_value(line: str, number: int, path: Path) -> tuple[str, str]:
    """The upper-case name and the value of one content line; BEGIN/END values upper-cased."""
    try:
        # icalendar leaves Contentline's constructor unannotated
        content_line = Contentline(line)  # type: ignore[no-untyped-call]
        name, _params, value = content_line.parts()
    except ValueError as err:
        raise CalendarFileError(
            f"{path}, line {number}: not an iCalendar line: {line[:60]!r}"
        ) from err
    if name.upper() in ("BEGIN", "END"):
        value = value.strip().upper()
    return name.upper(), value


def _event_days(event: Event, lines: _EventLines, path: Path, tz: ZoneInfo) -> list[date]:
    label = _label(event)

    def fail(message: str, prop: str | None = None) -> CalendarFileError:
        number = lines.properties.get(prop.upper(), lines.begin) if prop else lines.begin
        return CalendarFileError(f"{path}, line {number}: event {label}: {message}")

    for repeat in ("RRULE", "RDATE"):
        if repeat in event:
            raise fail(f"repeating events ({repeat}) are not supported; list each free day", repeat)
    if event.errors:
        prop, message = event.errors[0]
        raise fail(f"{prop}: {message}" if prop else message, prop)
    try:
        start, end = event.start, event.end
    except ValueError as err:  # icalendar: missing DTSTART, mixed date/datetime, ...
        raise fail(str(err)) from err
    if isinstance(start, datetime) and isinstance(end, datetime):
        local_start, local_end = _in_school_time(start, tz), _in_school_time(end, tz)
        if local_end < local_start:
            raise fail(f"it ends ({end}) before it starts ({start})", "DTEND")
        first, last = _local_dates(local_start, local_end)
    elif end <= start:
        raise fail(f"DTEND {end} is not after DTSTART {start}", "DTEND")
    else:
        first, last = start, end - ONE_DAY
    if (last - first).days >= MAX_EVENT_DAYS:
        raise fail(f"it spans {(last - first).days + 1} days ({first} to {last})", "DTEND")
    return [first + offset * ONE_DAY for offset in range((last - first).days + 1)]


def _local_dates(local_start: datetime, local_end: datetime) -> tuple[date, date]:
    """The first and last local date a timed event touches; it ends just before its end."""
    first, last = local_start.date(), local_end.date()
    if local_end.time() == time(0) and last > first:
        last -= ONE_DAY  # ending at midnight does not touch the next day
    return first, last


def _in_school_time(instant: datetime, tz: ZoneInfo) -> datetime:
    if instant.tzinfo is None:  # a "floating" time means the school's wall clock
        return instant.replace(tzinfo=tz)
    return instant.astimezone(tz)


def _label(event: Event) -> str:
    for key in ("SUMMARY", "UID"):
        if text := str(event.get(key, "")).strip():
            return repr(text)
    return "(no SUMMARY or UID)"
