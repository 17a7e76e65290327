"""Domain vocabulary shared by every layer: absence codes, half-days, roles.

Pure values with no dependencies, so that integrations, storage and the planner all speak the
same language.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

__all__ = [
    "CANONICAL_CODES",
    "CONTACT_MOMENTS",
    "LEGACY_CODES",
    "SCHOOL_SCOPE",
    "UNKNOWN_CODE",
    "CodeClass",
    "HalfDay",
    "OutreachKind",
    "Role",
    "StaffRole",
    "age_on",
    "code_class",
]


class HalfDay(StrEnum):
    AM = "am"
    PM = "pm"


class CodeClass(StrEnum):
    """How the ladder treats an absence code."""

    PROBLEMATIC = "problematic"
    JUSTIFIED = "justified"
    UNKNOWN = "unknown"
    NOT_COMPULSORY = "not_compulsory"


class OutreachKind(StrEnum):
    """What an outbox row is: the ``kind`` column, the first part of its template's id and a
    part of its idempotency key. The values are stored: never change one."""

    PUPIL_CHECKIN = "pupil_checkin"
    GUARDIAN_NOTICE = "guardian_notice"
    GUARDIAN_CARE = "guardian_care"
    GUARDIAN_CORRECTION = "guardian_correction"
    PUPIL_CORRECTION = "pupil_correction"
    TEACHER_WELCOME = "teacher_welcome"
    COORDINATOR_NUDGE = "coordinator_nudge"
    COORDINATOR_DIGEST = "coordinator_digest"
    COORDINATOR_FORWARD = "coordinator_forward"
    HOLD_ALERT = "hold_alert"
    DESK_SIGNIN = "desk_signin"
    """A sign-in link to the coordinator's desk that a staff member asked for: sent at once."""
    TELEGRAM_BLOCK = "telegram_block"
    """A record that a person blocked the bot: about no pupil, never sent."""


class Role(StrEnum):
    """Who a row is for or a person is, as stored in ``recipient_role`` and ``sender_role``."""

    PUPIL = "pupil"
    GUARDIAN = "guardian"
    STAFF = "staff"
    """A member of staff as a person in a chat (a teacher, the spilfiguur, ...)."""
    TEACHER = "teacher"
    COORDINATOR = "coordinator"


class StaffRole(StrEnum):
    TEACHER = "teacher"
    COORDINATOR = "coordinator"
    CLB = "clb"
    DIRECTION = "direction"


SCHOOL_SCOPE = "*"
"""The scope of a hold over the whole school (class names never are ``*``)."""

UNKNOWN_CODE = "-"
"""Stored for a mark whose code is not known yet (registration pending)."""

# The Discimus codes (since 1 September 2019) and their class.
_CLASSES: dict[str, CodeClass] = {
    "B": CodeClass.PROBLEMATIC,
    "Z": CodeClass.JUSTIFIED,
    "R": CodeClass.JUSTIFIED,
    "P": CodeClass.JUSTIFIED,
    "M": CodeClass.JUSTIFIED,
    "H": CodeClass.JUSTIFIED,
    "A": CodeClass.NOT_COMPULSORY,
    UNKNOWN_CODE: CodeClass.UNKNOWN,
}

CANONICAL_CODES: tuple[str, ...] = tuple(code for code in _CLASSES if code != UNKNOWN_CODE)

LEGACY_CODES: dict[str, str] = {
    "D": "Z",  # doktersattest (medical certificate)
    "T": "R",
    "U": "R",
    "Y": "R",
    "C": "R",
    "J": "R",
}
"""Older letters that platforms still show, with a fixed meaning. ``L`` has none: it needs a
school's own mapping (``[codes] L = "P"``)."""


def code_class(code: str) -> CodeClass:
    """The class of a canonical code (``-`` for not known yet)."""
    return _CLASSES[code]


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Whole years from ``birth_date`` to ``day`` (born on 29 February: a year older on
    1 March in a common year)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - before_birthday


CONTACT_MOMENTS: dict[str, tuple[dt.time, dt.time]] = {
    "morning": (dt.time(8, 0), dt.time(12, 0)),
    "afternoon": (dt.time(12, 0), dt.time(16, 0)),
    "evening": (dt.time(16, 0), dt.time(20, 0)),
}
"""The parts of the day a guardian can choose for the school's messages (seed 002: "het
gepaste moment"), as [start, end) in the school's wall-clock time; the school's own sending
hours (the rules' ``delivery``) still bound them."""
