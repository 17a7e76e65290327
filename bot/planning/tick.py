"""The planner tick: read the school's facts, plan every pupil, store the new outreach.

:func:`planner_tick` is what the scheduler runs every few minutes and what ``gemist simulate``
runs on its virtual clock: the same code, one clock. The planner itself stays pure
(:func:`bot.engine.planner.plan_pupil`); this module is its edge to the store.

The horizon (see :mod:`bot.engine.episodes`) follows the clock's local time and today's feed:
today's morning while today has no feed or its morning feed has not settled yet (before the
rules' check-in time), today's afternoon once it has, and the next school day's morning once
the day is complete (:data:`DAY_COMPLETE`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import col

from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.domain import SCHOOL_SCOPE, HalfDay, OutreachKind, Role
from bot.engine.attention import is_gathered
from bot.engine.episodes import Slot, episodes
from bot.engine.facts import PupilFacts, StaffFacts
from bot.engine.hold import LOOKBACK_DAYS, Decided, HoldState, Suspect, apply_holds, detect
from bot.engine.planner import plan_digests, plan_episodes, resend_refused
from bot.engine.window import Window
from bot.models import FeedDay, Outreach
from bot.outbox import (
    PlannedOutreach,
    Status,
    plan,
    refresh_statistics,
    withdraw,
    write_transaction,
)
from bot.planning.decisions import load_holds, store_suspects
from bot.planning.facts_cache import FactsCache
from bot.planning.facts_db import SchoolFacts, load_school_facts
from bot.rules import Rules
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock

__all__ = [
    "DAY_COMPLETE",
    "GONE_DAYS",
    "TICK_KINDS",
    "Gone",
    "PlanCache",
    "SchoolPlan",
    "gone_digests",
    "horizon_at",
    "plan_school",
    "planner_tick",
    "refused_digests",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")

DAY_COMPLETE = dt.time(17, 0)
"""From this local time on, a day with a feed counts as complete: its afternoon is known."""


def horizon_at(
    local_now: dt.datetime, rules: Rules, calendar: SchoolCalendar, feed_days: frozenset[dt.date]
) -> Slot:
    """The first half-day whose attendance is not known yet, at the local instant ``local_now``."""
    today, moment = local_now.date(), local_now.time()
    if today not in feed_days or moment < rules.pupil.checkin_at:
        return Slot(today, HalfDay.AM)
    if moment < DAY_COMPLETE:
        return Slot(today, HalfDay.PM)
    return Slot(calendar.next_school_day(today), HalfDay.AM)


TICK_KINDS = frozenset(
    {
        OutreachKind.PUPIL_CHECKIN,
        OutreachKind.GUARDIAN_NOTICE,
        OutreachKind.GUARDIAN_CARE,
        OutreachKind.GUARDIAN_CORRECTION,
        OutreachKind.PUPIL_CORRECTION,
        OutreachKind.TEACHER_WELCOME,
        OutreachKind.COORDINATOR_NUDGE,
        OutreachKind.COORDINATOR_DIGEST,
        OutreachKind.HOLD_ALERT,
    }
)
"""The kinds the planner tick proposes, and so withdraws when it stops proposing them."""

WITHDRAWN = "no longer called for"

GONE_DAYS = 7
"""How far back a tick looks for daily messages that went: further than a gathered reason is
planned (its digest moment's expiry, over a weekend or a short break)."""


class PlanCache:
    """The rows :func:`~bot.engine.planner.plan_pupil` gave for each pupil's facts, kept from
    one tick to the next while the other inputs of the planner allow.

    The planner is a pure function of a pupil's facts, the rules, the calendar, the timezone,
    the local date, when each feed day's first import landed, and the pupil's episodes (never
    of the time of day); the feed days and the horizon reach it only through the episodes
    (:func:`~bot.engine.planner.plan_episodes`).
    Most pupils' facts do not change between two ticks, and when the horizon moves or a feed
    comes in, most pupils' episodes stay the same: their rows are taken from here instead of
    planned again. :meth:`start` is called once per tick with the other inputs.

    Two layers. *By value*, for the whole local date: per pupil's facts (frozen, compared by
    value) and per *shape* of their episodes (how many marks each holds and where it ended,
    which with the marks determines the episodes), the rows. *By identity*, for the ticks since
    the feed days and the horizon last changed: the rows of the very facts object a tick saw
    before (the facts a :class:`~bot.planning.facts_cache.FactsCache` keeps), found without
    hashing the facts or working out their episodes again, and with the pupil's render context
    already in their payloads. A new local date, other rules, an other calendar or timezone, or a
    feed day's first import start both afresh.
    """

    def __init__(self) -> None:
        self._rules: Rules | None = None
        self._calendar: SchoolCalendar | None = None
        self._day: tuple[Any, ...] = ()
        self._episodes_from: tuple[frozenset[dt.date], Slot] | None = None
        self._arrived: Mapping[dt.date, dt.datetime] | None = None
        self._now = dt.datetime.min.replace(tzinfo=dt.UTC)
        self._plans: dict[PupilFacts, dict[_Shape, tuple[PlannedOutreach, ...]]] = {}
        self._seen: dict[int, _Seen] = {}
        self._earlier: dict[int, _Seen] = {}

    def start(
        self,
        *,
        rules: Rules,
        calendar: SchoolCalendar,
        clock: Clock,
        feed_days: frozenset[dt.date],
        horizon: Slot,
        feed_arrived: Mapping[dt.date, dt.datetime] | None = None,
    ) -> None:
        # Rules and calendar count as the same only as the same objects; the rest by value.
        # A feed's first arrival moves the nudges about its day (planner's after_feed).
        day = (clock.tz, clock.today())
        same_day = (
            rules is self._rules
            and calendar is self._calendar
            and day == self._day
            and feed_arrived == self._arrived
        )
        if not same_day:
            self._plans.clear()
        # Only the last tick's facts objects are looked up by identity: a live tick reads new
        # ones every time, and keeping them all would hold every tick's facts until midnight.
        same_episodes = same_day and (feed_days, horizon) == self._episodes_from
        self._earlier, self._seen = (self._seen if same_episodes else {}), {}
        self._rules, self._calendar, self._day = rules, calendar, day
        self._arrived = feed_arrived
        self._episodes_from, self._now = (feed_days, horizon), clock.now()

    def clear(self) -> None:
        """Forget every plan: the next :meth:`rows` plans afresh."""
        self._plans.clear()
        self._seen.clear()
        self._earlier.clear()

    def rows(self, pupil: PupilFacts, context: Mapping[str, Any]) -> tuple[PlannedOutreach, ...]:
        """The rows for ``pupil`` as of the tick :meth:`start` described, each payload holding
        the pupil's render ``context`` (the planner's own values first)."""
        seen = self._earlier.get(id(pupil))
        if seen is not None and seen.pupil is pupil and seen.context is context:
            self._seen[id(pupil)] = seen
            return seen.rows
        if self._rules is None or self._calendar is None or self._episodes_from is None:
            raise RuntimeError("PlanCache.rows before start()")
        feed_days, horizon = self._episodes_from
        every = episodes(pupil.marks, self._calendar, feed_days, horizon=horizon)
        shape = tuple((len(episode.marks), episode.returned) for episode in every)
        plans = self._plans.setdefault(pupil, {})
        found = plans.get(shape)
        if found is None:
            found = plans[shape] = tuple(
                plan_episodes(
                    pupil,
                    every,
                    rules=self._rules,
                    calendar=self._calendar,
                    tz=self._day[0],
                    now=self._now,
                    feed_arrived=self._arrived,
                )
            )
        rows = tuple(
            dataclasses.replace(item, payload={**context, **item.payload}) for item in found
        )
        self._seen[id(pupil)] = _Seen(pupil, context, rows)
        return rows


_Shape = tuple[tuple[int, Slot | None], ...]
"""How many marks each of a pupil's episodes holds and the half-day that ended it."""


class _Seen(NamedTuple):
    """A facts object a tick planned, the context it came with, and the rows it got."""

    pupil: PupilFacts
    context: Mapping[str, Any]
    rows: tuple[PlannedOutreach, ...]


@dataclass(frozen=True, slots=True)
class SchoolPlan:
    """What one tick proposes: the rows to plan, new suspect days, and what holds keep back."""

    planned: list[PlannedOutreach]
    suspects: list[Suspect]
    held: Counter[tuple[dt.date, str]]


def plan_school(
    facts: SchoolFacts,
    *,
    rules: Rules,
    calendar: SchoolCalendar,
    clock: Clock,
    holds: Mapping[tuple[dt.date, str], Decided] | None = None,
    cache: PlanCache | None = None,
    gone: Gone | None = None,
    refused: Sequence[PlannedOutreach] | None = None,
) -> SchoolPlan:
    """The outreach the facts call for now, each row's payload holding its render context.

    ``holds`` are the stored holds; days found suspect that are not among them come back in
    :attr:`SchoolPlan.suspects` and are held from this tick on. ``cache`` keeps each pupil's
    rows for the next tick (:class:`PlanCache`). ``gone``: the coordinators' daily messages
    that went out already (:func:`gone_digests`); what they could not say waits for the next.
    ``refused``: the daily messages that failed for good, as stored (:func:`refused_digests`):
    one to a coordinator now reached on another channel goes again there.
    """
    now = clock.now()
    today = clock.today()
    window = Window(rules.delivery, calendar, clock.tz)
    horizon = horizon_at(clock.local_now(), rules, calendar, facts.feed_days)
    planned: list[PlannedOutreach] = []
    cache = cache or PlanCache()
    cache.start(
        rules=rules,
        calendar=calendar,
        clock=clock,
        feed_days=facts.feed_days,
        horizon=horizon,
        feed_arrived=facts.feed_arrived,
    )
    for pupil in facts.pupils:
        planned += cache.rows(pupil, facts.context[pupil.id])
    if gone:
        planned = [_past_gone(row, gone, facts.coordinators, rules, window) for row in planned]
    planned += plan_digests(
        facts.school_id,
        planned,  # the pupils' rows gathered for the coordinators' daily message
        coordinators=facts.coordinators,
        rules=rules,
        window=window,
        today=today,
    )
    planned += resend_refused(refused or (), coordinators=facts.coordinators, now=now)
    first = facts.since or today - dt.timedelta(days=LOOKBACK_DAYS)
    recent = [day for day in facts.feed_days if first <= day <= today]
    stored = dict(holds or {})
    sizes = facts.class_sizes or None
    suspects = [
        suspect
        for suspect in detect(facts.pupils, recent, rules.hold, sizes)
        if (suspect.date, suspect.scope) not in stored
    ]
    stored.update({(s.date, s.scope): Decided(HoldState.HELD, detected_at=now) for s in suspects})
    class_of = {pupil.id: pupil.class_name for pupil in facts.pupils}
    kept, held = apply_holds(planned, stored, class_of, window)
    kept += _hold_alerts(facts, stored, held, window, recent)
    return SchoolPlan(kept, suspects, held)


Gone = Mapping[tuple[int, dt.date], frozenset[str]]
"""Per (coordinator's database id, day): the keys of the nudges that day's daily message said,
for the daily messages that are no longer planned (sent, on their way, failed or expired)."""


def _past_gone(
    row: PlannedOutreach,
    gone: Gone,
    coordinators: Mapping[int, StaffFacts],
    rules: Rules,
    window: Window,
) -> PlannedOutreach:
    """``row``, moved to the coordinator's next daily message when it was gathered for one
    that went out without it.

    The planner gathers a reason for the daily message of the day it became known (a feed or
    an answer just before the digest moment). When the tick that would have added it comes
    after that message went, the row is moved to the next school day's message, and would
    otherwise be marked sent with the gone one, said nowhere.
    """
    coordinator = coordinators.get(row.recipient_id)
    if coordinator is None or not is_gathered(row.kind, row.payload):
        return row
    key, day = row.idempotency_key, row.due_at.astimezone(window.tz).date()
    moved = False
    while key not in gone.get((row.recipient_id, day), frozenset({key})):
        day, moved = window.calendar.next_school_day(day), True
    if not moved:
        return row
    moment = rules.coordinator.digest_moment(coordinator.staff_id)
    due = window.next_allowed(window.local(day, moment))
    return dataclasses.replace(row, due_at=due, expires_at=window.expiry(due))


async def gone_digests(conn: AsyncConnection, school_id: str, since: dt.date) -> Gone:
    """The coordinators' daily messages about a day from ``since`` on that are no longer
    planned, with the keys of the nudges each said (see :data:`Gone`)."""
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
    rows = await conn.execute(
        sa.select(col(Outreach.recipient_id), col(Outreach.payload)).where(
            col(Outreach.school_id) == school_id,
            col(Outreach.kind) == OutreachKind.COORDINATOR_DIGEST,
            col(Outreach.status).not_in([Status.PLANNED, Status.WITHDRAWN]),
            col(Outreach.due_at) >= start,
        )
    )
    found: dict[tuple[int, dt.date], frozenset[str]] = {}
    for recipient, payload in rows:
        day = dt.date.fromisoformat(str(payload["date"]))
        keys = frozenset(str(key) for item in payload.get("items", ()) for key in item["keys"])
        found[(recipient, day)] = found.get((recipient, day), frozenset()) | keys
    return found


async def refused_digests(
    conn: AsyncConnection, school_id: str, since: dt.date
) -> list[PlannedOutreach]:
    """The coordinators' daily messages about a day from ``since`` on that failed for good (an
    address that bounced, a blocked chat), as they were planned."""
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=1)
    rows = await conn.execute(
        sa.select(Outreach).where(
            col(Outreach.school_id) == school_id,
            col(Outreach.kind) == OutreachKind.COORDINATOR_DIGEST,
            col(Outreach.status) == Status.FAILED,
            col(Outreach.due_at) >= start,
        )
    )
    return [
        PlannedOutreach(
            school_id=row.school_id,
            idempotency_key=row.idempotency_key,
            kind=row.kind,
            recipient_role=row.recipient_role,
            recipient_id=row.recipient_id,
            channel=row.channel,
            lang=row.lang,
            due_at=row.due_at,
            expires_at=row.expires_at,
            payload=row.payload,
        )
        for row in rows
    ]


def _hold_alerts(
    facts: SchoolFacts,
    holds: Mapping[tuple[dt.date, str], Decided],
    held: Counter[tuple[dt.date, str]],
    window: Window,
    recent: Sequence[dt.date],
) -> list[PlannedOutreach]:
    """One alert per undecided hold, to each coordinator of a pupil of its scope."""
    found: list[PlannedOutreach] = []
    for (day, scope), hold in sorted(holds.items()):
        if hold.state is not HoldState.HELD or day not in recent:
            continue
        pupils = [
            p
            for p in facts.pupils
            if scope in (SCHOOL_SCOPE, p.class_name) and any(m.date == day for m in p.marks)
        ]
        if not pupils:
            continue
        absent = len(pupils)
        coordinators = {  # the coordinators of the pupils marked absent
            p.spilfiguur.id: p.spilfiguur
            for p in pupils
            if p.spilfiguur is not None and p.spilfiguur.channel is not None
        }
        opens = window.local(day, window.delivery.not_before)
        first = max(opens, hold.detected_at) if hold.detected_at else opens
        due = window.next_allowed(first)
        for staff in sorted(coordinators.values(), key=lambda person: person.staff_id):
            assert staff.channel is not None
            found.append(
                PlannedOutreach(
                    school_id=pupils[0].school_id,
                    idempotency_key=f"{pupils[0].school_id}:hold-{day.isoformat()}-{scope}:"
                    f"hold_alert:coordinator:{staff.staff_id}",
                    kind=OutreachKind.HOLD_ALERT,
                    recipient_role=Role.COORDINATOR,
                    recipient_id=staff.id,
                    channel=staff.channel,
                    lang=staff.language,
                    due_at=due,
                    expires_at=window.expiry(due),
                    payload={
                        "date": day.isoformat(),
                        "scope": scope,
                        "class_name": facts.school_name if scope == SCHOOL_SCOPE else scope,
                        "absent_pupils": absent,
                        "held_messages": held[(day, scope)],
                    },
                )
            )
    return found


def _collector_paused(tick: Callable[_P, Awaitable[_R]]) -> Callable[_P, Awaitable[_R]]:
    """``tick`` with Python's cyclic garbage collector paused while it runs.

    A tick makes some hundred thousand objects that live until it ends: every mark of every
    pupil it plans, their facts, the rows, the drivers' records. Each time enough of them have
    piled up, the collector walks every object of the process, finds nothing to free and goes
    on: on the bench's tick of 4,300 pupils, one to three such walks took 0.1 s to 0.4 s. The
    tick's objects are freed as before (by reference counting) when it ends, and the few cycles
    it leaves go with the first collection after it. The pause is the process's: whatever else
    runs on the event loop while the tick waits for the database finds it paused too, for the
    second or two of a tick. A caller that turned the collector off keeps it off.
    """

    @functools.wraps(tick)
    async def paused(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if not gc.isenabled():
            return await tick(*args, **kwargs)
        gc.disable()
        try:
            return await tick(*args, **kwargs)
        finally:
            gc.enable()

    return paused


@_collector_paused
async def planner_tick(
    engine: AsyncEngine,
    *,
    school_id: str,
    rules: Rules,
    calendar: SchoolCalendar,
    clock: Clock,
    everyone: bool = False,
    cache: PlanCache | None = None,
    facts_cache: FactsCache | None = None,
    channels: ChannelOrder = DEFAULT_ORDER,
) -> int:
    """Plan the pupils of ``school_id`` something may be due for as of ``clock``, withdraw what
    is no longer called for, hold what looks wrong; returns the rows newly planned.

    With ``everyone``, every active pupil is planned: the same rows come out (the tests hold
    the two to that), only slower. ``cache`` is the :class:`PlanCache` of the process's
    earlier ticks; ``facts_cache`` the pupils' facts they read, for an owner told of every
    change to them (:class:`~bot.planning.facts_cache.FactsCache`: ``gemist simulate``), which
    also keeps what the last tick proposed: rows proposed again unchanged are not looked up in
    the outbox. ``channels``: who is reached how (:func:`bot.contacts.reach`).
    """
    today = clock.today()
    async with engine.connect() as conn:
        since = None if everyone else await news_since(conn, school_id, today, calendar)
        year = calendar.school_year_of(today)
        facts = await load_school_facts(
            conn,
            school_id,
            since=since,
            year_start=year.span_start,
            nudges_before=clock.localize(today, 0),
            cache=facts_cache,
            channels=channels,
        )
        holds = await load_holds(conn, school_id)
        gone = await gone_digests(conn, school_id, today - dt.timedelta(days=GONE_DAYS))
        refused = await refused_digests(conn, school_id, today - dt.timedelta(days=GONE_DAYS))
    proposal = plan_school(
        facts,
        rules=rules,
        calendar=calendar,
        clock=clock,
        holds=holds,
        cache=cache,
        gone=gone,
        refused=refused,
    )
    now = clock.now()
    proposed = {item.idempotency_key: item for item in proposal.planned}
    stored = facts_cache.proposed if facts_cache is not None else {}
    changed = [item for item in proposal.planned if stored.get(item.idempotency_key) != item]
    async with write_transaction(engine) as conn:
        await store_suspects(conn, school_id, proposal.suspects, now)
        new = await plan(conn, changed, now)
        pending = await conn.execute(
            sa.select(col(Outreach.id), col(Outreach.idempotency_key)).where(
                col(Outreach.school_id) == school_id,
                col(Outreach.status) == Status.PLANNED,
                col(Outreach.kind).in_(sorted(TICK_KINDS)),
            )
        )
        stale = [row_id for row_id, key in pending if row_id is not None and key not in proposed]
        await withdraw(conn, now, stale, WITHDRAWN)
    if facts_cache is not None:
        facts_cache.proposed = proposed
    await refresh_statistics(engine, planned=len(new))
    return len(new)


async def news_since(
    conn: AsyncConnection, school_id: str, today: dt.date, calendar: SchoolCalendar
) -> dt.date:
    """The first day whose news a tick on ``today`` still acts on: the school day before
    today, or the last day with a feed before today when that is earlier (a day without a feed
    does not end an absence)."""
    previous = calendar.previous_school_day(today)
    last_fed = await conn.scalar(
        sa.select(sa.func.max(col(FeedDay.date))).where(
            col(FeedDay.school_id) == school_id, col(FeedDay.date) < today
        )
    )
    return min(previous, last_fed) if last_fed is not None else previous
