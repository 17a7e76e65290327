"""``guardian_correction`` and ``pupil_correction``: a short apology when a message turned out to
be wrong (issue 3, Safety; issue 13, "Corrections and apologies").

A guardian was told their child was missing on a day; a later import no longer lists any
absence of the pupil on that day (the register was corrected: the pupil was there). Each
guardian who got that notice receives one apology, keyed on the notice, so it goes out once.

- Only for a day without any active mark left. A changed code (B became Z after a doctor's note)
  is no mistake in the notice: the pupil was away, and no apology follows.
- To the guardians who got the notice and may still be contacted (roster, rules file, consent
  of an adult pupil); a pause of the pupil on the day it is due silences it.
- Due at ``pupil.checkin_at`` today, or at once when that time has passed (but not before the
  notice itself went out); the delivery window applies.
- Planned pending rows about the same notice are cancelled by the planner tick anyway: the
  tick withdraws every row the planner no longer proposes.

A pupil who got a check-in ("we missed you today") about a day that the register no longer
lists gets one apology too, keyed on the check-in, on the same conditions of time and window
(pupils have no contact moments; a pause silences it), while the check-in is at most
:data:`PUPIL_APOLOGY_SCHOOL_DAYS` school days old: a correction weeks later is the adults'
business, and a pupil is not told about a message they have long forgotten.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain import OutreachKind
from bot.outbox.records import PlannedOutreach

if TYPE_CHECKING:
    from bot.engine.planner import _Planner

__all__ = ["PUPIL_APOLOGY_SCHOOL_DAYS", "guardian_corrections", "pupil_corrections"]

KIND = OutreachKind.GUARDIAN_CORRECTION
PUPIL_KIND = OutreachKind.PUPIL_CORRECTION
PUPIL_APOLOGY_SCHOOL_DAYS = 5
"""A check-in older than this many school days gets no apology any more."""


def guardian_corrections(plan: _Planner) -> list[PlannedOutreach]:
    """One apology per sent guardian notice whose day has no absence left."""
    pupil = plan.pupil
    absent_on = {mark.date for mark in pupil.marks}
    reachable = {recipient.id: recipient for recipient in plan.guardians(plan.today)}
    found: list[PlannedOutreach] = []
    for sent in pupil.sent:
        if sent.kind != OutreachKind.GUARDIAN_NOTICE or sent.date is None or sent.date in absent_on:
            continue
        recipient = reachable.get(sent.recipient_id)
        if recipient is None:
            continue
        due = plan.due_for(
            recipient, plan.window.next_allowed(max(sent.sent_at, plan.checkin_time(plan.today)))
        )
        if plan.paused(plan.today, due):
            continue
        found.append(
            plan.outreach(
                sent.key,
                KIND,
                recipient,
                due=due,
                payload={"date": sent.date.isoformat(), "notice": sent.key},
                step="correction",
            )
        )
    return found


def pupil_corrections(plan: _Planner) -> list[PlannedOutreach]:
    """One apology per recent check-in whose day has no absence left."""
    pupil, calendar = plan.pupil, plan.window.calendar
    recipient = plan.pupil_recipient()
    if recipient is None:
        return []
    absent_on = {mark.date for mark in pupil.marks}
    found: list[PlannedOutreach] = []
    for sent in pupil.sent:
        if sent.kind != OutreachKind.PUPIL_CHECKIN or sent.date is None or sent.date in absent_on:
            continue
        if calendar.school_day_after(sent.date, PUPIL_APOLOGY_SCHOOL_DAYS) < plan.today:
            continue
        due = plan.window.next_allowed(max(sent.sent_at, plan.checkin_time(plan.today)))
        if plan.paused(plan.today, due):
            continue
        payload = {"date": sent.date.isoformat(), "checkin": sent.key}
        found.append(
            plan.outreach(
                sent.key, PUPIL_KIND, recipient, due=due, payload=payload, step="correction"
            )
        )
    return found
