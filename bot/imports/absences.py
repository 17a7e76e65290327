"""Importing an absence feed: a snapshot per date, corrections kept, nothing lost or guessed.

For every date the feed contains, the feed is the complete list of absent half-days. What is
stored for such a date and no longer listed is retracted (a correction); a changed code is a
correction too; the old values stay in :class:`~bot.models.MarkCorrection`.

The whole feed is one transaction: a file found unusable halfway leaves nothing behind.

Two paths, one result. A date with nothing stored yet (the daily case, and a first import) is
*fresh*: its marks are appended straight to ``absence_mark``. A date with stored marks goes
through a temporary stage table and is merged with set-based SQL that records the corrections.
Duplicates inside the file are found in memory, before anything is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.imports.bulk import BulkWriter, bulk_writer
from bot.imports.merge import merge_stage, stage_columns
from bot.imports.report import FileReport, ImportReport
from bot.imports.runs import lock_school, recorded_run
from bot.imports.turns import Waiting
from bot.models import FeedDay, Pupil
from integrations.abc import AbsenceRow, AbsenceSource, RowReject
from integrations.base import prefetch
from integrations.csv.values import excerpt
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock

__all__ = ["MARK_COLUMNS", "import_absences"]

MARK_COLUMNS = (
    "school_id", "pupil_id", "date", "half_day", "code", "expected_return", "note",
    "source", "first_seen", "last_seen", "run_id",
)  # fmt: skip
STAGE_COLUMNS = ("line", "pupil_id", "date", "half_day", "code", "expected_return", "note", "keep")
STAGE = "gemist_stage_marks"
KEY_DATE_BITS = 23
"""Bits of a half-day's in-file key below the pupil: the date's ordinal (under 2**22 for every
date Python has) shifted once, and the half-day; so two pupils' keys never meet."""
YEARS_BACK = 5
YEARS_AHEAD = 1
"""A feed's dates lie within the current school year, the five before it and the next one
(1 September to 31 August, the current one by the import's clock); a date outside is a typo."""

Progress = Callable[[int], None]


async def import_absences(
    engine: AsyncEngine,
    source: AbsenceSource,
    *,
    school_id: str,
    school_name: str,
    clock: Clock,
    started_by: str | None = None,
    waiting: Waiting | None = None,
    progress: Progress | None = None,
    calendar: SchoolCalendar | None = None,
) -> ImportReport:
    """Import ``source`` for ``school_id``; the report says what happened, row by row.

    With the school's ``calendar``, marks on half-days without lessons are pointed out (they
    are stored as the feed says, but the care engine does not act on them). While another
    import of the school runs, this one waits for it (``waiting`` is told once).
    """
    report = ImportReport(kind="absences")
    file = FileReport(source.location)
    report.files.append(file)
    async with recorded_run(
        engine,
        report,
        school_id=school_id,
        school_name=school_name,
        source=source.name,
        clock=clock,
        started_by=started_by,
        waiting=waiting,
    ) as run_id:
        async with engine.begin() as conn:
            job = _FeedImport(conn, await bulk_writer(conn), school_id, run_id, clock, file)
            job.calendar = calendar
            await job.run(source, progress)
        report.warnings.extend(source.warnings())
        report.warnings.extend(job.warnings())
    return report


@dataclass(frozen=True, slots=True)
class _Day:
    fresh: bool  # nothing stored for this date before this import
    value: Any  # the date as the driver stores it
    key: int  # the date's part of a half-day key
    lessons: tuple[str, ...]  # the half-days with lessons (both when there is no calendar)


def plausible_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last date a feed imported on ``today`` may hold (see :data:`YEARS_BACK`)."""
    start = today.year if today.month >= 9 else today.year - 1  # the current school year's
    return dt.date(start - YEARS_BACK, 9, 1), dt.date(start + YEARS_AHEAD + 1, 8, 31)


class _FeedImport:
    """The state of one feed import inside its transaction."""

    def __init__(
        self,
        conn: AsyncConnection,
        writer: BulkWriter,
        school_id: str,
        run_id: int,
        clock: Clock,
        file: FileReport,
    ) -> None:
        self.conn = conn
        self.writer = writer
        self.school_id = school_id
        self.run_id = run_id
        self.now = clock.now()
        self.file = file
        self.pupils: dict[str, int] = {}
        # (pupil, date, half-day) packed in an int -> line << 32 | digest of the values.
        self.seen: dict[int, int] = {}
        # Per date in the feed: whether it is fresh, and its value for the driver and the key.
        self.days: dict[dt.date, _Day] = {}
        self.withdrawn: set[int] = set()
        self.withdrawn_rows: list[tuple[int, dt.date, str, bool]] = []
        self.appended = 0
        self.staging = False
        # Retraction needs a complete list: rejected rows can make a date's list, or the file's,
        # incomplete.
        self.retract = True
        self.guarded_dates: set[dt.date] = set()
        self.calendar: SchoolCalendar | None = None
        # Marks on half-days without lessons: how many, and the first one.
        self.off_lessons = 0
        self.first_off_lessons: tuple[dt.date, str] | None = None

    async def run(self, source: AbsenceSource, progress: Progress | None) -> None:
        await lock_school(self.conn, self.school_id)
        rows = await self.conn.execute(
            sa.select(col(Pupil.pupil_id), col(Pupil.id)).where(
                col(Pupil.school_id) == self.school_id
            )
        )
        self.pupils = {pupil_id: pk for pupil_id, pk in rows if pk is not None}
        async for batch in prefetch(source.batches()):
            self.file.rows += batch.rows
            self.file.rejects.extend(batch.rejects)
            await self._write(batch.records, batch.kept, source.name)
            if progress is not None:
                progress(self.file.rows)
        await self._cover(source.covers)
        await self._withdraw_conflicts()
        self.file.imported += self.appended
        if self.staging:
            merged = await merge_stage(
                self.conn,
                STAGE,
                school_id=self.school_id,
                run_id=self.run_id,
                source=source.name,
                now=self.now,
                retract=self.retract,
                guarded_dates=self.guarded_dates,
            )
            self.file.imported += merged.imported
            self.file.unchanged += merged.unchanged
            self.file.corrections += merged.corrections
            await self.writer.drop_stage(STAGE)
        await self._record_feed_days()
        self.file.rejects.sort(key=lambda reject: reject.line or 0)

    async def _write(
        self,
        records: list[AbsenceRow],
        kept: list[tuple[str | None, dt.date | None, str | None]],
        source_name: str,
    ) -> None:
        """Check one batch against the roster and the rest of the file, and write it."""
        school, run, pupils, seen = self.school_id, self.run_id, self.pupils, self.seen
        days, withdrawn, date_value = self.days, self.withdrawn, self.writer.date
        now = self.writer.instant(self.now)
        appended: list[tuple[Any, ...]] = []
        staged: list[tuple[Any, ...]] = []
        for record in records:
            pupil_id, day, half, code, back, note, line = record
            pk = pupils.get(pupil_id)
            if pk is None:
                self._reject(
                    line, "pupil_id", f"no pupil with id {excerpt(pupil_id)} in the roster"
                )
                continue
            known = days.get(day) or await self._learn_date(day)
            if known.key < 0:
                self._reject(line, "date", self._implausible(day))
                continue
            key = (pk << KEY_DATE_BITS) | known.key | (half == "pm")
            packed = ((line or 0) << 32) | (hash((code, back, note)) & 0xFFFFFFFF)
            if seen.setdefault(key, packed) is not packed or (withdrawn and key in withdrawn):
                self._duplicate(record, key, packed, pk)
                continue
            if half not in known.lessons:
                self._off_lessons(day, half)
            if back is not None:
                back = date_value(back)
            if known.fresh:
                appended.append(
                    (school, pk, known.value, half, code, back, note, source_name, now, now, run)
                )
            else:
                staged.append((line, pk, known.value, half, code, back, note, False))
        staged.extend(await self._keep(kept))
        if appended:
            await self.writer.insert("absence_mark", MARK_COLUMNS, appended)
            self.appended += len(appended)
        if staged:
            await self._ensure_stage()
            await self.writer.insert(STAGE, STAGE_COLUMNS, staged)

    def warnings(self) -> list[str]:
        """What the user must know about marks that were kept because rows were rejected."""
        name = self.file.file
        notes = []
        if self.first_off_lessons is not None:
            day, half = self.first_off_lessons
            notes.append(
                f"{name}: {self.off_lessons} mark(s) fall on half-days without lessons in the "
                f"school calendar (the first: {day.isoformat()} {half}); they are stored, but "
                "Gemist does not act on them"
            )
        if not self.retract:
            notes.append(
                f"{name}: some rejected rows name no readable date, so no stored mark was "
                "taken back by this import; fix those rows and import the file again"
            )
        elif self.guarded_dates:
            days = ", ".join(day.isoformat() for day in sorted(self.guarded_dates))
            notes.append(
                f"{name}: rows without a readable pupil id were rejected, so no stored mark of "
                f"{days} was taken back; fix those rows and import the file again"
            )
        return notes

    async def _keep(
        self, kept: list[tuple[str | None, dt.date | None, str | None]]
    ) -> list[tuple[Any, ...]]:
        """Guard what rejected rows name against retraction; stage rows that say so."""
        staged: list[tuple[Any, ...]] = []
        for pupil_id, day, half in kept:
            if day is None:
                self.retract = False  # which date's list is incomplete? We cannot tell.
                continue
            known = self.days.get(day) or await self._learn_date(day)
            if known.fresh:
                continue  # nothing stored for that date, nothing to guard
            if pupil_id is None:
                self.guarded_dates.add(day)
                continue
            pk = self.pupils.get(pupil_id)
            if pk is not None:
                for each in (half,) if half else ("am", "pm"):
                    staged.append((None, pk, known.value, each, None, None, None, True))
        return staged

    def _duplicate(self, record: AbsenceRow, key: int, packed: int, pk: int) -> None:
        """A second row for a half-day: a repeat is rejected, a conflict rejects both."""
        _, day, half, _, _, _, line = record
        when = f"{day.isoformat()} {half}"
        if key in self.withdrawn:  # the pair was already found conflicting
            self._reject(line, None, f"conflicts with another row for {when}; not imported")
            return
        earlier = self.seen[key]
        first_line = earlier >> 32
        if earlier & 0xFFFFFFFF == packed & 0xFFFFFFFF:
            self._reject(line, None, f"repeats line {first_line} (same mark for {when})")
            return
        self._reject(
            line,
            None,
            f"conflicts with line {first_line}: another mark for {when}; neither imported",
        )
        self._reject(
            first_line,
            None,
            f"conflicts with line {line}: another mark for {when}; neither imported",
        )
        del self.seen[key]
        self.withdrawn.add(key)
        self.withdrawn_rows.append((pk, day, half, self.days[day].fresh))

    async def _withdraw_conflicts(self) -> None:
        """Take back the first row of each conflicting pair; a stored mark stays as it was."""
        for pk, day, half, was_fresh in self.withdrawn_rows:
            where = "WHERE pupil_id = :pupil AND date = :date AND half_day = :half"
            if was_fresh:
                sql = f"DELETE FROM absence_mark {where}"
                self.appended -= 1
            else:
                sql = f"UPDATE {STAGE} SET keep = TRUE, code = NULL {where}"
            await self.conn.execute(
                sa.text(sql).bindparams(sa.bindparam("date", type_=sa.Date)),
                {"pupil": pk, "date": day, "half": half},
            )

    def _reject(self, line: int | None, column: str | None, reason: str) -> None:
        self.file.rejects.append(RowReject(self.file.file, line, column, reason))

    async def _cover(self, dates: Iterable[dt.date]) -> None:
        """Dates the feed covers whole, whether or not it listed anyone on them: a stored date
        goes through the merge (so marks it no longer lists are retracted), every one becomes
        a feed day."""
        marker: list[tuple[Any, ...]] = []
        for day in dates:
            known = self.days.get(day) or await self._learn_date(day)
            if not known.fresh:
                # A keep row of no pupil (ids start at 1): it keeps nothing, but puts the date
                # in the stage, and the merge looks at every date in the stage.
                marker.append((None, 0, known.value, "am", None, None, None, True))
        if marker:
            await self._ensure_stage()
            await self.writer.insert(STAGE, STAGE_COLUMNS, marker)

    async def _learn_date(self, day: dt.date) -> _Day:
        """The first row of a date: is anything stored for it yet? A date outside
        :func:`plausible_dates` gets the key ``-1``: its rows are rejected, nothing is looked up."""
        first, last = plausible_dates(self.now.date())
        if not first <= day <= last:
            known = self.days[day] = _Day(fresh=True, value=None, key=-1, lessons=())
            return known
        stored = await self.conn.scalar(
            sa.text(
                "SELECT 1 FROM absence_mark WHERE school_id = :school AND date = :date LIMIT 1"
            ).bindparams(sa.bindparam("date", type_=sa.Date)),
            {"school": self.school_id, "date": day},
        )
        known = self.days[day] = _Day(
            fresh=stored is None,
            value=self.writer.date(day),
            key=day.toordinal() << 1,
            lessons=self._lessons(day),
        )
        return known

    def _lessons(self, day: dt.date) -> tuple[str, ...]:
        if self.calendar is None:
            return ("am", "pm")
        try:
            return tuple(self.calendar.half_days(day))
        except ValueError:  # a year the calendar does not know: say nothing rather than guess
            return ("am", "pm")

    def _off_lessons(self, day: dt.date, half: str) -> None:
        self.off_lessons += 1
        if self.first_off_lessons is None:
            self.first_off_lessons = (day, half)

    async def _ensure_stage(self) -> None:
        if not self.staging:
            await self.writer.create_stage(STAGE, stage_columns(self.conn.dialect.name))
            self.staging = True

    def _implausible(self, day: dt.date) -> str:
        first, last = plausible_dates(self.now.date())
        return (
            f"{day.isoformat()} is outside the school years a feed can hold "
            f"({first.isoformat()} to {last.isoformat()}): is the year right?"
        )

    async def _record_feed_days(self) -> None:
        if not any(known.key >= 0 for known in self.days.values()):
            return
        table = FeedDay.__table__  # type: ignore[attr-defined]
        insert: Any
        if self.conn.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(table)
        statement = statement.on_conflict_do_update(
            index_elements=["school_id", "date"],
            set_={"last_imported_at": statement.excluded.last_imported_at, "run_id": self.run_id},
        )
        await self.conn.execute(
            statement,
            [
                {
                    "school_id": self.school_id,
                    "date": day,
                    "first_imported_at": self.now,
                    "last_imported_at": self.now,
                    "run_id": self.run_id,
                }
                for day, known in sorted(self.days.items())
                if known.key >= 0
            ],
        )
