"""``coordinator_digest``: each coordinator's overview of the school day (issue 3, The ladder).

Planned from the first tick of a school day on an allowed weekday, due at
``coordinator.digest_at``, to every spilfiguur with a channel; what it counts is settled before
the day starts, so the first tick's digest is the one that goes out (the key is per day and
coordinator) and planning it ahead keeps the planner's output free of the time of day:

- ``new_absences``: the coordinator's pupils whose absence began on the previous school day
  (absent then and not on the school day before it);
- ``open_nudges``: nudges to the coordinator this school year that nobody marked as seen;
- ``pupils_back``: the coordinator's pupils expected back today (a return date in the feed or
  in a ``return:`` answer).

A coordinator with nothing to report gets no digest: an empty overview teaches people to
stop reading it. The digest is never capped and never held (see :mod:`bot.engine.gate`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from bot.engine._window import Window
from bot.engine.facts import PupilFacts, StaffFacts
from bot.outbox.records import PlannedOutreach
from bot.rules import Rules

__all__ = ["KIND", "plan_digests"]

KIND = "coordinator_digest"


def plan_digests(
    pupils: Iterable[PupilFacts], *, rules: Rules, window: Window, today: dt.date
) -> list[PlannedOutreach]:
    """Today's digest for every coordinator who has something in it."""
    if not window.allows_day(today):
        return []
    calendar = window.calendar
    yesterday = calendar.previous_school_day(today)
    before = calendar.previous_school_day(yesterday)
    year = calendar.school_year_of(today)
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    coordinators: dict[int, tuple[str, StaffFacts]] = {}
    for pupil in pupils:
        coordinator = pupil.spilfiguur
        if coordinator is None or coordinator.channel is None:
            continue
        coordinators[coordinator.id] = (pupil.school_id, coordinator)
        tally = counts[coordinator.id]
        days = {mark.date for mark in pupil.marks}
        tally[0] += yesterday in days and before not in days
        tally[1] += sum(
            1
            for sent in pupil.sent
            if sent.kind == "coordinator_nudge"
            and sent.recipient_id == coordinator.id
            and not sent.acknowledged
            and year.span_start <= sent.sent_at.astimezone(window.tz).date() <= year.span_end
        )
        tally[2] += _back_today(pupil, today)
    due = window.next_allowed(window.local(today, rules.coordinator.digest_at))
    found: list[PlannedOutreach] = []
    for staff_id, (school_id, coordinator) in sorted(coordinators.items()):
        new, open_nudges, back = counts[staff_id]
        if not (new or open_nudges or back):
            continue
        assert coordinator.channel is not None
        found.append(
            PlannedOutreach(
                school_id=school_id,
                idempotency_key=f"digest-{today.isoformat()}:{KIND}:coordinator:"
                f"{coordinator.staff_id}",
                kind=KIND,
                recipient_role="coordinator",
                recipient_id=coordinator.id,
                channel=coordinator.channel,
                lang=coordinator.language,
                due_at=due,
                expires_at=window.expiry(due),
                payload={
                    "date": today.isoformat(),
                    "new_absences": new,
                    "open_nudges": open_nudges,
                    "pupils_back": back,
                },
            )
        )
    return found


def _back_today(pupil: PupilFacts, today: dt.date) -> bool:
    if any(mark.expected_return == today for mark in pupil.marks):
        return True
    return any(reply.return_date == today for reply in pupil.replies)
