"""The canonical CSV files as an :class:`AbsenceSource` and a :class:`RosterSource`."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from pathlib import Path

from bot.domain import UNKNOWN_CODE
from integrations.abc import AbsenceBatch, AbsenceSource, RowReject
from integrations.csv.const import ABSENCES_OPTIONAL, ABSENCES_REQUIRED, HALF_DAYS
from integrations.csv.reader import CsvTable
from integrations.csv.values import (
    CodeMapper,
    ValueProblem,
    check_visible,
    excerpt,
    parse_date,
)

__all__ = ["CsvAbsenceSource"]

BATCH_ROWS = 20_000
RETURN_WITHIN = dt.timedelta(days=366)
"""How far after the absence an expected return date may be: a later one is a typo."""


class CsvAbsenceSource(AbsenceSource):
    """An ``absences.csv`` feed, read in batches off the event loop."""

    def __init__(
        self,
        path: Path,
        *,
        code_map: Mapping[str, str] | None = None,
        batch_rows: int = BATCH_ROWS,
        covers: Iterable[dt.date] = (),
    ) -> None:
        self.path = path
        self.covers = tuple(sorted(set(covers)))
        self.location = path.name
        self.name = f"csv:{path.name}"
        self._code_mapper = CodeMapper(code_map)
        self._batch_rows = batch_rows
        self._warnings: list[str] = []
        # Spellings already seen, and what they mean.
        self._dates: dict[str, dt.date] = {}
        self._halves: dict[str, str] = {}
        self._codes: dict[str, str] = {}
        self._pupils: set[str] = set()  # ids whose characters were checked
        self._parsers: dict[str, Callable[[str, dict[str, object]], object]] = {
            "pupil_id": self._parse_pupil,
            "date": self._parse_date,
            "half_day": self._parse_half,
            "code": self._parse_code,
            "expected_return": self._parse_return,
        }

    def warnings(self) -> list[str]:
        return list(self._warnings)

    async def batches(self) -> AsyncIterator[AbsenceBatch]:
        table = await asyncio.to_thread(
            CsvTable, self.path, ABSENCES_REQUIRED, ABSENCES_OPTIONAL, name=self.location
        )
        self._warnings.extend(table.warnings)
        try:
            rows = iter(table)
            while True:
                batch = await asyncio.to_thread(self._read_batch, rows, table.columns)
                if batch.rows == 0:
                    break
                yield batch
        finally:
            table.close()

    def _read_batch(
        self, rows: Iterator[tuple[int, list[str]] | RowReject], columns: dict[str, int]
    ) -> AbsenceBatch:
        """Read up to ``batch_rows`` rows: the hot loop of every import.

        Written for speed: each distinct spelling of a date, half-day or code is parsed once and
        then found in a dict; the slow, careful path runs only for text not seen before.
        """
        batch = AbsenceBatch()
        records = batch.records
        append = records.append
        pupil_at = columns["pupil_id"]
        date_at = columns["date"]
        half_at = columns["half_day"]
        code_at = columns.get("code")
        return_at = columns.get("expected_return")
        note_at = columns.get("note")
        dates, halves, codes, pupils = self._dates, self._halves, self._codes, self._pupils
        limit = self._batch_rows
        count = 0
        for item in rows:
            count += 1
            if item.__class__ is RowReject:
                batch.rejects.append(item)
                batch.kept.append((None, None, None))  # a row we cannot split names nothing sure
            else:
                line, fields = item  # type: ignore[misc]
                pupil = fields[pupil_at].strip()
                day = dates.get(fields[date_at])
                half = halves.get(fields[half_at])
                code = codes.get(fields[code_at]) if code_at is not None else UNKNOWN_CODE
                back = None
                if return_at is not None and fields[return_at]:
                    back = self._expected_return(fields[return_at], day)
                if pupil in pupils and day and half and code and back is not False:
                    note = fields[note_at].strip() or None if note_at is not None else None
                    append((pupil, day, half, code, back, note, line))  # type: ignore[arg-type]
                else:
                    self._careful(batch, line, fields, columns)
            if count >= limit:
                break
        batch.rows = count
        return batch

    def _expected_return(self, text: str, day: dt.date | None) -> dt.date | bool | None:
        """The parsed date, ``None`` for blank, ``False`` when it is wrong (reported later)."""
        if not text.strip():
            return None
        try:
            back = parse_date(text)
        except ValueProblem:
            return False
        if day is not None and not day <= back <= day + RETURN_WITHIN:
            return False
        return back

    def _careful(
        self, batch: AbsenceBatch, line: int, fields: list[str], columns: dict[str, int]
    ) -> None:
        """Check a row value by value: import it, or reject it at its first unusable value.

        The fast loop sends a row here when a value is unusable *or* merely spelled in a way not
        seen before; the good spellings are learnt, so the fast loop knows them next time.
        """
        parsed: dict[str, object] = {"code": UNKNOWN_CODE, "expected_return": None}
        for column, parse in self._parsers.items():
            at = columns.get(column)
            if at is None:
                continue
            try:
                parsed[column] = parse(fields[at], parsed)
            except ValueProblem as problem:
                batch.rejects.append(RowReject(self.location, line, column, str(problem)))
                batch.kept.append(self._named(fields, columns))
                return
        at = columns.get("note")
        note = (fields[at].strip() or None) if at is not None else None
        batch.records.append(
            (parsed["pupil_id"], parsed["date"], parsed["half_day"], parsed["code"],  # type: ignore[arg-type]
             parsed["expected_return"], note, line)
        )  # fmt: skip

    def _named(
        self, fields: list[str], columns: dict[str, int]
    ) -> tuple[str | None, dt.date | None, str | None]:
        """The half-day a rejected row still names, as far as it names it readably."""
        named: list[object] = []
        for column in ("pupil_id", "date", "half_day"):
            try:
                named.append(self._parsers[column](fields[columns[column]], {}))
            except ValueProblem:
                named.append(None)
        return named[0], named[1], named[2]  # type: ignore[return-value]

    # Careful parsers, in the order a row is checked; each caches what it accepts.

    def _parse_pupil(self, text: str, parsed: dict[str, object]) -> str:
        pupil = text.strip()
        if not pupil:
            raise ValueProblem("is empty")
        self._pupils.add(check_visible(pupil))
        return pupil

    def _parse_date(self, text: str, parsed: dict[str, object]) -> dt.date:
        day = self._dates[text] = parse_date(text)
        return day

    def _parse_half(self, text: str, parsed: dict[str, object]) -> str:
        half = HALF_DAYS.get(text.strip().lower())
        if half is None:
            raise ValueProblem(f"{excerpt(text.strip())} is not a half-day (am/pm or vm/nm)")
        self._halves[text] = half
        return half

    def _parse_code(self, text: str, parsed: dict[str, object]) -> str:
        code = self._codes[text] = self._code_mapper(text)
        return code

    def _parse_return(self, text: str, parsed: dict[str, object]) -> dt.date | None:
        if not text.strip():
            return None
        back = parse_date(text)
        day = parsed["date"]
        assert isinstance(day, dt.date)
        if back < day:
            raise ValueProblem(f"{back.isoformat()} is before the absence ({day.isoformat()})")
        if back > day + RETURN_WITHIN:
            raise ValueProblem(
                f"{back.isoformat()} is more than a year after the absence ({day.isoformat()}): "
                "is the year right?"
            )
        return back
