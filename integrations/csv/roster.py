"""A roster folder of canonical CSV files as a :class:`~integrations.abc.RosterSource`.

``pupils.csv`` is required; ``guardians.csv``, ``staff.csv`` and ``teaching.csv`` are optional,
and a missing one leaves that part of the stored roster as it is (its part is ``None``).

Each row is checked on its own (:mod:`integrations.csv._roster_rows`) and against the rows
before it in the same file (duplicates). References between files (a guardian's pupil, a
pupil's spilfiguur, a teacher's staff id) are checked by the importer, which also sees what is
stored for the parts the folder leaves out.
"""

from __future__ import annotations

import abc
import asyncio
import datetime as dt
import functools
import operator
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar

from integrations.abc import (
    GuardianRecord,
    PupilRecord,
    RosterSnapshot,
    RosterSource,
    RowReject,
    StaffRecord,
    TeachingRecord,
)
from integrations.csv import _roster_rows as rows
from integrations.csv._roster_rows import RowProblem
from integrations.csv.const import (
    GUARDIANS_FILE,
    GUARDIANS_OPTIONAL,
    GUARDIANS_REQUIRED,
    PUPILS_FILE,
    PUPILS_OPTIONAL,
    PUPILS_REQUIRED,
    STAFF_FILE,
    STAFF_OPTIONAL,
    STAFF_REQUIRED,
    TEACHING_FILE,
    TEACHING_OPTIONAL,
    TEACHING_REQUIRED,
)
from integrations.csv.reader import CsvTable
from integrations.exceptions import FeedParseError
from scheduler.clock import WallClock

__all__ = ["CsvRosterSource"]

R = TypeVar("R")

# A guardian's own details, repeated on each of their rows: (column, record attribute).
GUARDIAN_PERSON = (
    ("first_name", "first_name"),
    ("last_name", "last_name"),
    ("language", "language"),
    ("email", "email"),
    ("phone", "phone"),
    ("telegram", "telegram_chat_id"),
)
PERSON = operator.attrgetter(*(attribute for _column, attribute in GUARDIAN_PERSON))


class CsvRosterSource(RosterSource):
    """A roster folder, read off the event loop (the files are small).

    ``today`` is the date ages are checked against; by default the school's date at the time
    of :meth:`snapshot`.
    """

    def __init__(self, folder: Path, *, today: dt.date | None = None) -> None:
        self.folder = folder
        self.name = f"csv:{folder}"
        self._today = today

    async def snapshot(self) -> RosterSnapshot:
        today = self._today or WallClock().today()
        return await asyncio.to_thread(self._read, today)

    def _read(self, today: dt.date) -> RosterSnapshot:
        files = self._files()
        pupils = _read(files, _PupilRows(today))
        guardians = _read(files, _GuardianRows())
        staff = _read(files, _StaffRows())
        teaching = _read(files, _TeachingRows())
        snapshot = RosterSnapshot(
            pupils=pupils.records,
            guardians=guardians.records,
            staff=staff.records,
            teaching=teaching.records,
        )
        row_counts: dict[str, int] = {}
        locations: dict[str, str] = {}
        for part in (pupils, guardians, staff, teaching):
            snapshot.rejects.extend(part.rejects)
            snapshot.warnings.extend(part.warnings)
            if part.records is not None:
                row_counts[part.file] = part.rows
                locations[part.part] = part.file
        snapshot.rows = row_counts
        snapshot.locations = locations
        return snapshot

    def _files(self) -> dict[str, Path]:
        """The folder's files by lower-cased name (Windows users save ``Pupils.CSV``)."""
        where = str(self.folder)
        if not self.folder.exists():
            raise FeedParseError(where, "no such folder")
        if not self.folder.is_dir():
            raise FeedParseError(
                where, "not a folder: give the roster folder that holds pupils.csv"
            )
        try:
            entries = sorted(self.folder.iterdir())
        except OSError as err:
            raise FeedParseError(where, f"cannot be read: {err.strerror}") from err
        files: dict[str, Path] = {}
        for path in entries:
            # Not only regular files: a FIFO named pupils.csv is refused when it is read.
            if not path.is_dir():
                # An exact name wins over another spelling of it.
                key = path.name.lower()
                if key not in files or path.name == key:
                    files[key] = path
        if PUPILS_FILE not in files:
            raise FeedParseError(
                where,
                f"no {PUPILS_FILE} in this folder: it is required "
                f"({GUARDIANS_FILE}, {STAFF_FILE} and {TEACHING_FILE} are optional)",
            )
        return files


class _Part(Generic[R]):
    """What was read from one file: records (``None`` when the file is absent), rejects."""

    def __init__(self, part: str, file: str) -> None:
        self.part = part
        self.file = file
        self.records: list[R] | None = None
        self.rejects: list[RowReject] = []
        self.warnings: list[str] = []
        self.rows = 0


def _read(files: dict[str, Path], reader: _FileRows[R]) -> _Part[R]:
    path = files.get(reader.file)
    if path is None:
        result: _Part[R] = _Part(reader.part, reader.file)
        result.warnings.append(f"{reader.file} not in the folder: {reader.stored} left as they are")
        return result
    result = _Part(reader.part, path.name)
    records: list[R] = []
    with CsvTable(path, reader.required, reader.optional) as table:
        result.warnings.extend(table.warnings)
        reader.bind(table.columns, functools.partial(_dropped, result))
        for item in table:
            result.rows += 1
            if isinstance(item, RowReject):
                result.rejects.append(item)
                continue
            line, fields = item
            try:
                records.append(reader.read(line, fields))
            except RowProblem as problem:
                result.rejects.append(RowReject(path.name, line, problem.column, problem.reason))
    result.records = records
    return result


def _dropped(result: _Part[Any], line: int, column: str, reason: str) -> None:
    result.warnings.append(
        f"{result.file} line {line}, {column}: {reason}; left out, the rest of the row is kept"
    )


class _FileRows(abc.ABC, Generic[R]):
    """Reads the rows of one kind of file, remembering what earlier rows claimed."""

    part: str
    file: str
    #: What stays as stored when the file is absent, for the warning.
    stored: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    #: Columns whose values together may appear on one row only.
    unique: tuple[str, ...]

    def __init__(self, layout: rows.Layout[R]) -> None:
        self.layout = layout
        self.first: dict[object, int] = {}
        self._key_of = operator.attrgetter(*layout.attributes(self.unique))

    def bind(self, columns: Mapping[str, int], on_drop: rows.Dropped | None = None) -> None:
        """Prepare for a file with this header; bad optional values are told to ``on_drop``."""
        self._record = self.layout.reader(columns, on_drop)
        self._unique_at = [columns[column] for column in self.unique]

    def read(self, line: int, fields: list[str]) -> R:
        """The record of a row, or :class:`RowProblem`."""
        try:
            record = self._record(line, fields)
        except RowProblem:
            # A repeat is the bigger mistake: report it even when a value is bad as well.
            key = [fields[at].strip() for at in self._unique_at]
            if all(key):
                # Shaped as attrgetter shapes it: a value for one column, else a tuple.
                self._claim(key[0] if len(key) == 1 else tuple(key), line)
            raise
        self._claim(self._key_of(record), line)
        return record

    def _claim(self, key: object, line: int) -> None:
        # The first row with a key keeps it, even when that row was rejected: taking a later
        # one instead would only hide the mistake.
        first = self.first.setdefault(key, line)
        if first != line:
            parts = key if isinstance(key, tuple) else (key,)
            raise RowProblem(self.unique[-1], f"{self.repeat(parts)} on line {first}")

    @abc.abstractmethod
    def repeat(self, key: tuple[str, ...]) -> str:
        """What a repeated key means, for the reason."""


class _PupilRows(_FileRows[PupilRecord]):
    part, file, stored = "pupils", PUPILS_FILE, "pupils"
    required, optional, unique = PUPILS_REQUIRED, PUPILS_OPTIONAL, ("pupil_id",)

    def __init__(self, today: dt.date) -> None:
        super().__init__(rows.pupil_layout(today))

    def repeat(self, key: tuple[str, ...]) -> str:
        return f"pupil {key[0]!r} is already"


class _StaffRows(_FileRows[StaffRecord]):
    part, file, stored = "staff", STAFF_FILE, "staff"
    required, optional, unique = STAFF_REQUIRED, STAFF_OPTIONAL, ("staff_id",)

    def __init__(self) -> None:
        super().__init__(rows.STAFF_LAYOUT)

    def repeat(self, key: tuple[str, ...]) -> str:
        return f"staff member {key[0]!r} is already"


class _TeachingRows(_FileRows[TeachingRecord]):
    part, file, stored = "teaching", TEACHING_FILE, "teaching assignments"
    required, optional, unique = TEACHING_REQUIRED, TEACHING_OPTIONAL, ("staff_id", "class")

    def __init__(self) -> None:
        super().__init__(rows.TEACHING_LAYOUT)

    def repeat(self, key: tuple[str, ...]) -> str:
        return f"staff member {key[0]!r} is already listed for class {key[1]!r}"


class _GuardianRows(_FileRows[GuardianRecord]):
    """One row per guardian-pupil link: a guardian repeats, with the same details each time."""

    part, file, stored = "guardians", GUARDIANS_FILE, "guardians"
    required, optional, unique = GUARDIANS_REQUIRED, GUARDIANS_OPTIONAL, ("guardian_id", "pupil_id")

    def __init__(self) -> None:
        super().__init__(rows.GUARDIAN_LAYOUT)
        self.people: dict[str, tuple[int, tuple[object, ...]]] = {}

    def repeat(self, key: tuple[str, ...]) -> str:
        return f"guardian {key[0]!r} is already linked to pupil {key[1]!r}"

    def read(self, line: int, fields: list[str]) -> GuardianRecord:
        record = super().read(line, fields)
        details = PERSON(record)
        first_line, first = self.people.setdefault(record.guardian_id, (line, details))
        if details != first:
            # Which row would be true? The school has to say; name the first difference.
            for (column, _attribute), here, there in zip(
                GUARDIAN_PERSON, details, first, strict=True
            ):
                if here != there:
                    raise RowProblem(
                        column,
                        f"guardian {record.guardian_id!r} has {column} {here!r} here but "
                        f"{there!r} on line {first_line}; give a guardian the same details on "
                        "every row",
                    )
        return record
