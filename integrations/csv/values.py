"""Parsing single values of the canonical CSV files, with messages a school can act on."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping

from bot.domain import CANONICAL_CODES, LEGACY_CODES, UNKNOWN_CODE
from integrations.csv.const import YES_NO

__all__ = [
    "EXCERPT_CHARS",
    "CodeMapper",
    "ValueProblem",
    "check_visible",
    "excerpt",
    "parse_chat_id",
    "parse_date",
    "parse_email",
    "parse_yes_no",
]

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
EXCERPT_CHARS = 60
"""Characters of a refused value that a reject or a warning quotes."""
# Characters an id or a name may not hold: control characters (C0, DEL, C1: terminal escapes
# among them) and characters that show nothing (zero-width space, non-joiner and joiner, word
# joiner, soft hyphen, a byte order mark inside a value, the bidirectional controls).
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


class ValueProblem(ValueError):
    """A value that cannot be used; the message is the reason shown to the user."""


def excerpt(text: str) -> str:
    """``text`` quoted as a reject may show it: at most :data:`EXCERPT_CHARS` characters, and
    how long it really is when it is longer."""
    if len(text) <= EXCERPT_CHARS:
        return repr(text)
    return f"{text[:EXCERPT_CHARS]!r}… ({len(text):,} characters)"


def check_visible(text: str) -> str:
    """``text`` unchanged, or :class:`ValueProblem` naming its first control or invisible
    character (as ``U+XXXX``) and where it is."""
    found = _INVISIBLE.search(text)
    if found is None:
        return text
    char = found.group()
    name = unicodedata.name(char, "a control character")
    raise ValueProblem(
        f"holds U+{ord(char):04X} ({name}), which shows nothing or controls the screen, at "
        f"character {found.start() + 1}: retype the value without it"
    )


def parse_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY`` (as Excel in Belgium writes it)."""
    value = text.strip()
    try:
        if len(value) == 10 and value[4] == "-":
            return dt.date.fromisoformat(value)
        match = _DMY.fullmatch(value)
        if match:
            day, month, year = (int(part) for part in match.groups())
            return dt.date(year, month, day)
    except ValueError as err:
        raise ValueProblem(f"{excerpt(value)} is not a date in the calendar") from err
    raise ValueProblem(f"{excerpt(value)} is not a date (use YYYY-MM-DD or DD/MM/YYYY)")


def parse_yes_no(text: str, default: bool | None) -> bool | None:
    value = text.strip().lower()
    if not value:
        return default
    try:
        return YES_NO[value]
    except KeyError:
        raise ValueProblem(f"{excerpt(text.strip())} is not 'yes' or 'no'") from None


def parse_email(text: str) -> str | None:
    value = text.strip()
    if not value:
        return None
    if not _EMAIL.fullmatch(value):
        raise ValueProblem(f"{excerpt(value)} is not an e-mail address")
    return value


def parse_chat_id(text: str) -> int | None:
    value = text.strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise ValueProblem(f"{excerpt(value)} is not a Telegram chat id (a whole number)") from None


class CodeMapper:
    """Turns a platform's absence letter into a canonical code, with a school's own mapping.

    Results are cached: a feed uses a handful of distinct spellings a million times.
    """

    def __init__(self, school_map: Mapping[str, str] | None = None) -> None:
        self._known: dict[str, str] = {"": UNKNOWN_CODE, UNKNOWN_CODE: UNKNOWN_CODE}
        for code in CANONICAL_CODES:
            self._known[code] = code
        self._known.update(LEGACY_CODES)
        self._known.update({k.upper(): v for k, v in (school_map or {}).items()})
        self._cache: dict[str, str] = {}

    def __call__(self, text: str) -> str:
        try:
            return self._cache[text]
        except KeyError:
            pass
        letter = text.strip().upper()
        code = self._known.get(letter)
        if code is None:
            if letter == "L":
                raise ValueProblem(
                    "code 'L' has no fixed meaning: set the school's mapping "
                    '(for example [codes] L = "P" in the configuration)'
                )
            raise ValueProblem(
                f"unknown absence code {excerpt(text.strip())} (expected one of "
                f"{', '.join(CANONICAL_CODES)}, '-' or empty)"
            )
        self._cache[text] = code
        return code
