"""A reason the coordinator's daily message could not know of (issue 14): a feed that lands
after the daily message went is about a day whose message is gone. Its reasons wait for the
next day's daily message: never lost, never sent alone (both backends, the real import, tick,
dispatcher and rendering)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.answers import record_reply
from bot.contacts import ChannelOrder
from bot.contacts import store as contacts
from bot.engine.facts import SenderRole
from bot.imports import import_absences
from bot.outbox import DeliveryOutcome, Dispatcher, RecordingChannel, write_transaction
from bot.outbox.plugin import Refusal
from bot.outbox.rendering import RenderingChannel
from bot.planning.tick import planner_tick
from integrations.csv import CsvAbsenceSource
from scheduler.clock import BRUSSELS, VirtualClock
from tests.bot.planning.test_tick_safety import CALENDAR, HEADER, RULES, SCHOOL, roster

TUESDAYS = (date(2026, 10, 20), date(2026, 11, 10), date(2026, 11, 17))
"""Ruben (P0022, spilfiguur S03) is away on three Tuesdays within six weeks: a weekday pattern
on the third, 17 November."""


async def land(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path, day: date) -> None:
    """``day``'s feed lands now: Ruben away all day, with a justified code (not urgent)."""
    path = tmp_path / f"absences-{day}.csv"
    rows = "".join(f"P0022,{day},{half},Z,,\n" for half in ("am", "pm"))
    path.write_text(HEADER + rows, encoding="utf-8")
    report = await import_absences(
        engine,
        CsvAbsenceSource(path, covers=[day]),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert report.exit_code == 0, report


async def at(engine: AsyncEngine, clock: VirtualClock, day: date, hour: int, minute: int) -> list:
    """Tick and dispatch at that local moment; what reached someone, rendered."""
    clock.set(clock.localize(day, hour, minute))
    await planner_tick(engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock)
    recording = RecordingChannel(clock)
    await Dispatcher(engine, RenderingChannel(recording), clock, "w1").drain()
    return [recorded.message for recorded in recording.deliveries]


async def open_nudge_about_omar(engine: AsyncEngine, day: date) -> None:
    """A nudge about Omar (P0017, also S03's) that nobody marked as seen: its reminder makes
    S03's daily message of 17 November."""
    async with write_transaction(engine) as conn:
        omar = await conn.scalar(sa.text("SELECT id FROM pupil WHERE pupil_id = 'P0017'"))
        hanne = await conn.scalar(sa.text("SELECT id FROM staff WHERE staff_id = 'S03'"))
        sent = clock_utc(day, time(10, 30))
        await conn.execute(
            sa.text(
                "INSERT INTO outreach (school_id, idempotency_key, kind, recipient_role, "
                "recipient_id, channel, pupil_id, lang, payload, due_at, expires_at, status, "
                "attempts, next_attempt_at, sent_at, created_at, updated_at) VALUES "
                "(:s, 'omar-nudge', 'coordinator_nudge', 'coordinator', :hanne, 'email', :omar, "
                "'nl', :payload, :t, :e, 'sent', 1, :t, :t, :t, :t)"
            ),
            {
                "s": SCHOOL,
                "hanne": hanne,
                "omar": omar,
                "payload": f'{{"reason": "clb_threshold", "date": "{day}"}}',
                "t": sent,
                "e": sent + timedelta(days=1),
            },
        )


def clock_utc(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=BRUSSELS).astimezone(UTC)


def pupils_in(message: Any) -> set[str]:
    payload = message.payload if isinstance(message.payload, dict) else json.loads(message.payload)
    return {str(item["first_name"]) for item in payload["items"]}


async def test_a_feed_that_lands_after_the_daily_message_waits_for_the_next_one(engine, tmp_path):
    clock = VirtualClock(datetime.combine(TUESDAYS[0], time(7, 0), tzinfo=BRUSSELS))
    await roster(engine, clock)
    tuesday = TUESDAYS[-1]
    for day in TUESDAYS[:-1]:  # the earlier Tuesdays' feeds landed on their own days
        clock.set(clock.localize(day, 9, 0))
        await land(engine, clock, tmp_path, day)
    two_days_before = CALENDAR.previous_school_day(CALENDAR.previous_school_day(tuesday))
    await open_nudge_about_omar(engine, two_days_before)

    morning = await at(engine, clock, tuesday, 10, 30)
    [daily] = [m for m in morning if m.kind == "coordinator_digest"]
    assert pupils_in(daily) == {"Omar"}  # Ruben's Tuesday is not known yet

    clock.set(clock.localize(tuesday, 18, 0))
    await land(engine, clock, tmp_path, tuesday)  # the day's feed, in the evening
    evening = await at(engine, clock, tuesday, 18, 0)
    assert [m for m in evening if m.recipient_role == "coordinator"] == []  # nothing alone

    wednesday = CALENDAR.next_school_day(tuesday)
    next_morning = await at(engine, clock, wednesday, 10, 30)
    [daily] = [m for m in next_morning if m.kind == "coordinator_digest"]
    assert "Ruben" in pupils_in(daily)
    [item] = [i for i in daily.payload["items"] if i["first_name"] == "Ruben"]
    assert [line["reason"] for line in item["lines"]] == ["pattern"]
    assert item["lines"][0]["dates"] == [day.isoformat() for day in TUESDAYS]


async def test_an_answer_just_before_the_daily_message_that_no_tick_saw_waits_for_the_next(
    engine, tmp_path
):
    """Ruben's mother says at 10:29 that the school was told: not urgent, and due before the
    10:30 daily message, but the tick that planned that message ran at 10:25 and the next
    runs after it went. Her answer is said in the next day's daily message."""
    tuesday = TUESDAYS[-1]
    clock = VirtualClock(datetime.combine(tuesday, time(7, 0), tzinfo=BRUSSELS))
    await roster(engine, clock)
    await land(engine, clock, tmp_path, tuesday)
    await open_nudge_about_omar(
        engine, CALENDAR.previous_school_day(CALENDAR.previous_school_day(tuesday))
    )
    clock.set(clock.localize(tuesday, 10, 25))
    await planner_tick(engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock)
    clock.set(clock.localize(tuesday, 10, 29))
    stored = await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P0022",
        sender_role=SenderRole.GUARDIAN,
        sender_id="G029",
        answer="informed_school",
        at=clock.now(),
    )
    assert stored
    clock.set(clock.localize(tuesday, 10, 30))
    recording = RecordingChannel(clock)
    await Dispatcher(engine, RenderingChannel(recording), clock, "w1").drain()
    [daily] = [r.message for r in recording.deliveries if r.message.kind == "coordinator_digest"]
    assert pupils_in(daily) == {"Omar"}

    later = await at(engine, clock, tuesday, 10, 35)
    assert [m for m in later if m.recipient_role == "coordinator"] == []  # nothing alone
    next_morning = await at(engine, clock, CALENDAR.next_school_day(tuesday), 10, 30)
    [daily] = [m for m in next_morning if m.kind == "coordinator_digest"]
    [item] = [i for i in daily.payload["items"] if i["first_name"] == "Ruben"]
    assert [line["reason"] for line in item["lines"]] == ["informed_school"]


async def test_a_daily_message_that_bounced_goes_again_on_the_coordinator_s_next_channel(
    engine, tmp_path
):
    """Hanne's chat id turns out to be wrong when her daily message goes (Telegram answers
    "chat not found", and the channel ends her chat contact as bounced). The message goes out
    again at the next tick by e-mail, her next contact, with the same lines; nothing twice."""
    tuesday = TUESDAYS[-1]
    clock = VirtualClock(datetime.combine(tuesday, time(7, 0), tzinfo=BRUSSELS))
    await roster(engine, clock)
    await open_nudge_about_omar(
        engine, CALENDAR.previous_school_day(CALENDAR.previous_school_day(tuesday))
    )
    both = ChannelOrder(("telegram", "email"), frozenset({"telegram", "email"}))

    def chat_not_found(message: Any) -> DeliveryOutcome | None:
        if message.kind == "coordinator_digest" and message.channel == "telegram":
            return DeliveryOutcome.invalid_recipient("400 chat not found")
        return None

    async def tick_and_send(hour: int, minute: int) -> list[Any]:
        clock.set(clock.localize(tuesday, hour, minute))
        await planner_tick(
            engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock, channels=both
        )
        recording = RecordingChannel(clock, chat_not_found)
        await Dispatcher(engine, RenderingChannel(recording), clock, "w1").drain()
        return [r.message for r in recording.deliveries if r.message.kind == "coordinator_digest"]

    assert await tick_and_send(10, 30) == []  # refused on Telegram
    async with write_transaction(engine) as conn:
        hanne = await conn.scalar(sa.text("SELECT id FROM staff WHERE staff_id = 'S03'"))
        await contacts.refuse(conn, "telegram", "staff", hanne, clock.now(), Refusal.BOUNCED)

    [mailed] = await tick_and_send(10, 35)
    assert (mailed.channel, pupils_in(mailed)) == ("email", {"Omar"})
    assert await tick_and_send(10, 40) == []  # once
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT idempotency_key, channel, status FROM outreach"
                " WHERE kind = 'coordinator_digest' ORDER BY id"
            )
        )
        stored = [tuple(row) for row in rows]
    key = stored[0][0]
    assert stored == [(key, "telegram", "failed"), (f"{key}:via-email", "email", "sent")]
