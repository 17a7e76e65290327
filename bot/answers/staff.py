"""What a staff member's button decides, and how Gemist acknowledges it: the same for a tap in
the chat and for a confirmed answer link on the web application's page. The decision itself is
stored by :func:`bot.answers.decide`; this module works out the day it names (a snooze's end,
a pause's last day, the date a pupil is expected back) when the person acts, and the words
that say what was noted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.answers.episodes import MessageRow
from bot.domain import OutreachKind
from scheduler.calendar import SchoolCalendar

__all__ = [
    "CHOICES",
    "PAUSE_DAYS",
    "RETURN_CHOICES",
    "SNOOZE_DAYS",
    "StaffAnswer",
    "digest_answer",
    "return_days",
    "staff_answer",
]

RETURN_CHOICES = 6
"""School days offered after the "I know when" button."""
SNOOZE_DAYS = (1, 3)
"""School days a coordinator can put a nudge off by (the ``snooze:N`` buttons)."""
PAUSE_DAYS = (5, 10, 20)
"""School days a coordinator can pause a pupil's family messages for (``pause:N``)."""
CHOICES = {
    "snooze": "staff_snooze_choice",
    "return": "staff_return_choice",
    "pause": "staff_pause_choice",
}
"""The staff buttons that first offer a choice, and the template that offers it."""


@dataclass(frozen=True, slots=True)
class StaffAnswer:
    """The acknowledgement of a decision (its template and values) and the day it names."""

    template: str
    context: dict[str, object] = field(default_factory=dict)
    day: dt.date | None = None


def return_days(calendar: SchoolCalendar, today: dt.date) -> list[dt.date]:
    """The next school days after ``today`` a return can be set to."""
    days = []
    day = today
    for _ in range(RETURN_CHOICES):
        day = calendar.next_school_day(day)
        days.append(day)
    return days


def staff_answer(
    row: MessageRow, key: str, value: str, *, today: dt.date, calendar: SchoolCalendar
) -> StaffAnswer | None:
    """What the button ``key`` (with its chosen ``value``: a number of school days, a date)
    under the message ``row`` decides; None when it decides nothing."""
    about: dict[str, object] = {"first_name": row.payload.get("first_name", "")}
    if key == "ack":
        read = row.kind == OutreachKind.TEACHER_WELCOME
        return StaffAnswer("staff_ack.read" if read else "staff_ack.ack")
    if key == "clb_involved":
        return StaffAnswer("staff_ack.clb_involved", about)
    if key in ("send_notice", "keep_notice"):
        return StaffAnswer(f"staff_ack.{key}", about)
    if key in ("release", "discard"):
        day = dt.date.fromisoformat(str(row.payload.get("date")))
        return StaffAnswer(f"staff_ack.{key}", {"date": day}, day)
    if row.pupil_id is None or not value:
        return None
    days = int(value) if value.isdigit() else 0
    if key == "return":
        try:
            back = dt.date.fromisoformat(value)
        except ValueError:
            return None
        return StaffAnswer("staff_ack.return", {**about, "date": back}, back)
    if key == "snooze" and days in SNOOZE_DAYS:
        until = calendar.school_day_after(today, days)
        return StaffAnswer("staff_ack.snooze", {"date": until}, until)
    if key == "pause" and days in PAUSE_DAYS:
        ends = calendar.school_day_after(today, days - 1)
        return StaffAnswer("staff_ack.pause", {**about, "date": ends}, ends)
    return None


def digest_answer(
    row: MessageRow, key: str, *, today: dt.date, calendar: SchoolCalendar
) -> StaffAnswer:
    """A button under pupil ``N`` of the daily message (``ack:N``, ``snooze:N``,
    ``clb_involved:N``): seen, one school day later, or the CLB involved already."""
    action, _, number = key.partition(":")
    items = row.payload.get("items", [])
    first_name = ""
    if number.isdigit() and isinstance(items, list) and int(number) < len(items):
        first_name = str(items[int(number)].get("first_name", ""))
    until = calendar.school_day_after(today, 1)
    day = until if action == "snooze" else None
    return StaffAnswer(f"staff_ack.{action}", {"first_name": first_name, "date": until}, day)
