"""The mass-absence hold (issue 3, Safety): a feed that looks wrong holds outreach back.

When more than ``hold.class_percent`` of a class (of at least ``hold.min_class_size`` pupils),
or more than ``hold.school_percent`` of the school, is marked absent on one day, that is more
likely a school trip entered as absence or a broken export than a wave of pupils to worry
about. Everything the planner proposes about that day for the pupils of that scope (a row
whose payload ``date`` is the day) is then held back, and the coordinators of the pupils
concerned get one ``hold_alert`` with the figures, until one of them decides:

- ``released``: the absences are real; the held outreach is planned as usual, due no earlier
  than the release (a check-in of 10:30 released at 14:00 goes out at 14:00; one released after
  its expiry is not sent at all);
- ``discarded``: the feed was wrong; nothing about that day goes out for that scope (and when
  the feed is corrected, corrections do their usual work).

Detection is pure (:func:`detect`), as is the filtering (:func:`apply_holds`); the planner tick
stores the holds and their alerts. Only days with a feed, from :data:`LOOKBACK_DAYS` before
today up to today, are looked at.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.domain import SCHOOL_SCOPE, OutreachKind
from bot.engine.facts import PupilFacts
from bot.engine.window import Window
from bot.outbox.records import PlannedOutreach
from bot.rules import Hold

__all__ = [
    "LOOKBACK_DAYS",
    "NEVER_HELD",
    "Decided",
    "HoldState",
    "Suspect",
    "apply_holds",
    "detect",
]

LOOKBACK_DAYS = 14
"""How far back a day can still be found suspect: the planner plans nothing older."""

NEVER_HELD = frozenset({OutreachKind.HOLD_ALERT, OutreachKind.COORDINATOR_DIGEST})


class HoldState(StrEnum):
    HELD = "held"
    RELEASED = "released"
    DISCARDED = "discarded"


@dataclass(frozen=True, slots=True)
class Suspect:
    """A day on which too many pupils of a scope (a class, or :data:`SCHOOL_SCOPE`) are absent."""

    date: dt.date
    scope: str
    absent: int
    pupils: int


def detect(
    pupils: Sequence[PupilFacts],
    days: Iterable[dt.date],
    rules: Hold,
    class_sizes: Mapping[str, int] | None = None,
) -> list[Suspect]:
    """The scopes and days whose absences are too many to believe, in date and scope order.

    ``pupils`` must hold every pupil absent on ``days``; ``class_sizes`` counts the active
    pupils of every class (by default, those of ``pupils``).
    """
    wanted = set(days)
    size = Counter(pupil.class_name for pupil in pupils) if class_sizes is None else class_sizes
    school = sum(size.values())
    absent: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for pupil in pupils:
        for day in {mark.date for mark in pupil.marks} & wanted:
            absent[day][pupil.class_name] += 1
    found: list[Suspect] = []
    for day in sorted(absent):
        per_class = absent[day]
        total = sum(per_class.values())
        if rules.holds_school(total, school):
            found.append(Suspect(day, SCHOOL_SCOPE, total, school))
        found += [
            Suspect(day, name, count, size[name])
            for name, count in sorted(per_class.items())
            if rules.holds_class(count, size[name])
        ]
    return found


@dataclass(frozen=True, slots=True)
class Decided:
    """A hold: its state, when it was found, and when it was decided (released or discarded)."""

    state: HoldState
    decided_at: dt.datetime | None = None
    detected_at: dt.datetime | None = None


def apply_holds(
    planned: Sequence[PlannedOutreach],
    holds: Mapping[tuple[dt.date, str], Decided],
    class_of: Mapping[int, str],
    window: Window,
) -> tuple[list[PlannedOutreach], Counter[tuple[dt.date, str]]]:
    """The rows that may be planned, and how many each hold keeps back.

    A row about a held or discarded day of its pupil's class or of the school is kept back (a
    school hold wins when both apply); a row about a released day is due no earlier than the
    release (or the first allowed moment after it), and is left out when that is past its
    expiry: a check-in about Tuesday does not go out on Thursday.
    """
    kept: list[PlannedOutreach] = []
    held: Counter[tuple[dt.date, str]] = Counter()
    for item in planned:
        about = _about(item)
        if about is None or item.pupil_id is None or item.kind in NEVER_HELD:
            kept.append(item)
            continue
        scopes = [(about, SCHOOL_SCOPE), (about, class_of.get(item.pupil_id, ""))]
        decided = [(scope, holds[scope]) for scope in scopes if scope in holds]
        blocking = [scope for scope, hold in decided if hold.state is not HoldState.RELEASED]
        if blocking:
            held[blocking[0]] += 1
            continue
        released = [hold.decided_at for _, hold in decided if hold.decided_at is not None]
        if released and max(released) > item.due_at:
            due = window.next_allowed(max(released))
            if due >= item.expires_at:
                continue  # released too late: the message would be stale
            item = dataclasses.replace(item, due_at=due)
        kept.append(item)
    return kept, held


def _about(item: PlannedOutreach) -> dt.date | None:
    value = item.payload.get("date")
    return dt.date.fromisoformat(value) if isinstance(value, str) else None
