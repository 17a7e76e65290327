"""The planner tick's safety work on the store (both backends): rows withdrawn when no longer
called for and planned again when they are, apologies after a correction, the mass-absence
hold with its alert and the coordinator's decision, nudges acknowledged, and the dispatcher's
gate (delivery window and caps)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.answers import record_reply
from bot.engine.facts import SenderRole
from bot.engine.hold import HoldState
from bot.imports import import_absences, import_roster
from bot.outbox import Dispatcher, Outgoing, RecordingChannel, write_transaction
from bot.planning.decisions import acknowledge, decide_hold, list_holds
from bot.planning.gate import DeliveryGate
from bot.planning.tick import planner_tick
from bot.rules import Cap, Caps, Rules
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
RULES = Rules.default()
CALENDAR = SchoolCalendar()
HEADER = "pupil_id,date,half_day,code,expected_return,note\n"
RUBEN = "P0022,2026-11-17,am,B,,\nP0022,2026-11-17,pm,B,,\n"


async def roster(engine: AsyncEngine, clock: VirtualClock) -> None:
    report = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert report.exit_code == 0


async def feed(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path, rows: str) -> None:
    path = tmp_path / "absences.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    report = await import_absences(
        engine,
        CsvAbsenceSource(path, covers=[clock.today()]),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert report.exit_code == 0, report


async def tick(engine: AsyncEngine, clock: VirtualClock, at: str, rules: Rules = RULES) -> int:
    hour, minute = map(int, at.split(":"))
    clock.set(clock.localize(clock.today(), hour, minute))
    return await planner_tick(engine, school_id=SCHOOL, rules=rules, calendar=CALENDAR, clock=clock)


async def outreach(engine: AsyncEngine) -> list[tuple[int, str, str, str, str]]:
    """``(id, kind, recipient_role, status, local due "HH:MM")`` in id order."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text("SELECT id, kind, recipient_role, status, due_at FROM outreach ORDER BY id")
        )
        return [(row[0], row[1], row[2], row[3], _local(row[4]).strftime("%H:%M")) for row in rows]


def _local(value: datetime | str) -> datetime:
    if isinstance(value, str):  # SQLite through sa.text
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BRUSSELS)


async def dispatch(engine: AsyncEngine, clock: VirtualClock) -> RecordingChannel:
    channel = RecordingChannel(clock)
    await Dispatcher(engine, channel, clock, "w1").drain()
    return channel


async def test_a_correction_withdraws_what_is_pending_and_a_new_mark_brings_it_back(
    engine, clock, tmp_path
):
    await roster(engine, clock)
    await feed(engine, clock, tmp_path, RUBEN)
    # Ruben's check-in; his mother's notice waits until the check-in has gone out.
    assert await tick(engine, clock, "10:00") == 1
    before = await outreach(engine)
    assert [(kind, status) for _, kind, _, status, _ in before] == [("pupil_checkin", "planned")]

    await feed(engine, clock, tmp_path, "")  # the register is corrected: Ruben was there
    await tick(engine, clock, "10:15")
    assert [status for *_, status, _ in await outreach(engine)] == ["withdrawn"]
    assert (await dispatch(engine, clock)).deliveries == []

    await feed(engine, clock, tmp_path, RUBEN)  # ... and marked absent once more
    assert await tick(engine, clock, "10:20") == 1
    after = await outreach(engine)
    assert [row[0] for row in after] == [row[0] for row in before]  # the same rows
    assert [status for *_, status, _ in after] == ["planned"]


async def test_a_notice_that_went_out_about_a_corrected_day_gets_an_apology(
    engine, clock, tmp_path
):
    await roster(engine, clock)
    await feed(engine, clock, tmp_path, RUBEN)
    await tick(engine, clock, "10:30")
    sent = await dispatch(engine, clock)
    await tick(engine, clock, "10:35")  # the check-in went out: the notice two hours later
    clock.set(clock.localize(clock.today(), 12, 30))
    sent.deliveries.extend((await dispatch(engine, clock)).deliveries)
    assert [r.message.kind for r in sent.deliveries] == ["pupil_checkin", "guardian_notice"]

    clock.set(clock.localize(clock.today(), 14, 0))
    await feed(engine, clock, tmp_path, "")
    await tick(engine, clock, "14:05")
    apology = await dispatch(engine, clock)
    # The same school day: the mother who was told, and Ruben, who was checked on.
    assert sorted((r.message.kind, r.message.recipient_role) for r in apology.deliveries) == [
        ("guardian_correction", "guardian"),
        ("pupil_correction", "pupil"),
    ]
    assert all(r.message.payload["date"] == "2026-11-17" for r in apology.deliveries)
    assert all(r.at == clock.now() for r in apology.deliveries)
    await tick(engine, clock, "15:00")
    assert (await dispatch(engine, clock)).deliveries == []  # once


FIFTH_FORM = "".join(f"P00{n},2026-11-17,am,B,,\n" for n in range(24, 29))  # 5 of 7 in 5B


async def test_a_class_almost_wholly_absent_is_held_and_the_coordinators_are_alerted(
    engine, clock, tmp_path
):
    await roster(engine, clock)
    await feed(engine, clock, tmp_path, FIFTH_FORM + RUBEN)
    await tick(engine, clock, "10:00")

    async with engine.connect() as conn:
        holds = await list_holds(conn, SCHOOL)
    assert [(h.scope, h.status, h.absent, h.pupils) for h in holds] == [("5B", "held", 5, 7)]
    rows = await outreach(engine)
    kinds = sorted((kind, role) for _, kind, role, _, _ in rows)
    assert ("hold_alert", "coordinator") in kinds
    # Nothing about the 5B pupils goes out; Ruben (3A) is not held (his mother's notice
    # follows once his check-in went out).
    assert [kind for kind, role in kinds if role in ("pupil", "guardian")] == ["pupil_checkin"]
    delivered = await dispatch(engine, clock)
    alerts = [r.message for r in delivered.deliveries if r.message.kind == "hold_alert"]
    assert {a.payload["class_name"] for a in alerts} == {"5B"}
    assert {a.payload["absent_pupils"] for a in alerts} == {5}
    assert all(a.payload["held_messages"] > 0 for a in alerts)

    clock.set(clock.localize(clock.today(), 13, 0))
    async with write_transaction(engine) as conn:
        assert await decide_hold(
            conn, SCHOOL, clock.today(), "5B", HoldState.RELEASED, by="S03", at=clock.now()
        )
        assert not await decide_hold(
            conn, SCHOOL, clock.today(), "5B", HoldState.DISCARDED, by="S03", at=clock.now()
        )  # decided already
    await tick(engine, clock, "13:05")
    released = await dispatch(engine, clock)
    fifth = [
        r
        for r in released.deliveries
        if r.message.recipient_role in ("pupil", "guardian")
        and r.message.payload["class_name"] == "5B"
    ]
    assert fifth, "the released check-ins and notices go out"
    assert all(r.message.due_at >= clock.localize(clock.today(), 13, 0) for r in fifth)


async def test_a_discarded_hold_sends_nothing_about_that_day(engine, clock, tmp_path):
    await roster(engine, clock)
    await feed(engine, clock, tmp_path, FIFTH_FORM)
    await tick(engine, clock, "10:00")
    await dispatch(engine, clock)
    async with write_transaction(engine) as conn:
        await decide_hold(
            conn, SCHOOL, clock.today(), "5B", HoldState.DISCARDED, by="S03", at=clock.now()
        )
    for at in ("11:00", "13:00", "16:00"):
        await tick(engine, clock, at)
        delivered = await dispatch(engine, clock)
        assert [r.message.kind for r in delivered.deliveries] == []


@pytest.mark.parametrize("seen", [True, False])
async def test_a_nudge_is_reminded_of_unless_acknowledged(engine, clock, tmp_path, seen):
    await roster(engine, clock)
    # Ruben asks to talk: his coordinator is nudged the same day.
    async with write_transaction(engine) as conn:
        ruben = await conn.scalar(sa.text("SELECT id FROM pupil WHERE pupil_id = 'P0022'"))
    await feed(engine, clock, tmp_path, RUBEN)
    await tick(engine, clock, "10:30")
    await dispatch(engine, clock)
    await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P0022",
        sender_role=SenderRole.PUPIL,
        sender_id="P0022",
        answer="want_to_talk",
        at=clock.localize(clock.today(), 10, 45),
    )
    await tick(engine, clock, "10:50")
    nudged = await dispatch(engine, clock)
    nudges = [r.message for r in nudged.deliveries if r.message.kind == "coordinator_nudge"]
    # His call for help holds his mother's notice: one nudge says both, with the buttons.
    assert [(n.payload["reason"], n.payload["variant"]) for n in nudges] == [
        ("held_notice", "held_talk")
    ]
    if seen:
        async with write_transaction(engine) as conn:
            assert await acknowledge(conn, SCHOOL, nudges[0].id, by="S03", at=clock.now())
            assert not await acknowledge(conn, SCHOOL, nudges[0].id, by="S03", at=clock.now())
    assert ruben is not None
    # Two school days later: a reminder, unless the nudge was acknowledged.
    clock.set(clock.localize(clock.today() + timedelta(days=2), 7, 0))
    await tick(engine, clock, "11:00")
    later = await dispatch(engine, clock)
    reminders = [
        r.message.payload.get("reason")
        for r in later.deliveries
        if r.message.kind == "coordinator_nudge"
    ]
    assert reminders == ([] if seen else ["unacknowledged"])


def _message(role: str = "guardian", kind: str = "guardian_notice", to: int = 1) -> Outgoing:
    now = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)
    return Outgoing(
        id=0,
        school_id=SCHOOL,
        idempotency_key="k",
        kind=kind,
        recipient_role=role,
        recipient_id=to,
        channel="telegram",
        pupil_id=None,
        lang="nl",
        payload={},
        text=None,
        due_at=now,
        expires_at=now + timedelta(days=1),
        attempts=0,
        claimed_by="w1",
        claimed_at=now,
    )


async def test_the_gate_keeps_the_delivery_window_for_everyone(engine, clock):
    gate = DeliveryGate(engine, RULES, CALENDAR, BRUSSELS)
    evening = datetime(2026, 11, 17, 20, 30, tzinfo=BRUSSELS)
    assert await gate(_message("coordinator", "hold_alert"), evening) == datetime(
        2026, 11, 18, 8, 0, tzinfo=BRUSSELS
    )
    friday_night = datetime(2026, 11, 20, 21, 0, tzinfo=BRUSSELS)
    assert await gate(_message(), friday_night) == datetime(2026, 11, 23, 8, 0, tzinfo=BRUSSELS)
    assert await gate(_message(), datetime(2026, 11, 17, 12, 0, tzinfo=BRUSSELS)) is None


async def test_the_gate_caps_per_day_and_per_week(engine, clock, tmp_path):
    await roster(engine, clock)
    rules = Rules(caps=Caps(guardian=Cap(per_day=1, per_week=2)))
    gate = DeliveryGate(engine, rules, CALENDAR, BRUSSELS)
    async with engine.connect() as conn:
        guardian = await conn.scalar(sa.text("SELECT id FROM guardian WHERE guardian_id='G029'"))
    assert guardian is not None

    async def sent(at: datetime, kind: str = "guardian_notice") -> None:
        async with write_transaction(engine) as conn:
            await conn.execute(
                sa.text(
                    "INSERT INTO outreach (school_id, idempotency_key, kind, recipient_role, "
                    "recipient_id, channel, lang, payload, due_at, expires_at, status, "
                    "attempts, next_attempt_at, sent_at, created_at, updated_at) VALUES "
                    "(:s, :k, :kind, 'guardian', :g, 'email', 'nl', '{}', :t, :e, 'sent', 1, "
                    ":t, :t, :t, :t)"
                ),
                {
                    "s": SCHOOL,
                    "k": f"{kind}-{at.isoformat()}",
                    "kind": kind,
                    "g": guardian,
                    "t": at.astimezone(UTC),
                    "e": (at + timedelta(days=1)).astimezone(UTC),
                },
            )

    monday = datetime(2026, 11, 16, 11, 0, tzinfo=BRUSSELS)
    message = _message(to=guardian)
    assert await gate(message, monday) is None
    await sent(monday)
    # One today already: tomorrow morning.
    assert await gate(message, monday + timedelta(hours=2)) == datetime(
        2026, 11, 17, 8, 0, tzinfo=BRUSSELS
    )
    # An apology is never capped, and does not count.
    assert await gate(_message(kind="guardian_correction", to=guardian), monday) is None
    await sent(monday, "guardian_correction")
    tuesday = monday + timedelta(days=1)
    assert await gate(message, tuesday) is None
    await sent(tuesday)
    # Two this week: next Monday.
    assert await gate(message, tuesday + timedelta(days=1)) == datetime(
        2026, 11, 23, 8, 0, tzinfo=BRUSSELS
    )
    # Another guardian is not affected.
    assert await gate(_message(to=guardian + 1), tuesday + timedelta(days=1)) is None


async def test_the_daily_message_of_a_reminder_goes_out_on_a_tick_without_news(engine, clock):
    """Nobody has news, but a nudge of two school days ago is still open: its reminder is
    gathered, and the daily message that names it is planned for the school (a digest was once
    planned for a school named "" and refused by the store)."""
    await roster(engine, clock)
    two_days_ago = CALENDAR.previous_school_day(CALENDAR.previous_school_day(clock.today()))
    async with write_transaction(engine) as conn:
        ruben = await conn.scalar(sa.text("SELECT id FROM pupil WHERE pupil_id = 'P0022'"))
        hanne = await conn.scalar(sa.text("SELECT id FROM staff WHERE staff_id = 'S03'"))
        sent = datetime.combine(two_days_ago, time(10, 30), tzinfo=BRUSSELS).astimezone(UTC)
        await conn.execute(
            sa.text(
                "INSERT INTO outreach (school_id, idempotency_key, kind, recipient_role, "
                "recipient_id, channel, pupil_id, lang, payload, due_at, expires_at, status, "
                "attempts, next_attempt_at, sent_at, created_at, updated_at) VALUES "
                "(:s, 'old-nudge', 'coordinator_nudge', 'coordinator', :hanne, 'email', :ruben, "
                "'nl', :payload, :t, :e, 'sent', 1, :t, :t, :t, :t)"
            ),
            {
                "s": SCHOOL,
                "hanne": hanne,
                "ruben": ruben,
                "payload": f'{{"reason": "clb_threshold", "date": "{two_days_ago}"}}',
                "t": sent,
                "e": sent + timedelta(days=1),
            },
        )
    assert await tick(engine, clock, "09:45") == 2  # the reminder, gathered, and the digest
    async with engine.connect() as conn:
        school, payload = (
            await conn.execute(
                sa.text("SELECT school_id, payload FROM outreach WHERE kind = 'coordinator_digest'")
            )
        ).one()
    assert school == SCHOOL
    if isinstance(payload, str):  # SQLite through sa.text
        payload = json.loads(payload)
    [item] = payload["items"]
    assert (item["group"], item["lines"][0]["reason"]) == ("you", "unacknowledged")
    assert item["lines"][0]["about"] == "clb_threshold"
