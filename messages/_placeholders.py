"""Every placeholder a template may use, and how its value is shown to the reader."""

from __future__ import annotations

from enum import StrEnum

from messages._model import N_

__all__ = ["CHANNEL_WORDS", "PLACEHOLDERS", "SIGNER_ROLES", "Kind"]


class Kind(StrEnum):
    """How a value is formatted in the reader's language."""

    TEXT = "text"  # shown as given: names, the school, a class
    COUNT = "count"  # an int, written with the reader's digits and separators; picks plurals
    DATE = "date"  # a date, as "dinsdag 17 november"
    WEEKDAY = "weekday"  # a date, as "dinsdag"
    LANGUAGE = "language"  # a language code, shown as the language's name: "Turks"
    QUOTE = "quote"  # someone's own words, as quoted lines that cannot pass for Gemist's
    HALVES = "halves"  # an int count of half-days, shown in school days: 7 as "3,5"
    SIGNER = "signer"  # a person with their role in brackets; a known role is translated
    CHANNEL = "channel"  # a channel's name ("email"), as the reader calls it: "e-mail"


# Translators: a staff member's role, in brackets after their name where they sign a message or
# are named as the one who calls ("mevrouw Claes (leerlingenbegeleiding)"). Say what the person
# does in words a parent knows; "leerlingenbegeleiding" is the pupil's contact person for care
# at school (the "spilfiguur"), "klastitularis" the class teacher, "CLB" the pupil guidance
# centre that works with the school.
SIGNER_ROLES = frozenset(
    {
        N_("leerlingenbegeleiding"),
        N_("leerkracht"),
        N_("klastitularis"),
        N_("CLB"),
        N_("directie"),
    }
)
"""The roles a signer's name is followed by (``bot.planning.facts_db.ROLE_LABELS``)."""

# Translators: the name of a channel Gemist sends on, after "via" in a coordinator's message
# ("krijgt geen berichten meer via e-mail"): the word a school's staff use for it.
CHANNEL_WORDS: dict[str, str] = {"email": N_("e-mail")}
"""The channels whose name is a word of the reader's language; any other channel is a name
(Telegram, Smartschool), shown with a capital."""


PLACEHOLDERS: dict[str, Kind] = {
    "first_name": Kind.TEXT,  # the pupil's first name
    "school": Kind.TEXT,
    "sender": Kind.SIGNER,  # the person the message comes from, with their role
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
    "items": Kind.TEXT,  # the pupils of a coordinator's daily message, as rendered lines
    "line": Kind.TEXT,  # one reason about a pupil, as a rendered line
    "count": Kind.COUNT,  # how many times a pattern was seen
    "weeks": Kind.COUNT,  # the weeks a pattern was seen in
    "dates": Kind.TEXT,  # the dates of a pattern, short: "5/10, 19/10, 16/11"
    "since": Kind.DATE,  # since when a nudge is open
    "writer": Kind.TEXT,  # who wrote a forwarded message: a pupil, or a guardian with relation
    "language": Kind.LANGUAGE,  # the language a forwarded message was written in
    "message": Kind.QUOTE,  # a pupil's or guardian's own words, forwarded: messages._quote
    "translation": Kind.QUOTE,  # those words machine-translated for the spilfiguur, quoted too
    "words": Kind.TEXT,  # someone's own words on one line of a timeline, between quotes
    "person": Kind.TEXT,  # someone Gemist can no longer reach: first and last name
    "relation": Kind.TEXT,  # that person's tie to the pupil, as the roster words it ("moeder")
    "channel": Kind.CHANNEL,  # where that person is no longer reached: "telegram", "email"
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
    "school_days": Kind.HALVES,  # in a Days paragraph: its count of half-days, in days
    "helpline": Kind.TEXT,  # whom a pupil can reach at once when it cannot wait: "Awel"
    "helpline_phone": Kind.TEXT,  # its phone number: "102"
    "helpline_chat": Kind.TEXT,  # where its chat is: "awel.be"
    "emergency": Kind.TEXT,  # the number to call in danger: "112"
    "link": Kind.TEXT,  # a staff member's sign-in link to the desk, an https address
}
