"""Every placeholder a template may use, and how its value is shown to the reader."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["PLACEHOLDERS", "Kind"]


class Kind(StrEnum):
    """How a value is formatted in the reader's language."""

    TEXT = "text"  # shown as given: names, the school, a class
    COUNT = "count"  # an int, written with the reader's digits and separators; picks plurals
    DATE = "date"  # a date, as "dinsdag 17 november"
    WEEKDAY = "weekday"  # a date, as "dinsdag"
    LANGUAGE = "language"  # a language code, shown as the language's name: "Turks"


PLACEHOLDERS: dict[str, Kind] = {
    "first_name": Kind.TEXT,  # the pupil's first name
    "school": Kind.TEXT,
    "sender": Kind.TEXT,  # the person the message comes from, with their role
    "contact": Kind.TEXT,  # whom to reach, and how
    "class_name": Kind.TEXT,
    "date": Kind.DATE,
    "weekday": Kind.WEEKDAY,
    "missed_half_days": Kind.COUNT,  # this school year, all codes unless the text says otherwise
    "days_without_answer": Kind.COUNT,  # school days
    "absent_pupils": Kind.COUNT,
    "held_messages": Kind.COUNT,
    "new_absences": Kind.COUNT,
    "open_nudges": Kind.COUNT,
    "pupils_back": Kind.COUNT,
    "writer": Kind.TEXT,  # who wrote a forwarded message: a pupil, or a guardian with relation
    "language": Kind.LANGUAGE,  # the language a forwarded message was written in
    "message": Kind.TEXT,  # a pupil's or guardian's own words, forwarded as they are
    "valid_until": Kind.DATE,  # the day an invitation code stops working
}
