"""Smartschool's absence registrations as an :class:`~integrations.abc.AbsenceSource`.

``getAbsentsWithInternalNumberByDate`` answers one date for the whole school: per pupil (by
internal number, the roster's ``pupil_id``) the morning's and the afternoon's letter. That is a
complete snapshot of the date, so every date read is in :attr:`covers`: a pupil no longer listed
on a date read again had a mark removed in Smartschool, and the importer records a correction.

The caller chooses the dates (today and the school days before it: this source knows no
calendar). Letters are the school's own, mapped to canonical codes with the Flemish defaults and
the school's ``[codes]`` (:class:`~integrations.csv.values.CodeMapper`); ``"|"`` (present), an
empty letter and ``null`` (nothing registered) are no mark. A letter that cannot be mapped is a
:class:`~integrations.abc.RowReject` naming the method, date, internal number and half-day, and
its half-day is *kept*: a stored mark there is not taken as removed.

A call that fails (access code refused, no answer, a SOAP fault, JSON that cannot be read)
raises its error (:mod:`.exceptions`, in the ``Feed*`` tree), so that nothing of the feed is
stored. :meth:`SmartschoolAbsenceSource.read` calls Smartschool before the import starts, so
that no database lock is held while Smartschool is slow; :meth:`batches` gives what was read.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Iterable, Mapping

from integrations.abc import AbsenceBatch, AbsenceRow, AbsenceSource, RowReject
from integrations.csv.values import CodeMapper, ValueProblem, check_visible, excerpt
from integrations.smartschool._answers import Absences
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.exceptions import SmartschoolBadAnswer

__all__ = ["ABSENCES_METHOD", "NO_MARK", "SmartschoolAbsenceSource"]

ABSENCES_METHOD = "getAbsentsWithInternalNumberByDate"
NO_MARK = frozenset({"|", ""})
"""Letters that mean no absence: ``|`` is "present"; ``null`` (None) is "nothing registered"."""
HALVES = (("am", "am"), ("pm", "pm"))


class SmartschoolAbsenceSource(AbsenceSource):
    """The marks of ``dates`` in a school's Smartschool, one call per date."""

    def __init__(
        self,
        client: SmartschoolClient,
        dates: Iterable[dt.date],
        *,
        code_map: Mapping[str, str] | None = None,
    ) -> None:
        self.dates = tuple(sorted(set(dates)))
        if not self.dates:
            raise ValueError("Smartschool absences: no date to read")
        self.covers = self.dates
        first, last = self.dates[0].isoformat(), self.dates[-1].isoformat()
        span = first if first == last else f"{first} to {last}"
        self.location = f"{ABSENCES_METHOD} {span}"
        self.name = f"smartschool:{ABSENCES_METHOD}"
        self._client = client
        self._codes = CodeMapper(code_map)
        self._answers: dict[dt.date, Absences] | None = None
        self._error: BaseException | None = None

    async def read(self) -> None:
        """Call Smartschool for every date (at once, within the client's limit); the first
        failure is raised, and again by :meth:`batches`: nothing of this feed may be stored."""
        if self._answers is not None:
            return
        if self._error is not None:
            raise self._error
        results = await asyncio.gather(
            *(self._one(day) for day in self.dates), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                self._error = result
                raise result
        self._answers = dict(zip(self.dates, results, strict=True))  # type: ignore[arg-type]

    async def _one(self, day: dt.date) -> Absences:
        try:
            return await self._client.absents_with_internal_number_by_date(day)
        except SmartschoolBadAnswer as err:  # say which date's answer it was
            raise SmartschoolBadAnswer(f"{ABSENCES_METHOD} {day.isoformat()}", err.reason) from None

    async def batches(self) -> AsyncIterator[AbsenceBatch]:
        await self.read()
        assert self._answers is not None
        for day in self.dates:
            yield self._batch(day, self._answers[day])

    def _batch(self, day: dt.date, marks: Absences) -> AbsenceBatch:
        """One date's marks: a record per absent half-day, a reject per unusable one. A row
        is a half-day with a letter (or a pupil entry that cannot be read), so that the rows
        add up to what was imported, unchanged and rejected, as in a CSV feed."""
        batch = AbsenceBatch()
        where = f"{ABSENCES_METHOD} {day.isoformat()}"
        for number, halves in marks.items():
            pupil = number.strip()
            try:
                if not pupil:
                    raise ValueProblem("a pupil without an internal number")
                check_visible(pupil)
            except ValueProblem as problem:
                batch.rows += 1
                batch.rejects.append(
                    RowReject(where, None, f"pupil {excerpt(number)}", str(problem))
                )
                batch.kept.append((None, day, None))  # which pupil? keep the whole date
                continue
            for key, half in HALVES:
                letter = halves.get(key)
                if letter is None or letter.strip() in NO_MARK:
                    continue
                batch.rows += 1
                try:
                    code = self._codes(letter)
                except ValueProblem as problem:
                    reason = f"{problem}; map it in [codes] of the configuration"
                    batch.rejects.append(RowReject(where, None, f"pupil {pupil}, {half}", reason))
                    batch.kept.append((pupil, day, half))
                    continue
                row: AbsenceRow = (pupil, day, half, code, None, None, None)
                batch.records.append(row)
        return batch
