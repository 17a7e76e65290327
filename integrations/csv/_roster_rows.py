"""Turning one row of a roster file into a record, every value checked.

A bad value raises :class:`RowProblem` naming its column and a reason a school can act on. A bad
value in an *optional* column (a :class:`Field` marked ``droppable``: an e-mail address, a phone
number, a Telegram id, a relation, ...) does not cost the row: the value is left out (its
column's default, as if the cell were empty), the problem is told to ``on_drop`` and the person
is kept, so that a typo in a parent's e-mail does not lose a parent the school can reach by
Telegram. ``may_contact`` is not droppable: its default is "yes", so a value that cannot be read
rejects the row rather than contact someone who may have asked not to be. The checks here look
at one row only; what needs other rows (duplicates) or other files (references)
is decided by the callers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, NamedTuple, TypeVar

from babel import Locale, UnknownLocaleError

from bot.domain import StaffRole, age_on
from integrations.abc import GuardianRecord, PupilRecord, StaffRecord, TeachingRecord
from integrations.csv.const import TEACHING_ROLES
from integrations.csv.values import (
    ValueProblem,
    check_visible,
    excerpt,
    parse_chat_id,
    parse_date,
    parse_email,
    parse_yes_no,
)

__all__ = [
    "GUARDIAN_LAYOUT",
    "ID_MAX",
    "STAFF_LAYOUT",
    "TEACHING_LAYOUT",
    "Field",
    "Layout",
    "RowProblem",
    "pupil_layout",
]

R = TypeVar("R")

# The longest values the database keeps (bot.models). A longer value is rejected with its row
# here; PostgreSQL would otherwise refuse it and fail the whole import.
ID_MAX = 64
NAME_MAX = 100
CLASS_MAX = 64
EMAIL_MAX = 254
PHONE_MAX = 32
RELATION_MAX = 50
LANGUAGE_MAX = 16
# Telegram chat ids are stored as 64-bit integers.
CHAT_ID_LIMIT = 1 << 63
# A pupil's age on the day of the import; outside this range the birth date is a typo.
AGE_MIN = 2
AGE_MAX = 30
# Identifiers Babel accepts that name no language.
NOT_LANGUAGES = frozenset({"root", "und"})
STAFF_ROLES = tuple(role.value for role in StaffRole)


class RowProblem(Exception):
    """A value in a row that cannot be used."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(f"{column}: {reason}")
        self.column = column
        self.reason = reason


class Field(NamedTuple):
    """One record attribute: the column it is read from and how; ``droppable`` when a bad
    value is left out (``parse("")``) instead of rejecting the row."""

    attribute: str
    column: str
    parse: Callable[[str], Any]
    droppable: bool = False


Dropped = Callable[[int, str, str], None]
"""Told (line, column, reason) of each optional value left out."""


class Layout(Generic[R]):
    """How the columns of one kind of file become a record: one parser per record field.

    The fields are given in the record's own order (checked here, once), so that a row becomes
    a record with one positional call, and the first bad value in that order is the one
    reported. A roster has a hundred thousand rows; this is their hot loop.
    """

    def __init__(self, record: type[R], fields: Sequence[Field]) -> None:
        expected = [item.name for item in dataclasses.fields(record)]  # type: ignore[arg-type]
        # The fields after ``line`` (a Smartschool inbox) have no column: their default applies.
        if [item.attribute for item in fields] + ["line"] != expected[: len(fields) + 1]:
            raise TypeError(f"the fields of {record.__name__} are {expected}")
        self.record: Callable[..., R] = record
        self.fields = tuple(fields)

    def reader(
        self, columns: Mapping[str, int], on_drop: Dropped | None = None
    ) -> Callable[[int, list[str]], R]:
        """A function from a row's line and fields to its record, for a file's header; bad
        optional values are left out and told to ``on_drop`` (without it, they reject the row).

        It appends an empty field to each row it reads: the value (index -1) of every column
        the file lacks, so that its default applies.
        """
        plan = [(columns.get(item.column, -1), item.parse) for item in self.fields]
        make = self.record

        def read(line: int, fields: list[str]) -> R:
            fields.append("")
            try:
                return make(*[parse(fields[at].strip()) for at, parse in plan], line=line)
            except ValueProblem:
                return self._salvage(line, fields, plan, on_drop)

        return read

    def _salvage(
        self,
        line: int,
        fields: list[str],
        plan: list[tuple[int, Callable[[str], Any]]],
        on_drop: Dropped | None,
    ) -> R:
        """The record without its bad optional values, or :class:`RowProblem` for the first
        bad value that cannot be left out. The fast path does not keep track of which value
        failed; a row with a bad value can afford to look again."""
        values: list[Any] = []
        dropped: list[tuple[str, str]] = []
        for item, (at, parse) in zip(self.fields, plan, strict=True):
            try:
                values.append(parse(fields[at].strip()))
            except ValueProblem as problem:
                if not item.droppable or on_drop is None:
                    raise RowProblem(item.column, str(problem)) from None
                dropped.append((item.column, str(problem)))
                values.append(parse(""))
        tell: Dropped = on_drop or _ignore
        for column, reason in dropped:
            tell(line, column, reason)
        return self.record(*values, line=line)

    def attributes(self, columns: Sequence[str]) -> tuple[str, ...]:
        """The record attributes read from ``columns``."""
        by_column = {item.column: item.attribute for item in self.fields}
        return tuple(by_column[column] for column in columns)


def _ignore(_line: int, _column: str, _reason: str) -> None:
    """No one to tell (never called: without ``on_drop`` nothing is left out)."""


def required(limit: int) -> Callable[[str], str]:
    """A text that must be there, fit in the database, and show every character it holds
    (ids, names, classes: see :func:`~integrations.csv.values.check_visible`)."""

    def parse(text: str) -> str:
        if not text:
            raise ValueProblem("is empty: a value is required")
        return _within(text, limit)

    return parse


def optional(limit: int) -> Callable[[str], str | None]:
    """A text that may be empty (``None``), checked as :func:`required` checks it."""

    def parse(text: str) -> str | None:
        return _within(text, limit) if text else None

    return parse


def _within(text: str, limit: int) -> str:
    if len(text) > limit:
        raise ValueProblem(_too_long(text, limit))
    return check_visible(text)


def _too_long(text: str, limit: int) -> str:
    return f"is {len(text)} characters long; at most {limit} fit"


def birth_date(text: str, today: dt.date) -> dt.date:
    if not text:
        raise ValueProblem("is empty: a value is required")
    born = parse_date(text)
    if born > today:
        raise ValueProblem(f"{born.isoformat()} is in the future")
    age = age_on(born, today)
    if not AGE_MIN <= age <= AGE_MAX:
        raise ValueProblem(
            f"{born.isoformat()} makes the pupil {age} year{'' if age == 1 else 's'} old "
            f"on {today.isoformat()}; "
            f"a pupil is {AGE_MIN} to {AGE_MAX}: is the year right?"
        )
    return born


@functools.lru_cache(maxsize=512)
def language(text: str) -> str:
    """A language code Babel knows, lower-cased (``tr``, ``ar``, ``nl_be``); required."""
    if not text:
        raise ValueProblem("is empty: a value is required")
    code = text.lower().replace("-", "_")
    if len(code) <= LANGUAGE_MAX and code not in NOT_LANGUAGES:
        try:
            Locale.parse(code)
        except (ValueError, UnknownLocaleError):
            pass
        else:
            return code
    suggestion = _language_names().get(text.lower())
    if suggestion is not None:
        raise ValueProblem(f"{excerpt(text)} is not a language code: use {suggestion!r}")
    raise ValueProblem(
        f"{excerpt(text)} is not a language code: use a two-letter code such as 'nl', 'fr', "
        "'tr' or 'ar'"
    )


def language_or_dutch(text: str) -> str:
    """A language code, ``nl`` when empty (the default of pupils and staff)."""
    return language(text) if text else "nl"


@functools.cache
def _language_names() -> dict[str, str]:
    """Language names as people write them (English, Dutch, French) to their two-letter code."""
    names: dict[str, str] = {}
    for display in ("en", "nl", "fr"):
        for code, name in Locale(display).languages.items():
            if len(code) == 2:
                names.setdefault(name.lower(), code)
    return names


def email(text: str) -> str | None:
    value = parse_email(text)
    if value is not None and len(value) > EMAIL_MAX:
        raise ValueProblem(_too_long(value, EMAIL_MAX))
    return value


def chat_id(text: str) -> int | None:
    value = parse_chat_id(text)
    if value is not None and not -CHAT_ID_LIMIT <= value < CHAT_ID_LIMIT:
        raise ValueProblem(f"{excerpt(text)} is too large for a Telegram chat id")
    return value


def consent(text: str) -> bool | None:
    """``guardian_consent``: empty means the pupil was not asked."""
    return parse_yes_no(text, None)


def may_contact(text: str) -> bool:
    """``may_contact``: empty means yes."""
    return parse_yes_no(text, True) is not False


def staff_role(text: str) -> str:
    if not text:
        raise ValueProblem("is empty: a value is required")
    role = text.lower()
    if role not in STAFF_ROLES:
        raise ValueProblem(f"{excerpt(text)} is not a staff role ({_choices(STAFF_ROLES)})")
    return role


def teaching_role(text: str) -> str:
    """``titularis`` or ``teacher``; empty means ``teacher``."""
    role = text.lower() or "teacher"
    if role not in TEACHING_ROLES:
        raise ValueProblem(f"{excerpt(text)} is not a teaching role ({_choices(TEACHING_ROLES)})")
    return role


def pupil_layout(today: dt.date) -> Layout[PupilRecord]:
    """``pupils.csv``; ages are checked against ``today``."""
    return Layout(
        PupilRecord,
        (
            Field("pupil_id", "pupil_id", required(ID_MAX)),
            Field("first_name", "first_name", required(NAME_MAX)),
            Field("last_name", "last_name", required(NAME_MAX)),
            Field("birth_date", "birth_date", functools.partial(birth_date, today=today)),
            Field("class_name", "class", required(CLASS_MAX)),
            Field("language", "language", language_or_dutch, droppable=True),
            Field("spilfiguur", "spilfiguur", optional(ID_MAX), droppable=True),
            Field("guardian_consent", "guardian_consent", consent, droppable=True),
            Field("email", "email", email, droppable=True),
            Field("telegram_chat_id", "telegram", chat_id, droppable=True),
        ),
    )


GUARDIAN_LAYOUT = Layout(
    GuardianRecord,
    (
        Field("guardian_id", "guardian_id", required(ID_MAX)),
        Field("pupil_id", "pupil_id", required(ID_MAX)),
        Field("first_name", "first_name", required(NAME_MAX)),
        Field("last_name", "last_name", required(NAME_MAX)),
        Field("language", "language", language),
        Field("relation", "relation", optional(RELATION_MAX), droppable=True),
        Field("email", "email", email, droppable=True),
        Field("phone", "phone", optional(PHONE_MAX), droppable=True),
        Field("may_contact", "may_contact", may_contact),
        Field("telegram_chat_id", "telegram", chat_id, droppable=True),
    ),
)

STAFF_LAYOUT = Layout(
    StaffRecord,
    (
        Field("staff_id", "staff_id", required(ID_MAX)),
        Field("first_name", "first_name", required(NAME_MAX)),
        Field("last_name", "last_name", required(NAME_MAX)),
        Field("role", "role", staff_role),
        Field("email", "email", email, droppable=True),
        Field("language", "language", language_or_dutch, droppable=True),
        Field("telegram_chat_id", "telegram", chat_id, droppable=True),
    ),
)

TEACHING_LAYOUT = Layout(
    TeachingRecord,
    (
        Field("staff_id", "staff_id", required(ID_MAX)),
        Field("class_name", "class", required(CLASS_MAX)),
        Field("role", "role", teaching_role, droppable=True),
    ),
)


def _choices(values: Sequence[str]) -> str:
    return ", ".join(values[:-1]) + f" or {values[-1]}"
