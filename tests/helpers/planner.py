"""Shorthand for planner tests: a pupil with guardians, planning "as of" a local time, and the
plan as readable rows, on the real 2026-2027 calendar of ``tests.helpers.engine``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time

from bot.engine.episodes import Mark
from bot.engine.facts import (
    GuardianFacts,
    PupilFacts,
    ReplyFacts,
    SenderRole,
    SentFacts,
    StaffFacts,
)
from bot.engine.planner import plan_pupil
from bot.outbox.records import PlannedOutreach
from bot.rules import Rules
from scheduler.clock import BRUSSELS
from tests.helpers.engine import CALENDAR, FEED, day

AGE_DAY = date(2026, 11, 17)
"""Ages are given on Tuesday 17 November 2026."""


def born(age: int) -> date:
    """A birth date that makes the pupil ``age`` on 17 November 2026 (a birthday in June)."""
    return date(AGE_DAY.year - age, 6, 1)


def local(text: str) -> datetime:
    """``"11-17 10:30"``: that wall-clock time in Brussels, as an aware datetime."""
    when, clock = text.split()
    return datetime.combine(day(when), time.fromisoformat(clock), tzinfo=BRUSSELS)


def guardian(
    number: int,
    *,
    may_contact: bool = True,
    channel: str | None = "telegram",
    moment: str | None = None,
) -> GuardianFacts:
    """Guardian ``G<number>`` with database id ``100 + number``."""
    return GuardianFacts(
        id=100 + number,
        guardian_id=f"G{number}",
        language="nl",
        channel=channel,  # type: ignore[arg-type]
        may_contact=may_contact,
        moment=moment,
    )


def staff(code: str, number: int, *, channel: str | None = "telegram") -> StaffFacts:
    """Staff member ``<code><number>`` (``T1`` a teacher, ``C1`` a coordinator) with database id
    ``200 + number`` for teachers and ``300 + number`` for others."""
    return StaffFacts(
        id=(200 if code == "T" else 300) + number,
        staff_id=f"{code}{number}",
        language="nl",
        channel=channel,  # type: ignore[arg-type]
    )


def reply(at: str, role: str, answer: str, episode: str | None) -> ReplyFacts:
    """An answer at local time ``at`` (``"11-17 11:00"``) about the episode with that key."""
    return ReplyFacts(local(at), SenderRole(role), answer, episode)


def pupil(
    marks: Sequence[Mark],
    *,
    age: int = 14,
    channel: str | None = "telegram",
    consent: bool = False,
    guardians: Sequence[GuardianFacts] = (guardian(1), guardian(2)),
    replies: Sequence[ReplyFacts] = (),
    teachers: Sequence[StaffFacts] = (),
    spilfiguur: StaffFacts | None = None,
    sent: Sequence[SentFacts] = (),
) -> PupilFacts:
    """Pupil ``P1`` (database id 1) of class 2A."""
    return PupilFacts(
        school_id="S1",
        id=1,
        pupil_id="P1",
        first_name="Yasmine",
        birth_date=born(age),
        class_name="2A",
        language="nl",
        channel=channel,  # type: ignore[arg-type]
        guardian_consent=consent,
        marks=tuple(marks),
        guardians=tuple(guardians),
        replies=tuple(replies),
        teachers=tuple(teachers),
        spilfiguur=spilfiguur,
        sent=tuple(sent),
    )


def plan(
    facts: PupilFacts,
    now: str,
    rules: Rules | None = None,
    *,
    delivered: bool = True,
    feeds_at: Mapping[str, str] | None = None,
) -> list[PlannedOutreach]:
    """The plan at local time ``now``, with a feed for every school day up to that day.

    With ``delivered`` (the default), every check-in due by ``now`` counts as delivered at its
    due time, as the dispatcher does between two ticks: the guardian notice counts its grace
    period from that moment. Without it, only the check-ins in ``facts.sent`` went out.

    ``feeds_at`` models when feeds land: each school day's feed at 08:00 that day, except the
    days it names (``{"11-16": "11-16 18:00"}``); a feed that lands after ``now`` is not in
    yet. Without it, the planner is not told when feeds landed.
    """
    instant = local(now)
    arrived = None if feeds_at is None else feed_arrivals(feeds_at, instant)
    while True:
        found = plan_pupil(
            facts,
            rules=rules or Rules.default(),
            calendar=CALENDAR,
            tz=BRUSSELS,
            now=instant.astimezone(UTC),
            feed_days=frozenset(when for when in FEED if when <= instant.date()),
            horizon=None,
            feed_arrived=arrived,
        )
        if not delivered:
            return found
        known = {item.key for item in facts.sent} | {key for key, _ in facts.undelivered}
        went = [
            checkin_sent(item)
            for item in found
            if item.kind == "pupil_checkin"
            and item.due_at <= instant
            and item.idempotency_key not in known
        ]
        if not went:
            return found
        facts = replace(facts, sent=(*facts.sent, *went))


def feed_arrivals(feeds_at: Mapping[str, str], now: datetime) -> dict[date, datetime]:
    """When each school day's feed landed, as of ``now`` (see :func:`plan`)."""
    arrived = {when: datetime.combine(when, time(8), tzinfo=BRUSSELS) for when in FEED}
    arrived |= {day(when): local(at) for when, at in feeds_at.items()}
    return {when: at.astimezone(UTC) for when, at in arrived.items() if at <= now}


def checkin_sent(item: PlannedOutreach, at: datetime | None = None) -> SentFacts:
    """The planned check-in ``item`` as delivered at ``at`` (default: its due time)."""
    return SentFacts(
        key=item.idempotency_key,
        kind=item.kind,
        recipient_role=item.recipient_role,
        recipient_id=item.recipient_id,
        sent_at=(at or item.due_at).astimezone(UTC),
        date=date.fromisoformat(item.payload["date"]),
    )


def rows(planned: Sequence[PlannedOutreach]) -> list[tuple[str, str, str]]:
    """``(kind, recipient, "MM-DD HH:MM" in Brussels)`` per row; the recipient is ``P1``,
    ``G<n>``, ``T<n>`` or ``C<n>``, read from the key."""
    return [
        (
            item.kind,
            item.idempotency_key.rsplit(":", 1)[1],
            item.due_at.astimezone(BRUSSELS).strftime("%m-%d %H:%M"),
        )
        for item in planned
    ]
