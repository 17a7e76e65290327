"""Comparing a roster part with what is stored, and writing only the difference, in bulk.

What is stored for the school is loaded into dicts once, compared in Python, and written with
one executemany statement per kind of change: no per-row round trips, no ORM objects. People
are keyed by the school's own id for them and never deleted, only made inactive. Links
(guardian-pupil, teacher-class) are keyed by the two database keys they join, and deleted when
no longer listed: they are current facts; what happened is kept elsewhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import SQLModel

from bot.imports.bulk import BulkWriter, bulk_writer
from bot.imports.runs import lock_school
from bot.models import Guardian, GuardianLink, Pupil, SchoolClass, Staff, TeachingAssignment

__all__ = [
    "GUARDIANS",
    "GUARDIAN_LINKS",
    "PUPILS",
    "STAFF",
    "TEACHING",
    "Links",
    "People",
    "Plan",
    "RosterStore",
    "Stored",
    "Values",
    "plan",
    "plan_people",
]

K = TypeVar("K", bound=Hashable)
Values = tuple[Any, ...]
#: What is stored per key: the row's database key and its compared values.
Stored = dict[K, tuple[int, Values]]


def _table(model: type[SQLModel]) -> sa.Table:
    table = sa.inspect(model).local_table
    assert isinstance(table, sa.Table)
    return table


@dataclass(frozen=True)
class People:
    """A table of a school's people, keyed by ``(school_id, key)``.

    ``columns`` are compared and written in this order; ``active`` comes last.
    """

    table: sa.Table
    key: str
    columns: tuple[str, ...]
    #: The role of these people in contacts (their addresses: :mod:`._roster_contacts`).
    role: str
    #: The column a person may choose themself, and the column that says they did: the roster
    #: does not change it then (a language chosen with /taal).
    chosen: tuple[str, str] | None = None


@dataclass(frozen=True)
class Links:
    """A table joining two rows; ``owner`` is the table of ``left`` and holds the school."""

    table: sa.Table
    left: str
    right: str
    owner: sa.Table
    columns: tuple[str, ...]


STAFF = People(
    _table(Staff), "staff_id", ("first_name", "last_name", "role", "language", "active"), "staff"
)
PUPILS = People(
    _table(Pupil),
    "pupil_id",
    (
        "first_name", "last_name", "birth_date", "class_id", "language", "spilfiguur_id",
        "guardian_consent", "active",
    ),
    "pupil",
    ("language", "language_chosen"),
)  # fmt: skip
GUARDIANS = People(
    _table(Guardian),
    "guardian_id",
    ("first_name", "last_name", "language", "active"),
    "guardian",
    ("language", "language_chosen"),
)
GUARDIAN_LINKS = Links(
    _table(GuardianLink), "guardian_id", "pupil_id", GUARDIANS.table, ("relation", "may_contact")
)
TEACHING = Links(_table(TeachingAssignment), "staff_id", "class_id", STAFF.table, ("role",))
CLASSES = _table(SchoolClass)


@dataclass
class Plan(Generic[K]):
    """The difference between what a part lists and what is stored."""

    new: dict[K, Values] = field(default_factory=dict)
    changed: dict[K, tuple[int, Values]] = field(default_factory=dict)
    same: set[K] = field(default_factory=set)
    #: Database keys of what is stored but no longer listed (of people: only active ones).
    gone: list[int] = field(default_factory=list)

    def touched(self) -> set[K]:
        """The keys whose row is created or changed."""
        return self.new.keys() | self.changed.keys()


def plan(stored: Stored[K], wanted: Mapping[K, Values], *, active_last: bool = False) -> Plan[K]:
    """Sort what is wanted into new, changed and the same; find what is stored but gone.

    With ``active_last`` (people), only the stored whose last value is true can be gone.
    """
    result: Plan[K] = Plan()
    new, changed, same, known_values = result.new, result.changed, result.same, stored.get
    for key, values in wanted.items():
        known = known_values(key)
        if known is None:
            new[key] = values
        elif known[1] == values:
            same.add(key)
        else:
            changed[key] = (known[0], values)
    if len(same) + len(changed) < len(stored):
        result.gone = [
            pk
            for key, (pk, values) in stored.items()
            if key not in wanted and (values[-1] or not active_last)
        ]
    return result


def plan_people(
    spec: People, stored: Stored[str], wanted: Mapping[str, Values], chosen: Iterable[str] = ()
) -> Plan[str]:
    """Like :func:`plan`, but what the ``chosen`` people chose themself (``spec.chosen``)
    keeps the stored value; the inactive stay so."""
    merged = dict(wanted)
    if spec.chosen is not None:
        at = spec.columns.index(spec.chosen[0])
        for key in chosen:
            values, known = wanted.get(key), stored.get(key)
            if values is not None and known is not None:
                merged[key] = (*values[:at], known[1][at], *values[at + 1 :])
    return plan(stored, merged, active_last=True)


class RosterStore:
    """Loads and writes a school's roster tables inside one open transaction.

    New rows go to the driver as plain tuples through :class:`~bot.imports.bulk.BulkWriter`
    (SQLAlchemy's per-row parameter handling would cost more than the database on a first
    import of a large school); changes and retirements, usually few, are Core executemany.
    """

    def __init__(
        self, conn: AsyncConnection, writer: BulkWriter, school_id: str, now: dt.datetime
    ) -> None:
        self.conn = conn
        self.writer = writer
        self.school_id = school_id
        self.now = now

    @classmethod
    async def open(cls, conn: AsyncConnection, school_id: str, now: dt.datetime) -> RosterStore:
        """Lock the school's roster and prepare to write it."""
        await lock_school(conn, school_id)
        return cls(conn, await bulk_writer(conn), school_id, now)

    async def load_people(self, spec: People) -> Stored[str]:
        table = spec.table
        query = sa.select(
            table.c[spec.key], table.c.id, *(table.c[name] for name in spec.columns)
        ).where(table.c.school_id == self.school_id)
        return {row[0]: (row[1], row[2:]) for row in await self.conn.execute(query)}

    async def chosen_people(self, spec: People) -> set[str]:
        """The keys of the people who chose ``spec.chosen`` themself."""
        if spec.chosen is None:
            return set()
        table = spec.table
        query = sa.select(table.c[spec.key]).where(
            table.c.school_id == self.school_id, table.c[spec.chosen[1]].is_(True)
        )
        return set((await self.conn.execute(query)).scalars())

    async def write_people(
        self, spec: People, stored: Stored[str], changes: Plan[str]
    ) -> dict[str, int]:
        """Insert the new, update the changed; return the database keys of everyone listed.

        The gone are left to :meth:`retire_people`.
        """
        if changes.new:
            await self._insert_people(spec, changes.new)
        if changes.changed:
            await self.conn.execute(
                _by_key(spec.table),
                [
                    {"row_pk": pk, "updated_at": self.now}
                    | dict(zip(spec.columns, values, strict=True))
                    for pk, values in changes.changed.values()
                ],
            )
        keys = {key: stored[key][0] for key in changes.same}
        keys.update((key, pk) for key, (pk, _values) in changes.changed.items())
        if changes.new:
            # Bulk inserts do not return keys on every driver; one query does.
            query = sa.select(spec.table.c[spec.key], spec.table.c.id).where(
                spec.table.c.school_id == self.school_id
            )
            created = {row[0]: row[1] for row in await self.conn.execute(query)}
            keys.update((key, created[key]) for key in changes.new)
        return keys

    async def _insert_people(self, spec: People, new: Mapping[str, Values]) -> None:
        writer, school, stamp = self.writer, self.school_id, self.writer.instant(self.now)
        dates = [at for at, name in enumerate(spec.columns) if _is_date(spec.table, name)]
        rows: list[tuple[Any, ...]] = []
        for key, values in new.items():
            if dates:
                listed = list(values)
                for at in dates:
                    listed[at] = writer.date(listed[at])
                values = tuple(listed)
            rows.append((school, key, *values, stamp))
        columns = ("school_id", spec.key, *spec.columns, "updated_at")
        await writer.insert(spec.table.name, columns, rows)

    async def retire_people(self, spec: People, keys: Iterable[int]) -> None:
        """Make people inactive; they stay, with their history."""
        params = [{"row_pk": pk} for pk in keys]
        if params:
            statement = _by_key(spec.table).values(active=False, updated_at=self.now)
            await self.conn.execute(statement, params)

    async def load_links(self, spec: Links) -> Stored[tuple[int, int]]:
        table, owner = spec.table, spec.owner
        query = sa.select(
            table.c[spec.left], table.c[spec.right], table.c.id, *(table.c[n] for n in spec.columns)
        ).where(
            table.c[spec.left].in_(sa.select(owner.c.id).where(owner.c.school_id == self.school_id))
        )
        return {(row[0], row[1]): (row[2], row[3:]) for row in await self.conn.execute(query)}

    async def write_links(self, spec: Links, changes: Plan[tuple[int, int]]) -> None:
        """Insert the new, update the changed links; the gone are left to :meth:`retire_links`."""
        if changes.new:
            rows = [(left, right, *values) for (left, right), values in changes.new.items()]
            columns = (spec.left, spec.right, *spec.columns)
            await self.writer.insert(spec.table.name, columns, rows)
        if changes.changed:
            await self.conn.execute(
                _by_key(spec.table),
                [
                    {"row_pk": pk} | dict(zip(spec.columns, values, strict=True))
                    for pk, values in changes.changed.values()
                ],
            )

    async def retire_links(self, spec: Links, keys: Iterable[int]) -> None:
        """Delete links that are no longer listed: they are current facts, not history."""
        params = [{"row_pk": pk} for pk in keys]
        if params:
            table = spec.table
            statement = sa.delete(table).where(table.c.id == sa.bindparam("row_pk"))
            await self.conn.execute(statement, params)

    async def load_classes(self) -> dict[str, int]:
        query = sa.select(CLASSES.c.name, CLASSES.c.id).where(CLASSES.c.school_id == self.school_id)
        return {row[0]: row[1] for row in await self.conn.execute(query)}

    async def ensure_classes(self, names: Iterable[str], known: dict[str, int]) -> None:
        """Create the classes in ``names`` that ``known`` lacks, and add their keys to it."""
        missing = sorted(set(names) - known.keys())
        if missing:
            await self.conn.execute(
                sa.insert(CLASSES), [{"school_id": self.school_id, "name": n} for n in missing]
            )
            known.update(await self.load_classes())


def _is_date(table: sa.Table, column: str) -> bool:
    return isinstance(table.c[column].type, sa.Date)


def _by_key(table: sa.Table) -> sa.Update:
    """An UPDATE of one row by database key; executemany sets the columns its rows name."""
    return sa.update(table).where(table.c.id == sa.bindparam("row_pk"))
