"""Importing a school's roster: pupils, guardians, staff and who teaches which class.

Every part a source provides is a snapshot. Listed people are created or updated; people stored
but no longer listed are made inactive, never deleted (absence marks and history point at
them); a person listed again is active again. Guardian links and teaching assignments that are
no longer listed are deleted: they are current facts, not history. A part the source does not
provide (``None``) is left as stored.

A file with rejected rows is not a complete list: a missing person may be the rejected row. So
from such a file nobody is made inactive and no link is deleted; a warning says so.

A source may know less than the CSV files (:class:`~integrations.abc.RosterSnapshot`): the
fields it does not know (Smartschool: a language, a spilfiguur) keep their stored value; a part
that is not the complete set (Smartschool's staff: the class teachers) makes nobody inactive;
the teaching list may speak for some roles only (Smartschool's titularissen); and the contacts
follow the roster only on the channels it states.

References are checked here, for every source alike: a pupil's spilfiguur and a teacher's staff
id must name a staff member, a guardian's pupil a pupil, in the same snapshot or, for a part the
source leaves out, among the active people stored. A row naming an unknown one is rejected in
its own file. Classes are created as pupils and teachers name them.

Counts per file (the summaries of ``import --json``):

* ``imported``: rows that created or changed something (making a person active again included);
  a ``guardians.csv`` row counts when its link or, on the guardian's first row, the guardian's
  details are new or changed;
* ``unchanged``: rows identical to what is stored;
* ``corrections``: stored entries the file no longer lists that were retired: pupils or staff
  made inactive, guardian links or teaching assignments deleted. (A guardian left with no link
  is made inactive as well; the links are what ``guardians.csv`` lists, so they are counted.)

Everything is written in one transaction; an unusable file leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.contacts import PHONE
from bot.imports import _roster_store as store
from bot.imports._roster_contacts import RosterContacts
from bot.imports.report import FileReport, ImportReport
from bot.imports.runs import recorded_run
from bot.imports.turns import Waiting
from integrations.abc import GuardianRecord, RosterSnapshot, RosterSource, RowReject
from scheduler.clock import Clock

__all__ = ["PARTS", "import_roster"]

#: The parts of a roster, in the order of docs/contracts.md and of the report.
PARTS = ("pupils", "guardians", "staff", "teaching")
# What a part retires, for the warning when it may not.
NOUNS = {
    "pupils": "pupil",
    "guardians": "guardian or guardian link|guardians and guardian links",
    "staff": "staff member",
    "teaching": "teaching assignment",
}
SMARTSCHOOL = "smartschool"
"""The contact channel of a Smartschool inbox (a roster from Smartschool states it)."""
#: The part that lists the people of a role (contacts are kept per role).
PART_OF_ROLE = {"pupil": "pupils", "guardian": "guardians", "staff": "staff"}
#: The stored column of a record's field, where the two names differ.
COLUMN_OF = {"spilfiguur": "spilfiguur_id"}


class _Located(Protocol):
    @property
    def line(self) -> int | None: ...


R = TypeVar("R", bound=_Located)


async def import_roster(
    engine: AsyncEngine,
    source: RosterSource,
    *,
    school_id: str,
    school_name: str,
    clock: Clock,
    started_by: str | None = None,
    waiting: Waiting | None = None,
) -> ImportReport:
    """Import ``source`` for ``school_id``: one file report per part provided, in :data:`PARTS`
    order. An unusable input (:class:`FeedParseError`) is reported in ``error``, nothing stored.
    While another import of the school runs, this one waits for it (``waiting`` is told once).
    """
    report = ImportReport(kind="roster")
    async with recorded_run(
        engine,
        report,
        school_id=school_id,
        school_name=school_name,
        source=source.name,
        clock=clock,
        started_by=started_by,
        waiting=waiting,
    ):
        snapshot = await source.snapshot()
        files = _file_reports(snapshot)
        report.files = list(files.values())
        report.warnings.extend(snapshot.warnings)
        async with engine.begin() as conn:
            db = await store.RosterStore.open(conn, school_id, clock.now())
            await _RosterImport(db, snapshot, files, report.warnings).run()
    return report


def _file_reports(snapshot: RosterSnapshot) -> dict[str, FileReport]:
    """A report per part provided, keyed by part, holding that file's rejects."""
    files: dict[str, FileReport] = {}
    for part in PARTS:
        if getattr(snapshot, part) is not None:
            name = snapshot.locations.get(part, part)
            files[part] = FileReport(name, rows=snapshot.rows.get(name, 0))
    by_name = {report.file: report for report in files.values()}
    for reject in snapshot.rejects:
        # A reject of a file that provided no part still gets reported, under its own name.
        target = by_name.get(reject.file)
        if target is None:
            target = by_name[reject.file] = files[reject.file] = FileReport(reject.file)
        target.rejects.append(reject)
    return files


class _RosterImport:
    """One roster import inside its transaction: staff first, as pupils and classes name them."""

    def __init__(
        self,
        db: store.RosterStore,
        snapshot: RosterSnapshot,
        files: dict[str, FileReport],
        warnings: list[str],
    ) -> None:
        self.db = db
        self.snapshot = snapshot
        self.files = files
        self.warnings = warnings
        self.classes: dict[str, int] = {}
        self.contacts = RosterContacts(db.conn, db.writer, db.school_id, db.now)

    async def run(self) -> None:
        self.classes = await self.db.load_classes()
        staff = await self._staff()
        pupils = await self._pupils(staff)
        await self._guardians(pupils)
        await self._teaching(staff)
        for report in self.files.values():
            report.rejects.sort(key=lambda reject: reject.line or 0)

    async def _staff(self) -> dict[str, int]:
        """Store the staff part; return the staff pupils and classes may name."""
        stored = await self.db.load_people(store.STAFF)
        records = self.snapshot.staff
        if records is None:
            return _active(stored)
        wanted = {
            r.staff_id: (r.first_name, r.last_name, r.role, r.language, True) for r in records
        }
        wanted = self._kept(store.STAFF, "staff", stored, wanted)
        addresses = {
            r.staff_id: _addresses(r.email, r.telegram_chat_id, smartschool=r.smartschool)
            for r in records
        }
        keys = await self._store_people(store.STAFF, "staff", stored, wanted, addresses)
        if "staff" in self.snapshot.additive:
            # Not the complete staff: the others stay, and pupils and classes may name them.
            return {**_active(stored), **keys}
        return keys

    async def _pupils(self, staff: Mapping[str, int]) -> dict[str, int]:
        """Store the pupils part; return the pupils guardians may name."""
        stored = await self.db.load_people(store.PUPILS)
        records = self.snapshot.pupils
        if records is None:
            return _active(stored)
        if "spilfiguur" in self.snapshot.kept.get("pupils", ()):
            # A stored spilfiguur stays: the record's only fills in, so it need not be known.
            at = store.PUPILS.columns.index("spilfiguur_id")
            has_one = {key for key, (_pk, values) in stored.items() if values[at] is not None}
            records = [
                dataclasses.replace(r, spilfiguur=None)
                if r.spilfiguur is not None and r.pupil_id in has_one
                else r
                for r in records
            ]
        records = self._known(
            records, "pupils", "spilfiguur", lambda r: r.spilfiguur, staff, "staff", "staff member"
        )
        await self.db.ensure_classes((r.class_name for r in records), self.classes)
        classes = self.classes
        wanted = {
            r.pupil_id: (
                r.first_name, r.last_name, r.birth_date, classes[r.class_name], r.language,
                None if r.spilfiguur is None else staff[r.spilfiguur], r.guardian_consent, True,
            )
            for r in records
        }  # fmt: skip
        wanted = self._kept(store.PUPILS, "pupils", stored, wanted)
        addresses = {
            r.pupil_id: _addresses(r.email, r.telegram_chat_id, smartschool=r.smartschool)
            for r in records
        }
        return await self._store_people(store.PUPILS, "pupils", stored, wanted, addresses)

    def _kept(
        self,
        spec: store.People,
        part: str,
        stored: store.Stored[str],
        wanted: dict[str, store.Values],
    ) -> dict[str, store.Values]:
        """``wanted`` with the stored values of the fields the source does not know, where a
        value is stored: the record's value only fills in what is empty."""
        fields = self.snapshot.kept.get(part)
        if not fields:
            return wanted
        places = [spec.columns.index(COLUMN_OF.get(name, name)) for name in sorted(fields)]
        merged: dict[str, store.Values] = {}
        for key, values in wanted.items():
            known = stored.get(key)
            if known is not None:
                listed = list(values)
                for at in places:
                    if known[1][at] is not None:
                        listed[at] = known[1][at]
                values = tuple(listed)
            merged[key] = values
        return merged

    def _channels(self, role: str) -> tuple[str, ...] | None:
        """The contact channels the roster states for ``role`` (None: the CSV files')."""
        stated = self.snapshot.channels
        return None if stated is None else tuple(stated.get(PART_OF_ROLE[role], ()))

    async def _store_people(
        self,
        spec: store.People,
        part: str,
        stored: store.Stored[str],
        wanted: dict[str, store.Values],
        addresses: Mapping[str, Mapping[str, str | None]],
    ) -> dict[str, int]:
        """Upsert a part with one row per person; return the listed people's keys."""
        keys, changes, touched = await self._write_people(spec, stored, wanted, addresses)
        report = self.files[part]
        report.imported += len(touched)
        report.unchanged += len(changes.same - touched)
        if part in self.snapshot.additive:
            return keys
        if self._may_retire(part, len(changes.gone)):
            await self.db.retire_people(spec, changes.gone)
            report.corrections += len(changes.gone)
        return keys

    async def _write_people(
        self,
        spec: store.People,
        stored: store.Stored[str],
        wanted: dict[str, store.Values],
        addresses: Mapping[str, Mapping[str, str | None]],
    ) -> tuple[dict[str, int], store.Plan[str], set[str]]:
        """Write the people and their contacts; the keys of everyone listed, the people's
        plan, and the people whose row or contacts changed."""
        chosen = await self.db.chosen_people(spec)
        changes = store.plan_people(spec, stored, wanted, chosen)
        keys = await self.db.write_people(spec, stored, changes)
        by_pk = {keys[key]: key for key in addresses}
        touched = await self.contacts.sync(
            spec.role,
            {keys[key]: listed for key, listed in addresses.items()},
            self._channels(spec.role),
        )
        return keys, changes, changes.touched() | {by_pk[pk] for pk in touched}

    async def _guardians(self, pupils: Mapping[str, int]) -> None:
        """Store the guardians part: the guardians, and their link to each pupil."""
        records = self.snapshot.guardians
        if records is None:
            return
        records = self._known(
            records, "guardians", "pupil_id", lambda r: r.pupil_id, pupils, "pupils", "pupil"
        )
        # The source made sure a guardian's rows agree: the first one speaks for the person.
        first: dict[str, GuardianRecord] = {}
        for r in records:
            first.setdefault(r.guardian_id, r)
        wanted = {key: (r.first_name, r.last_name, r.language, True) for key, r in first.items()}
        addresses = {
            key: _addresses(r.email, r.telegram_chat_id, phone=r.phone, smartschool=r.smartschool)
            for key, r in first.items()
        }
        stored = await self.db.load_people(store.GUARDIANS)
        wanted = self._kept(store.GUARDIANS, "guardians", stored, wanted)
        keys, people, changed_people = await self._write_people(
            store.GUARDIANS, stored, wanted, addresses
        )
        pairs = [(keys[r.guardian_id], pupils[r.pupil_id]) for r in records]
        links = store.plan(
            await self.db.load_links(store.GUARDIAN_LINKS),
            {pair: (r.relation, r.may_contact) for pair, r in zip(pairs, records, strict=True)},
        )
        await self.db.write_links(store.GUARDIAN_LINKS, links)
        report = self.files["guardians"]
        changed_links = links.touched()
        for pair, r in zip(pairs, records, strict=True):
            person = first[r.guardian_id] is r and r.guardian_id in changed_people
            if person or pair in changed_links:
                report.imported += 1
            else:
                report.unchanged += 1
        if self._may_retire("guardians", len(links.gone) + len(people.gone)):
            await self.db.retire_links(store.GUARDIAN_LINKS, links.gone)
            await self.db.retire_people(store.GUARDIANS, people.gone)
            report.corrections += len(links.gone)

    async def _teaching(self, staff: Mapping[str, int]) -> None:
        """Store the teaching part: who teaches which class, as titularis or teacher."""
        records = self.snapshot.teaching
        if records is None:
            return
        records = self._known(
            records, "teaching", "staff_id", lambda r: r.staff_id, staff, "staff", "staff member"
        )
        await self.db.ensure_classes((r.class_name for r in records), self.classes)
        wanted = {(staff[r.staff_id], self.classes[r.class_name]): (r.role,) for r in records}
        stored = await self.db.load_links(store.TEACHING)
        roles = self.snapshot.teaching_roles
        if roles is not None:  # the list speaks for these roles only: the others stay
            stored = {k: v for k, v in stored.items() if v[1][0] in roles or k in wanted}
        changes = store.plan(stored, wanted)
        await self.db.write_links(store.TEACHING, changes)
        report = self.files["teaching"]
        report.imported += len(changes.new) + len(changes.changed)
        report.unchanged += len(changes.same)
        if self._may_retire("teaching", len(changes.gone)):
            await self.db.retire_links(store.TEACHING, changes.gone)
            report.corrections += len(changes.gone)

    def _known(
        self,
        records: list[R],
        part: str,
        column: str,
        reference: Callable[[R], str | None],
        known: Mapping[str, int],
        target: str,
        what: str,
    ) -> list[R]:
        """The records whose reference is empty or known; the others are rejected."""
        kept: list[R] = []
        for record in records:
            name = reference(record)
            if name is None or name in known:
                kept.append(record)
            else:
                reason = self._unknown(target, what, name)
                self.files[part].rejects.append(
                    RowReject(self.files[part].file, record.line, column, reason)
                )
        return kept

    def _unknown(self, target: str, what: str, name: str) -> str:
        report = self.files.get(target)
        if report is None:
            return f"no active {what} {name!r} is stored, and this roster has no {target} list"
        reason = f"no {what} {name!r} in {report.file}"
        if report.rejects:
            reason += " (or its row there was rejected)"
        return reason

    def _may_retire(self, part: str, gone: int) -> bool:
        """Whether what a file no longer lists may be retired: not when rows were rejected."""
        report = self.files[part]
        if gone and report.rejects:
            self.warnings.append(
                f"{report.file}: {_count(report.rejected, 'row')} rejected, so "
                f"{_count(gone, NOUNS[part])} it no longer lists "
                f"{'stays' if gone == 1 else 'stay'} as stored; fix those rows and import again"
            )
            return False
        return gone > 0


def _count(number: int, noun: str) -> str:
    """``1 pupil``, ``2 pupils``; ``noun`` is singular, or ``singular|plural``."""
    one, _bar, many = noun.partition("|")
    return f"{number} {one if number == 1 else many or one + 's'}"


def _addresses(
    email: str | None,
    chat: int | None,
    *,
    phone: str | None = None,
    smartschool: str | None = None,
) -> dict[str, str | None]:
    """A roster row's addresses per channel; a guardian's phone is kept as a contact too."""
    found = {"email": email, "telegram": None if chat is None else str(chat)}
    if phone is not None:
        found[PHONE] = phone
    if smartschool is not None:
        found[SMARTSCHOOL] = smartschool
    return found


def _active(stored: store.Stored[str]) -> dict[str, int]:
    """The keys of the active people stored (``active`` is the last value)."""
    return {key: pk for key, (pk, values) in stored.items() if values[-1]}
