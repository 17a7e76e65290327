"""Pupils' facts kept from one planner tick to the next, for an owner that sees every write.

A planner tick reads the facts of the pupils something may be due for, each with their whole
school year (:func:`~bot.planning.facts_db.load_school_facts`), and most of them are what the
tick before read. :class:`FactsCache` keeps, per pupil, the facts and the render context read,
and once the roster's figures (staff, class sizes, coordinators) and the names staff messages
use for namesakes (:mod:`bot.planning.namesakes`, which only the roster decides); a tick then
reads only the pupils it does not hold. It also keeps the count of open nudges per coordinator
(the digest's), which changes only when a nudge goes out or is acknowledged. What else is
school-wide and changes with the outbox or the feed (the feed days, the holds, which pupils
have news) is read by every tick, as without it.

It is right only when its owner tells it of every change to what it holds, and so only
``gemist simulate`` uses it: one task writes the replay's private store and knows what each
write touched (see :mod:`bot.simulate`). The live service does not: imports, answers,
acknowledgements and the coordinators' commands reach its store from other processes too, so
its ticks read everything (the cache is then not passed). The owner calls:

- :meth:`FactsCache.forget_all` after a roster import (pupils, guardians, links, staff,
  classes, teaching assignments, the school's name): anything may have changed;
- :meth:`FactsCache.forget` with the pupils whose marks an import wrote, the pupil of a stored
  answer, and the pupil of every message of :data:`~bot.planning.facts_db.SENT_KINDS` that went
  out or whose acknowledgement changed, and of a check-in that ended without going out (the
  replay forgets everything then);
- :meth:`FactsCache.nudged` when a nudge went out (with the instant) or its acknowledgement
  changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.engine.facts import PupilFacts, StaffFacts
from bot.outbox.records import PlannedOutreach
from bot.planning.facts_db import (
    Chosen,
    Context,
    Person,
    read_open_nudges,
    read_pupils,
    read_school_figures,
    read_staff,
)
from bot.planning.namesakes import read_names_for_staff

__all__ = ["FactsCache"]

Roster = tuple[Mapping[int, Person], tuple[Mapping[str, int], Mapping[int, StaffFacts]]]
"""The staff by database id, then the class sizes and the coordinators by database id."""


class FactsCache:
    """The facts of the pupils earlier ticks read, until their owner says they changed."""

    def __init__(self) -> None:
        self._roster: tuple[str, Roster] | None = None
        """The school it was read for, and the roster's figures."""
        self._staff_names: tuple[str, Mapping[int, str]] | None = None
        """The school it was read for, and its pupils' names in staff messages (namesakes)."""
        self._school: tuple[str, str] | None = None
        """The school (id and name) the pupils' facts were read for."""
        self._pupils: dict[int, tuple[PupilFacts, Context] | None] = {}
        """Per database id; None for an id that named no active pupil."""
        self._open_nudges: (
            tuple[tuple[str, dt.date | None, dt.datetime | None], Mapping[int, int]] | None
        ) = None
        """The school and the first day they were counted from, and the counts."""
        self.proposed: dict[str, PlannedOutreach] = {}
        """What the last planner tick proposed and stored, by idempotency key.

        Proposed again unchanged, a row needs no look in the outbox: the tick stored it, and
        since then only the dispatcher wrote there, which never withdraws a row nor changes
        what the tick compares (due and expiry, payload, language, channel). A live store has
        other writers (another worker's tick may withdraw it), so only the replay keeps this."""

    def forget(self, pupils: Iterable[int]) -> None:
        """The facts of ``pupils`` (database ids) changed: read them again when needed."""
        for pupil in pupils:
            self._pupils.pop(pupil, None)

    def nudged(self, sent_at: dt.datetime | None = None) -> None:
        """A nudge went out at ``sent_at``, or its acknowledgement changed (no ``sent_at``):
        count the open ones again, unless the count kept leaves out what was sent then (it
        counts only what was sent before a day began, and the replay sends nothing earlier)."""
        if self._open_nudges is not None and sent_at is not None:
            before = self._open_nudges[0][2]
            if before is not None and sent_at >= before:
                return
        self._open_nudges = None

    def forget_all(self) -> None:
        """Anything may have changed (a roster import): read everything again."""
        self._school, self._roster, self._open_nudges = None, None, None
        self._staff_names = None
        self._pupils.clear()
        self.proposed = {}

    def held(self) -> frozenset[int]:
        """The pupils whose facts are kept (for the tests)."""
        return frozenset(self._pupils)

    async def roster(
        self, conn: AsyncConnection, school_id: str, channels: ChannelOrder = DEFAULT_ORDER
    ) -> Roster:
        """The staff and the school's figures, read on first use and after :meth:`forget_all`
        (a cache serves one school's order of channels)."""
        if self._roster is None or self._roster[0] != school_id:
            staff = await read_staff(conn, school_id, channels)
            self._roster = (school_id, (staff, await read_school_figures(conn, school_id, staff)))
        return self._roster[1]

    async def open_nudges(
        self,
        conn: AsyncConnection,
        school_id: str,
        year_start: dt.date | None,
        before: dt.datetime | None = None,
    ) -> Mapping[int, int]:
        """Per coordinator, the nudges since ``year_start`` (and sent before ``before``) nobody
        acknowledged; counted on first use, after :meth:`nudged`, and for another school, year
        or day."""
        key = (school_id, year_start, before)
        if self._open_nudges is None or self._open_nudges[0] != key:
            counted = await read_open_nudges(conn, school_id, year_start, before)
            self._open_nudges = (key, counted)
        return self._open_nudges[1]

    async def pupils(
        self,
        conn: AsyncConnection,
        school_id: str,
        school_name: str,
        staff: Mapping[int, Person],
        chosen: Chosen,
        channels: ChannelOrder = DEFAULT_ORDER,
    ) -> list[tuple[PupilFacts, Context]]:
        """The chosen pupils' facts and contexts (every active pupil's with None), in order of
        roster id; read from the store only for the pupils not held.

        The order is Python's order of the roster ids, which is SQLite's (the store of the
        replay, the only owner), so the rows come out as from a read of all of them.
        """
        if self._school != (school_id, school_name):  # the context names the school
            self._pupils.clear()
            self._school = (school_id, school_name)
        if chosen is None:
            names = await self._names_for_staff(conn, school_id)
            everyone = await read_pupils(
                conn, school_id, school_name, staff, None, channels, staff_names=names
            )
            self._pupils.update({facts.id: (facts, context) for facts, context in everyone})
            return everyone
        missing = [pupil for pupil in chosen if pupil not in self._pupils]
        if missing:
            names = await self._names_for_staff(conn, school_id)
            read = await read_pupils(
                conn, school_id, school_name, staff, missing, channels, staff_names=names
            )
            found = {facts.id: (facts, context) for facts, context in read}
            self._pupils.update({pupil: found.get(pupil) for pupil in missing})
        held = [entry for pupil in chosen if (entry := self._pupils[pupil]) is not None]
        held.sort(key=lambda entry: entry[0].pupil_id)
        return held

    async def _names_for_staff(self, conn: AsyncConnection, school_id: str) -> Mapping[int, str]:
        """:func:`~bot.planning.namesakes.read_names_for_staff`, read on first use and after
        :meth:`forget_all`: it depends only on the active pupils' classes and names, which only
        a roster import writes."""
        if self._staff_names is None or self._staff_names[0] != school_id:
            self._staff_names = (school_id, await read_names_for_staff(conn, school_id))
        return self._staff_names[1]
