"""Follow-up check-ins and guardian notices during a long absence (issue 3, "The ladder").

School day *n* of an episode is its *n*-th date with a mark, as for the care message, so a
follow-up only goes on a day the pupil is still marked absent:

- the pupil's follow-ups are on the school days ``1 + n * pupil.followup_every_school_days``
  that the episode reaches once it is long (``long_absence.school_days``), numbered *k* from 1
  to ``pupil.max_followups`` (defaults: days 7 and 10), at ``pupil.checkin_at``, on the conditions
  as the first check-in (age and channel on that day, codes up to that day, no pause). Answers
  do not stop them: they ask how the pupil is doing, not why;
- the guardians' follow-up *k* (1 to ``guardian.max_followups``) is
  ``k * guardian.followup_after_school_days`` school days after the day the first notice is
  about, at the first notice's time of day, only when a first notice was planned, that day is
  itself unexplained (a B or ``-`` mark: a justified day was explained) and no guardian
  answered about the episode before the follow-up is due. A pupil's answer softens it as it
  softens the first notice.

Both carry ``payload["variant"] = "followup"`` and ``payload["followup"] = k``; a guardian's
follow-up says since when the pupil is away (``payload["date"]``, the day the first notice was
about; ``payload["followup_day"]`` is its own day); their keys name
the step with its number (``pupil_checkin:2``, ``guardian_notice:2``) so that each is a promise
of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.domain import CodeClass, OutreachKind, code_class
from bot.engine.facts import ReplyFacts, SenderRole
from bot.outbox.records import PlannedOutreach

if TYPE_CHECKING:
    from bot.engine.episodes import Episode
    from bot.engine.planner import _Planner

__all__ = ["guardian_followups", "pupil_followups"]

_UNEXPLAINED = frozenset({CodeClass.PROBLEMATIC, CodeClass.UNKNOWN})


def pupil_followups(plan: _Planner, episode: Episode) -> list[PlannedOutreach]:
    pupil, rules = plan.pupil, plan.rules.pupil
    recipient = plan.pupil_recipient()
    if recipient is None:
        return []
    found: list[PlannedOutreach] = []
    every, dates = rules.followup_every_school_days, episode.dates
    long = plan.rules.long_absence.school_days
    days = [dates[i] for i in range(every, len(dates), every) if i + 1 >= long]
    for number, day in enumerate(days[: rules.max_followups], start=1):
        if day > plan.today:
            break
        if pupil.age_on(day) < rules.min_age or not plan.codes_allow(episode, day, "pupil_checkin"):
            continue
        due = plan.window.next_allowed(plan.checkin_time(day))
        if plan.paused(day, due):
            continue
        payload = {"date": day.isoformat(), "variant": "followup", "followup": number}
        found.append(
            plan.outreach(
                episode,
                OutreachKind.PUPIL_CHECKIN,
                recipient,
                due=due,
                payload=payload,
                step=f"pupil_checkin:{number + 1}",
            )
        )
    return found


def guardian_followups(
    plan: _Planner, episode: Episode, notices: list[PlannedOutreach]
) -> list[PlannedOutreach]:
    if not notices:
        return []
    first = min(notices, key=lambda item: item.due_at)
    about = dt.date.fromisoformat(first.payload["date"])
    moment = first.due_at.astimezone(plan.window.tz).time().replace(tzinfo=None)
    rules = plan.rules.guardian
    found: list[PlannedOutreach] = []
    for number, day in _followup_days(
        episode,
        episode.dates.index(about),
        rules.followup_after_school_days,
        rules.max_followups,
        plan.today,
    ):
        if not plan.codes_allow(episode, day, "guardian"):
            break
        if not any(m.date == day and code_class(m.code) in _UNEXPLAINED for m in episode.marks):
            continue
        base = plan.window.next_allowed(plan.window.local(day, moment))
        if _guardian_answered(plan.replies_before(episode, base)):
            break
        for guardian in plan.guardians(day):
            due = plan.due_for(guardian, base)  # later when the guardian chose a later moment
            replies = plan.replies_before(episode, due)
            if _guardian_answered(replies) or plan.paused(day, due):
                continue
            payload = {
                "date": about.isoformat(),  # "... who has been away since {date}"
                "followup_day": day.isoformat(),
                "missed_half_days": plan.missed_half_days(day),
                "soft": plan.softened(replies),
                "variant": "followup",
                "followup": number,
            }
            found.append(
                plan.outreach(
                    episode,
                    OutreachKind.GUARDIAN_NOTICE,
                    guardian,
                    due=due,
                    payload=payload,
                    step=f"guardian_notice:{number + 1}",
                )
            )
    return found


def _guardian_answered(replies: Sequence[ReplyFacts]) -> bool:
    return any(reply.sender_role == SenderRole.GUARDIAN for reply in replies)


def _followup_days(
    episode: Episode, first: int, every: int, most: int, today: dt.date
) -> list[tuple[int, dt.date]]:
    """``(k, date)`` of follow-up *k*: ``k * every`` school days of the episode after its
    ``first``-th date, up to ``most`` of them and none after ``today``."""
    dates = episode.dates
    found = []
    for number in range(1, most + 1):
        index = first + number * every
        if index >= len(dates) or dates[index] > today:
            break
        found.append((number, dates[index]))
    return found
