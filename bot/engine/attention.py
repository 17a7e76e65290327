"""One message per pupil per day for the spilfiguur (issue 14, "Coordinators' attention").

A coordinator follows hundreds of pupils beside teaching: every message that is not needed
teaches them to stop reading. The nudges the planner works out for one pupil
(:mod:`bot.engine._nudges`, :mod:`bot.engine._notice_holds`) are settled here into what the
coordinator gets:

- **Urgent reasons go at once** (:data:`URGENT`): a pupil who asks to talk or says it is not
  going well (and the held notice that waits for the coordinator), a parent who asks for a
  call or did not know of the absence, a family that can no longer be reached, the CLB
  threshold. Urgent nudges due at the same instant are one message: the most urgent reason
  (:data:`RANK`) leads, the others follow as lines of it (``payload["also"]``), and the
  message names their keys (``payload["covers"]``) so that they are never said again.
- **The rest is gathered** into the coordinator's daily message (the digest, planned by the
  tick: :mod:`bot.engine._digest`): the row is moved to the coordinator's digest moment
  (``coordinator.digest_at``, or ``coordinator.digest_at_for`` of their staff id) on its day,
  or on the next school day when it came after that moment, and marked
  ``payload["gathered"]``. It stays a nudge of its own (it can be seen, snoozed, reminded of),
  but nobody gets it alone: the digest says it (:func:`is_gathered`).
- **Said once a day**: a reason that is not urgent, due on a day on which an urgent message
  about the pupil goes before the digest that would say it, is said in that message instead.

Nothing is dropped: a nudge is folded only into a message that has not gone out yet, so a
reason that becomes known after its message went out (the same instant, a late fact) goes
alone. The planner stays pure: all of this depends on the facts and the date, never on the
time of day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.domain import OutreachKind
from bot.outbox.records import PlannedOutreach, is_gathered

if TYPE_CHECKING:
    from bot.engine.planner import _Planner

__all__ = [
    "KIND",
    "RANK",
    "URGENT",
    "digest_due",
    "is_gathered",
    "one_message_a_day",
    "reason_of",
]

KIND = OutreachKind.COORDINATOR_NUDGE
URGENT = frozenset({"asks_to_talk", "held_notice", "did_not_know", "unreachable", "clb_threshold"})
"""Reasons that cannot wait for the daily message."""
RANK = (
    "asks_to_talk",
    "held_notice",
    "did_not_know",
    "unreachable",
    "clb_threshold",
    "informed_school",
    "no_answer",
    "absent_half_days",
    "pattern",
    "unacknowledged",
)
"""Most urgent first: the order of the reasons in a message and in the digest."""

_CONTEXT = frozenset({"school", "class_name", "sender", "contact", "first_name"})
"""The render context the tick adds: not repeated in the lines of a message."""


def reason_of(payload: Mapping[str, Any]) -> str:
    return str(payload.get("reason") or "")


def rank_of(payload: Mapping[str, Any]) -> int:
    reason = reason_of(payload)
    return RANK.index(reason) if reason in RANK else len(RANK)


def one_message_a_day(plan: _Planner, found: Sequence[PlannedOutreach]) -> list[PlannedOutreach]:
    """``found`` with the pupil's nudges settled: urgent ones of one instant merged, the rest
    gathered for the digest or said in an urgent message of the same day."""
    sent = {item.key for item in plan.pupil.sent}
    covered = {key for item in plan.pupil.sent for key in item.covers} - sent
    nudges = [r for r in found if r.kind == KIND and r.idempotency_key not in covered]
    others = [r for r in found if r.kind != KIND]
    urgent = [r for r in nudges if reason_of(r.payload) in URGENT]
    later = [r for r in nudges if reason_of(r.payload) not in URGENT]
    messages = _merge_urgent(urgent, sent)
    settled: list[PlannedOutreach] = []
    folded: dict[str, list[PlannedOutreach]] = defaultdict(list)
    for row in later:
        moment = _digest_due(plan, row)
        # One that went is proposed as it went (the outbox keeps it, the digest still lists it).
        host = None if row.idempotency_key in sent else _host(plan, messages, row, moment, sent)
        if host is not None:
            folded[host.idempotency_key].append(row)
        else:
            settled.append(_gathered(plan, row, moment))
    for message in messages:
        extra = folded.get(message.idempotency_key, [])
        settled.append(_with_lines(message, extra) if extra else message)
    return [*others, *settled]


def _merge_urgent(urgent: Sequence[PlannedOutreach], sent: set[str]) -> list[PlannedOutreach]:
    """Urgent rows due at the same instant as one message; a row that went out stays alone."""
    by_due: dict[dt.datetime, list[PlannedOutreach]] = defaultdict(list)
    for row in urgent:
        by_due[row.due_at].append(row)
    found: list[PlannedOutreach] = []
    for rows in by_due.values():
        found += [row for row in rows if row.idempotency_key in sent]
        waiting = sorted(
            (row for row in rows if row.idempotency_key not in sent),
            key=lambda row: (rank_of(row.payload), row.idempotency_key),
        )
        if waiting:
            found.append(_with_lines(waiting[0], waiting[1:]) if len(waiting) > 1 else waiting[0])
    return found


def _with_lines(message: PlannedOutreach, rows: Iterable[PlannedOutreach]) -> PlannedOutreach:
    """``message`` that also says ``rows``, most urgent first."""
    ordered = sorted(rows, key=lambda row: (rank_of(row.payload), row.idempotency_key))
    also = [*message.payload.get("also", ()), *(line(row.payload) for row in ordered)]
    covers = [
        *str(message.payload.get("covers", "")).split(),
        *(r.idempotency_key for r in ordered),
    ]
    payload = {**message.payload, "also": also, "covers": " ".join(covers)}
    return dataclasses.replace(message, payload=payload)


def line(payload: Mapping[str, Any]) -> dict[str, Any]:
    """What a reason's line in another message needs: its planner values, not the context."""
    return {name: value for name, value in payload.items() if name not in _CONTEXT}


def _host(
    plan: _Planner,
    messages: Sequence[PlannedOutreach],
    row: PlannedOutreach,
    moment: dt.datetime,
    sent: set[str],
) -> PlannedOutreach | None:
    """The urgent message that goes from ``row``'s day on and before the digest would say it,
    if any (a reason known in the evening joins the urgent message of that evening, or of
    the next morning)."""
    tz = plan.window.tz
    day = row.due_at.astimezone(tz).date()
    fitting = [
        message
        for message in messages
        if message.idempotency_key not in sent
        and message.due_at.astimezone(tz).date() >= day
        and message.due_at <= moment
        and message.recipient_id == row.recipient_id
    ]
    return min(fitting, key=lambda message: message.due_at) if fitting else None


def _digest_due(plan: _Planner, row: PlannedOutreach) -> dt.datetime:
    return digest_due(plan, row.due_at)


def digest_due(plan: _Planner, due: dt.datetime) -> dt.datetime:
    """The daily message a reason due at ``due`` goes in: the pupil's coordinator's digest
    moment on that day, or on the next school day when ``due`` comes after it."""
    window, tz = plan.window, plan.window.tz
    spilfiguur = plan.pupil.spilfiguur
    staff_id = spilfiguur.staff_id if spilfiguur is not None else ""
    moment = plan.rules.coordinator.digest_moment(staff_id)
    day = due.astimezone(tz).date()
    found = window.next_allowed(window.local(day, moment))
    if due > found:
        found = window.next_allowed(window.local(window.calendar.next_school_day(day), moment))
    return found


def _gathered(plan: _Planner, row: PlannedOutreach, due: dt.datetime) -> PlannedOutreach:
    payload = {**row.payload, "gathered": True}
    return dataclasses.replace(row, due_at=due, expires_at=plan.window.expiry(due), payload=payload)
