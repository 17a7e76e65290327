"""How much a replayed period asks of the people who read Gemist's messages.

A coordinator who gets too many messages mutes the bot, and then the pupils who need a person
lose one. :func:`load_report` reads the messages of a replay (as ``gemist simulate --json``
prints them) and counts:

- the share of all messages that go to coordinators, split into what goes at once (urgent
  nudges, hold alerts), their daily messages, and a family's own words passed on;
- messages per coordinator per week: the mean, the 95th percentile and the largest, over every
  week in which Gemist sent anything (holidays left out), for every coordinator who got at
  least one message (a quiet week of theirs counts as 0);
- messages per family per week, over the weeks in which that family heard from the school;
- duplicates: the same text to the same person on the same day, beyond the first;
- pupil-days on which one coordinator got more than one message about the same pupil (a
  family's own words passed on are counted apart: they go out when they are written).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.domain import OutreachKind

__all__ = ["LoadReport", "load_report"]

FORWARD = OutreachKind.COORDINATOR_FORWARD
DAILY = OutreachKind.COORDINATOR_DIGEST


@dataclass(frozen=True, slots=True)
class Spread:
    """Counts per person per week."""

    mean: float
    p95: float
    max: int

    def __str__(self) -> str:
        return f"mean {self.mean:.1f}, p95 {self.p95:.0f}, max {self.max}"


@dataclass(frozen=True, slots=True)
class LoadReport:
    messages: int
    coordinator_messages: int
    coordinator_weekly: Spread
    urgent: int
    """Coordinator messages that went at once (urgent nudges, hold alerts)."""
    urgent_weekly: Spread
    daily: int
    """Coordinators' daily messages."""
    daily_weekly: Spread
    forwards: int
    """A family's or a pupil's own words, passed on as they were written."""
    family_weekly: Spread
    duplicates: int
    pupil_days_repeated: int
    pupil_days_repeated_forwards: int

    @property
    def coordinator_share(self) -> float:
        return self.coordinator_messages / self.messages if self.messages else 0.0

    def lines(self) -> list[str]:
        return [
            f"coordinator messages      {self.coordinator_messages:,} of {self.messages:,} "
            f"({self.coordinator_share:.1%})",
            f"per coordinator per week  {self.coordinator_weekly}",
            f"  at once (urgent)        {self.urgent:,}; per coordinator per week "
            f"{self.urgent_weekly}",
            f"  daily message           {self.daily:,}; per coordinator per week "
            f"{self.daily_weekly}",
            f"  own words passed on     {self.forwards:,}",
            f"per family per week       {self.family_weekly} (weeks they heard from the school)",
            f"duplicates                {self.duplicates} (same person, same text, same day)",
            f"pupil in more than one coordinator message a day: {self.pupil_days_repeated} "
            f"times (and {self.pupil_days_repeated_forwards} more with a family's own words)",
        ]


def _percentile(values: Sequence[int], share: float) -> float:
    """The nearest-rank percentile: the smallest value with ``share`` of the values at most it."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(share * len(ordered)) - 1)])


def _spread(counts: Iterable[int]) -> Spread:
    values = list(counts)
    if not values:
        return Spread(0.0, 0.0, 0)
    return Spread(sum(values) / len(values), _percentile(values, 0.95), max(values))


def _week(at: dt.datetime) -> tuple[int, int]:
    year, week, _ = at.isocalendar()
    return year, week


def _part(kind: str) -> str:
    """Which part of a coordinator's load a message of ``kind`` is."""
    if kind == DAILY:
        return "daily"
    return "forwards" if kind == FORWARD else "urgent"


def load_report(messages: Sequence[Mapping[str, Any]]) -> LoadReport:
    """Count the load of ``messages`` (``simulate --json`` objects) on their readers."""
    stamped = [(dt.datetime.fromisoformat(str(m["at"])), m) for m in messages]
    if not stamped:
        none = _spread(())
        return LoadReport(0, 0, none, 0, none, 0, none, 0, none, 0, 0, 0)
    weeks = sorted({_week(at) for at, _ in stamped})  # the weeks the school was sending

    per_coordinator: dict[str, Counter[tuple[int, int]]] = defaultdict(Counter)
    per_part: dict[str, dict[str, Counter[tuple[int, int]]]] = {
        part: defaultdict(Counter) for part in ("urgent", "daily", "forwards")
    }
    per_family: Counter[tuple[str, tuple[int, int]]] = Counter()
    same_text: Counter[tuple[str, str, dt.date, str]] = Counter()
    about_pupil: Counter[tuple[str, str, dt.date, bool]] = Counter()
    for at, message in stamped:
        role, person = str(message["recipient_role"]), str(message["recipient_id"])
        same_text[(role, person, at.date(), str(message["text"]))] += 1
        if role == "coordinator":
            per_coordinator[person][_week(at)] += 1
            per_part[_part(str(message["kind"]))][person][_week(at)] += 1
            if message.get("pupil_id"):
                forward = message["kind"] == FORWARD
                about_pupil[(person, str(message["pupil_id"]), at.date(), forward)] += 1
        elif role == "guardian":
            per_family[(person, _week(at))] += 1

    def weekly(part: Mapping[str, Counter[tuple[int, int]]]) -> Spread:
        """Per coordinator who got any coordinator message, per sending week."""
        return _spread(
            part.get(person, Counter()).get(week, 0) for person in per_coordinator for week in weeks
        )

    def total(part: Mapping[str, Counter[tuple[int, int]]]) -> int:
        return sum(sum(counts.values()) for counts in part.values())

    return LoadReport(
        messages=len(stamped),
        coordinator_messages=total(per_coordinator),
        coordinator_weekly=weekly(per_coordinator),
        urgent=total(per_part["urgent"]),
        urgent_weekly=weekly(per_part["urgent"]),
        daily=total(per_part["daily"]),
        daily_weekly=weekly(per_part["daily"]),
        forwards=total(per_part["forwards"]),
        family_weekly=_spread(per_family.values()),
        duplicates=sum(count - 1 for count in same_text.values()),
        pupil_days_repeated=sum(1 for (*_, fw), n in about_pupil.items() if n > 1 and not fw),
        pupil_days_repeated_forwards=sum(1 for (*_, fw), n in about_pupil.items() if n > 1 and fw),
    )
