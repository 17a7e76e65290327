"""``coordinator_digest``: each coordinator's overview of the school day (issue 3, The ladder).

Planned from the first tick of a school day on an allowed weekday, due at
``coordinator.digest_at``, to every spilfiguur with a channel; what it counts is settled before
the day starts, so the first tick's digest is the one that goes out (the key is per day and
coordinator) and planning it ahead keeps the planner's output free of the time of day:

- ``new_absences``: the coordinator's pupils whose absence began on the previous school day
  (absent then and not on the school day before it);
- only absences whose code counts for the coordinator (``codes.<code>.coordinator``: not A, a
  toddler below compulsory school age) are counted;
- ``open_nudges``: nudges to the coordinator this school year that nobody marked as seen;
- ``pupils_back``: the coordinator's pupils expected back today (a return date in the feed or
  in a ``return:`` answer).

A coordinator with nothing to report gets no digest: an empty overview teaches people to
stop reading it. The digest is never capped and never held (see :mod:`bot.planning.gate`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping

from bot.domain import OutreachKind, Role
from bot.engine.episodes import Mark
from bot.engine.facts import PupilFacts, StaffFacts
from bot.engine.window import Window
from bot.outbox.records import PlannedOutreach
from bot.rules import Rules

__all__ = ["KIND", "plan_digests"]

KIND = OutreachKind.COORDINATOR_DIGEST


def plan_digests(
    school_id: str,
    pupils: Iterable[PupilFacts],
    *,
    coordinators: Mapping[int, StaffFacts],
    open_nudges: Mapping[int, int],
    rules: Rules,
    window: Window,
    today: dt.date,
) -> list[PlannedOutreach]:
    """Today's digest for every coordinator who has something in it.

    ``pupils`` must hold at least every pupil absent on the previous school day or expected
    back today; ``open_nudges`` counts, per coordinator, the nudges of this school year that
    nobody acknowledged.
    """
    if not window.allows_day(today):
        return []
    calendar = window.calendar
    day_starts = window.local(today, dt.time())
    yesterday = calendar.previous_school_day(today)
    before = calendar.previous_school_day(yesterday)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for staff_id, count in open_nudges.items():
        counts[staff_id][1] = count
    for pupil in pupils:
        coordinator = pupil.spilfiguur
        if coordinator is None:
            continue
        # Only these marks can tell: absent on either of the last two school days, or
        # expected back today (looking up the code of every mark of the year took long).
        counted = [
            mark
            for mark in pupil.marks
            if (mark.date in (yesterday, before) or mark.expected_return == today)
            and rules.code(mark.code).coordinator
        ]
        days = {mark.date for mark in counted}
        tally = counts[coordinator.id]
        tally[0] += yesterday in days and before not in days
        tally[2] += _back_today(pupil, counted, today, day_starts)
    due = window.next_allowed(window.local(today, rules.coordinator.digest_at))
    found: list[PlannedOutreach] = []
    for staff_id, (new, open_count, back) in sorted(counts.items()):
        coordinator = coordinators.get(staff_id)
        if coordinator is None or coordinator.channel is None:
            continue
        if not (new or open_count or back):
            continue
        found.append(
            PlannedOutreach(
                school_id=school_id,
                idempotency_key=f"{school_id}:digest-{today.isoformat()}:{KIND}:coordinator:"
                f"{coordinator.staff_id}",
                kind=KIND,
                recipient_role=Role.COORDINATOR,
                recipient_id=coordinator.id,
                channel=coordinator.channel,
                lang=coordinator.language,
                due_at=due,
                expires_at=window.expiry(due),
                payload={
                    "date": today.isoformat(),
                    "new_absences": new,
                    "open_nudges": open_count,
                    "pupils_back": back,
                },
            )
        )
    return found


def _back_today(
    pupil: PupilFacts, counted: Iterable[Mark], today: dt.date, day_starts: dt.datetime
) -> bool:
    """Expected back today, as known when the day began (a later answer comes too late for the
    morning's overview, and must not make one appear in the afternoon)."""
    if any(mark.expected_return == today and mark.date < today for mark in counted):
        return True
    return any(r.return_date == today and r.at < day_starts for r in pupil.replies)
