"""The interfaces every school platform implements, and the canonical records they produce.

An integration turns a platform's data into these records and nothing else: it knows nothing
of the database, the planner or the bot. The importers in :mod:`bot.imports` store the records.

Records keep the location they came from (``line``) so that a problem found later, such as an
unknown pupil, can still be reported where the user can fix it.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

__all__ = [
    "AbsenceBatch",
    "AbsenceRecord",
    "AbsenceRow",
    "AbsenceSource",
    "GuardianRecord",
    "PupilRecord",
    "RosterSnapshot",
    "RosterSource",
    "RowReject",
    "StaffRecord",
    "TeachingRecord",
]


@dataclass(frozen=True, slots=True)
class RowReject:
    """One input row that could not be used, with where and why."""

    file: str
    line: int | None
    column: str | None
    reason: str

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "column": self.column, "reason": self.reason}


class AbsenceRecord(NamedTuple):
    """One absent half-day as a feed states it. ``code`` is canonical (``-`` = not known yet).

    A tuple, not a dataclass: a busy feed has a million of these and they go to the database as
    they are.
    """

    pupil_id: str
    date: dt.date
    half_day: str
    code: str
    expected_return: dt.date | None
    note: str | None
    line: int | None = None


AbsenceRow = tuple[str, dt.date, str, str, dt.date | None, str | None, int | None]
"""The fields of :class:`AbsenceRecord` as a plain tuple, in the same order: what fast readers
build (a tuple costs an eighth of a named tuple, and a feed has a million rows)."""


@dataclass(slots=True)
class AbsenceBatch:
    """A slice of a feed: the records that could be read and the rows that could not."""

    records: list[AbsenceRow] = field(default_factory=list)
    rejects: list[RowReject] = field(default_factory=list)
    #: What rejected rows still name, as (pupil id, date, half-day), ``None`` where the row did
    #: not say it readably. What is stored there must be kept, not taken as corrected away: a
    #: rejected row is not proof that a mark is gone.
    kept: list[tuple[str | None, dt.date | None, str | None]] = field(default_factory=list)
    rows: int = 0


class AbsenceSource(abc.ABC):
    """A school's daily absence feed.

    A feed is a snapshot per date: for every date it contains, it lists all absent half-days of
    the school. Implementations stream large feeds in batches; a feed that cannot be read at all
    raises :class:`~integrations.exceptions.FeedParseError` (nothing of it may be stored),
    :class:`~integrations.exceptions.FeedUnavailable` or
    :class:`~integrations.exceptions.FeedAuthError`.
    """

    #: What the import record and the marks name as their source, e.g. ``csv:absences.csv``.
    name: str
    #: The file name (or endpoint) rejects refer to.
    location: str
    #: Dates the feed is a complete snapshot of even where it lists nobody: a school day on
    #: which no one was absent. Without it, a date the feed does not mention stays unknown.
    covers: tuple[dt.date, ...] = ()

    @abc.abstractmethod
    def batches(self) -> AsyncIterator[AbsenceBatch]:
        """Read the feed, in order, in batches of records and rejects."""

    def warnings(self) -> list[str]:
        """Things worth telling the user that are not errors (e.g. ignored columns)."""
        return []


@dataclass(frozen=True, slots=True)
class PupilRecord:
    pupil_id: str
    first_name: str
    last_name: str
    birth_date: dt.date
    class_name: str
    language: str = "nl"
    spilfiguur: str | None = None
    guardian_consent: bool | None = None
    email: str | None = None
    telegram_chat_id: int | None = None
    line: int | None = None
    #: The pupil's own Smartschool inbox, as a contact address (``integrations.smartschool
    #: .addresses``); after ``line`` so that the CSV layouts need not name it.
    smartschool: str | None = None


@dataclass(frozen=True, slots=True)
class GuardianRecord:
    """A guardian and their link to one pupil (one record per link)."""

    guardian_id: str
    pupil_id: str
    first_name: str
    last_name: str
    language: str
    relation: str | None = None
    email: str | None = None
    phone: str | None = None
    may_contact: bool = True
    telegram_chat_id: int | None = None
    line: int | None = None
    #: The guardian's Smartschool inbox: a co-account of the pupil's account (``jan#2``).
    smartschool: str | None = None


@dataclass(frozen=True, slots=True)
class StaffRecord:
    staff_id: str
    first_name: str
    last_name: str
    role: str
    email: str | None = None
    language: str = "nl"
    telegram_chat_id: int | None = None
    line: int | None = None
    smartschool: str | None = None


@dataclass(frozen=True, slots=True)
class TeachingRecord:
    staff_id: str
    class_name: str
    role: str = "teacher"
    line: int | None = None


@dataclass(slots=True)
class RosterSnapshot:
    """A school's roster as a platform states it now.

    ``None`` for a part means the source did not provide it: the stored data of that part stays
    as it is. A list (even empty) is the complete current set: what is stored but not listed has
    left the school.
    """

    pupils: list[PupilRecord] | None = None
    guardians: list[GuardianRecord] | None = None
    staff: list[StaffRecord] | None = None
    teaching: list[TeachingRecord] | None = None
    rejects: list[RowReject] = field(default_factory=list)
    #: Rows read per part, keyed by the file (or endpoint) name.
    rows: Mapping[str, int] = field(default_factory=dict)
    #: The file (or endpoint) each part came from, keyed by part name ("pupils", ...).
    locations: Mapping[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: The contact channels each part states, by part (``"pupils"``, ``"guardians"``,
    #: ``"staff"``): the contacts the roster made on these channels follow it, contacts on
    #: other channels are left alone (a CSV roster does not remove Smartschool inboxes, nor a
    #: Smartschool roster the e-mail addresses of a pupils.csv). ``None``: the channels of the
    #: canonical CSV files (e-mail and Telegram, and a guardian's phone).
    channels: Mapping[str, tuple[str, ...]] | None = None
    #: Per part, the fields the source does not know (``"language"``, ``"spilfiguur"``,
    #: ``"guardian_consent"``, a staff ``"role"``): a person already stored keeps a stored value
    #: of these; the record's value only fills in what is empty (a new person's, say).
    kept: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Parts whose list is not the complete set: listed people are created or updated, but
    #: nobody stored is made inactive (Smartschool names the class teachers, not every member of
    #: staff: a care coordinator imported from a file stays).
    additive: frozenset[str] = frozenset()
    #: The teaching roles the teaching list is complete for (``None``: every role): stored
    #: assignments of other roles are left alone.
    teaching_roles: frozenset[str] | None = None


class RosterSource(abc.ABC):
    """A school's roster: pupils, guardians, staff and who teaches which class."""

    name: str

    @abc.abstractmethod
    async def snapshot(self) -> RosterSnapshot:
        """Read the whole roster. Rows that cannot be read are in ``rejects``."""
