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

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.domain import HalfDay
from bot.engine._facts_db import SchoolFacts, load_school_facts
from bot.engine.episodes import Slot
from bot.engine.facts import SenderRole
from bot.engine.planner import plan_pupil
from bot.models import Guardian, Outreach, Pupil, Reply
from bot.outbox import PlannedOutreach, Status, plan, write_transaction
from bot.rules import Rules
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock

__all__ = ["DAY_COMPLETE", "horizon_at", "plan_school", "planner_tick", "record_reply"]

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


def plan_school(
    facts: SchoolFacts, *, rules: Rules, calendar: SchoolCalendar, clock: Clock
) -> list[PlannedOutreach]:
    """The outreach the facts call for now, each row's payload holding its render context."""
    now = clock.now()
    horizon = horizon_at(clock.local_now(), rules, calendar, facts.feed_days)
    planned: list[PlannedOutreach] = []
    for pupil in facts.pupils:
        found = plan_pupil(
            pupil,
            rules=rules,
            calendar=calendar,
            tz=clock.tz,
            now=now,
            feed_days=facts.feed_days,
            horizon=horizon,
        )
        context = facts.context[pupil.id]
        planned += [
            dataclasses.replace(item, payload={**context, **item.payload}) for item in found
        ]
    return planned


async def planner_tick(
    engine: AsyncEngine,
    *,
    school_id: str,
    rules: Rules,
    calendar: SchoolCalendar,
    clock: Clock,
) -> int:
    """Plan every active pupil of ``school_id`` as of ``clock``; returns the rows newly planned."""
    async with engine.connect() as conn:
        facts = await load_school_facts(conn, school_id)
    planned = plan_school(facts, rules=rules, calendar=calendar, clock=clock)
    if not planned:
        return 0
    async with write_transaction(engine) as conn:
        new = await plan(conn, planned, clock.now())
    return len(new)


async def record_reply(
    engine: AsyncEngine,
    *,
    school_id: str,
    pupil_id: str,
    sender_role: SenderRole,
    sender_id: str,
    answer: str,
    at: dt.datetime,
) -> int | None:
    """Store an answer, tied to the episode of the last message sent to its sender about the
    pupil, else of the last message sent about the pupil (none when nothing was sent yet);
    returns its id, None for an unknown pupil."""
    async with write_transaction(engine) as conn:
        pupil = await conn.scalar(
            sa.select(col(Pupil.id)).where(
                col(Pupil.school_id) == school_id, col(Pupil.pupil_id) == pupil_id
            )
        )
        if pupil is None:
            return None
        if sender_role is SenderRole.PUPIL:
            recipient = pupil if sender_id == pupil_id else None
        else:
            recipient = await conn.scalar(
                sa.select(col(Guardian.id)).where(
                    col(Guardian.school_id) == school_id, col(Guardian.guardian_id) == sender_id
                )
            )
        sent = sa.select(col(Outreach.payload)).where(
            col(Outreach.pupil_id) == pupil,
            col(Outreach.status) == Status.SENT,
            col(Outreach.sent_at) <= at,
        )
        latest = (col(Outreach.sent_at).desc(), col(Outreach.id).desc())
        to_sender = sent.where(
            col(Outreach.recipient_role) == sender_role.value,
            col(Outreach.recipient_id) == recipient,
        )
        payload = None
        if recipient is not None:
            payload = await conn.scalar(to_sender.order_by(*latest).limit(1))
        if payload is None:  # nothing sent to them: about the pupil's latest message
            payload = await conn.scalar(sent.order_by(*latest).limit(1))
        episode_key = None
        if isinstance(payload, dict) and isinstance(payload.get("episode"), str):
            episode_key = payload["episode"]
        reply_id = await conn.scalar(
            sa.insert(Reply)
            .values(
                school_id=school_id,
                pupil_id=pupil,
                sender_role=sender_role.value,
                sender_id=sender_id,
                answer=answer,
                received_at=at,
                episode_key=episode_key,
            )
            .returning(col(Reply.id))
        )
    return int(reply_id) if reply_id is not None else None
