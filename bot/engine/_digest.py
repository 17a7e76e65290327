"""``coordinator_digest``: each coordinator's one daily message (issue 14).

What is not urgent about a pupil is not sent on its own: the planner gathers it for the
coordinator's daily message (:mod:`bot.engine.attention`), due at their digest moment. The
tick puts those rows of the day together here, per coordinator, as named lines:

- **new**: pattern signals (with their dates), many absent half-days, a parent who says the
  school was told;
- **waiting for you**: reminders of nudges nobody marked as seen, each saying what it reminds
  of and since when;
- **waiting for the pupil or the family**: nobody answered since the absence.

One line per pupil per group, with their class, the reasons most urgent first. A coordinator
with nothing new and nothing waiting gets no message: an empty overview teaches people to stop
reading it. On Telegram the message has, per pupil, "seen" and "remind me later" (and "CLB is
al betrokken" for the threshold). The digest is never capped and never held (see
:mod:`bot.planning.gate`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from bot.domain import OutreachKind, Role
from bot.engine.attention import is_gathered, line, rank_of, reason_of
from bot.engine.facts import StaffFacts
from bot.engine.window import Window
from bot.outbox.records import PlannedOutreach
from bot.rules import Rules
from messages import DIGEST_GROUPS as GROUPS

__all__ = ["KIND", "group_of", "plan_digests", "resend_refused"]

KIND = OutreachKind.COORDINATOR_DIGEST


def plan_digests(
    school_id: str,
    gathered: Iterable[PlannedOutreach],
    *,
    coordinators: Mapping[int, StaffFacts],
    rules: Rules,
    window: Window,
    today: dt.date,
) -> list[PlannedOutreach]:
    """Today's daily message for every coordinator who has something in it, from the rows
    the planner gathered (:func:`~bot.engine.attention.is_gathered`) that are due today."""
    if not window.allows_day(today):
        return []
    tz = window.tz
    per_coordinator: dict[int, list[PlannedOutreach]] = defaultdict(list)
    for row in gathered:
        if is_gathered(row.kind, row.payload) and row.due_at.astimezone(tz).date() == today:
            per_coordinator[row.recipient_id].append(row)
    found: list[PlannedOutreach] = []
    for staff_id, rows in sorted(per_coordinator.items()):
        coordinator = coordinators.get(staff_id)
        if coordinator is None or coordinator.channel is None:
            continue
        moment = rules.coordinator.digest_moment(coordinator.staff_id)
        due = window.next_allowed(window.local(today, moment))
        # Every channel carries the per-pupil actions: as buttons in a chat, as answer links in
        # an e-mail; a channel with neither lists them (bot.outbox.rendering).
        payload: dict[str, Any] = {
            "date": today.isoformat(),
            "items": _items(rows),
            "buttons": True,
        }
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
                payload=payload,
            )
        )
    return found


def resend_refused(
    refused: Iterable[PlannedOutreach],
    *,
    coordinators: Mapping[int, StaffFacts],
    now: dt.datetime,
) -> list[PlannedOutreach]:
    """The daily messages that failed for good (``refused``, as stored: an address that
    bounced, a blocked chat), again on the coordinator's next channel.

    Each goes as a row of its own, ``...:via-<channel>``, as the pupils' steps do
    (:meth:`bot.engine.planner._Planner.key`): the outbox keeps the failed one as it ended,
    and what the message said still reaches the coordinator, due when it was. A message
    refused on the channel the coordinator is still reached on, or one past its expiry, is not
    sent again.
    """
    found: list[PlannedOutreach] = []
    for row in refused:
        coordinator = coordinators.get(row.recipient_id)
        if coordinator is None or coordinator.channel in (None, row.channel):
            continue
        if now >= row.expires_at:
            continue  # too stale to send, as the refused one would have been by now
        found.append(
            dataclasses.replace(
                row,
                idempotency_key=f"{row.idempotency_key}:via-{coordinator.channel}",
                channel=coordinator.channel,
                lang=coordinator.language,
            )
        )
    return found


def group_of(payload: Mapping[str, Any]) -> str:
    """Which group of the daily message a gathered reason belongs to."""
    reason = reason_of(payload)
    if reason == "unacknowledged":
        return "you"
    if reason == "no_answer":
        return "family"
    return "new"


def _items(rows: Iterable[PlannedOutreach]) -> list[dict[str, Any]]:
    """One item per pupil per group, its lines most urgent first, the groups in order and the
    pupils by name."""
    by_pupil: dict[tuple[str, int], list[PlannedOutreach]] = defaultdict(list)
    for row in rows:
        by_pupil[(group_of(row.payload), row.pupil_id or 0)].append(row)
    items = []
    for (group, pupil), found in by_pupil.items():
        found.sort(key=lambda row: (rank_of(row.payload), row.idempotency_key))
        first = found[0].payload
        items.append(
            {
                "group": group,
                "pupil": pupil,
                "first_name": str(first.get("first_name", "")),
                "class_name": str(first.get("class_name", "")),
                "keys": [row.idempotency_key for row in found],
                "lines": [line(row.payload) for row in found],
            }
        )
    items.sort(key=lambda item: (GROUPS.index(item["group"]), item["first_name"], item["pupil"]))
    return items
