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
    QUOTE = "quote"  # someone's own words, as quoted lines that cannot pass for Gemist's


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
    "message": Kind.QUOTE,  # a pupil's or guardian's own words, forwarded: messages._quote
    "words": Kind.TEXT,  # someone's own words on one line of a timeline, between quotes
    "person": Kind.TEXT,  # someone Gemist can no longer reach: first and last name
    "relation": Kind.TEXT,  # that person's tie to the pupil, as the roster words it ("moeder")
    "pupil_id": Kind.TEXT,  # the roster's number of a pupil
    "school_year": Kind.TEXT,  # "2026-2027"
    "problematic": Kind.COUNT,  # problematic (B) half-days this school year
    "unknown": Kind.COUNT,  # half-days without a code yet
    "justified": Kind.COUNT,  # justified half-days
    "threshold": Kind.COUNT,  # the problematic half-days from which the CLB is involved
    "omitted": Kind.COUNT,  # timeline lines left out
    "when": Kind.TEXT,  # a local date or time, written in the reader's language by the caller
    "codes": Kind.TEXT,  # absence codes of a day: "B", or "B/Z" for morning and afternoon
    "what": Kind.TEXT,  # a kind of message in words (a rendered timeline.kind.* template)
    "status": Kind.TEXT,  # a message's status in words (a rendered timeline.status.* template)
    "recipient": Kind.TEXT,  # who a message went to, by name
    "answer": Kind.TEXT,  # the words of the button someone tapped
    "by": Kind.TEXT,  # the staff member who did something, by name
    "scope": Kind.TEXT,  # a class, or the school, of a mass-absence hold
    "valid_until": Kind.DATE,  # the day an invitation code stops working
}
