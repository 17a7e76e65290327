"""Which pupils a tick plans (both backends): those whose nudge still waits for its reminder
and no one whose reminder is stored; those with a snoozed nudge, an answer, a pause or a
correction since the news start."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.answers import record_reply
from bot.contacts import store as contacts
from bot.engine.facts import SenderRole
from bot.imports import import_absences, import_roster
from bot.outbox import write_transaction
from bot.planning.facts_db import read_recent_pupils
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from scheduler.clock import BRUSSELS, VirtualClock

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
SINCE = date(2026, 11, 16)
SENT = datetime(2026, 11, 10, 10, 30, tzinfo=BRUSSELS).astimezone(UTC)


async def _school(engine: AsyncEngine, clock: VirtualClock) -> int:
    report = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert report.exit_code == 0
    async with engine.connect() as conn:
        ruben = await conn.scalar(sa.text("SELECT id FROM pupil WHERE pupil_id = 'P0022'"))
    assert isinstance(ruben, int)
    return ruben


async def _nudge(
    engine: AsyncEngine, ruben: int, key: str, status: str = "sent", **payload: str
) -> None:
    async with write_transaction(engine) as conn:
        hanne = await conn.scalar(sa.text("SELECT id FROM staff WHERE staff_id = 'S03'"))
        await conn.execute(
            sa.text(
                "INSERT INTO outreach (school_id, idempotency_key, kind, recipient_role, "
                "recipient_id, channel, pupil_id, lang, payload, due_at, expires_at, status, "
                "attempts, next_attempt_at, sent_at, created_at, updated_at) VALUES "
                "(:s, :key, 'coordinator_nudge', 'coordinator', :hanne, 'email', :ruben, 'nl', "
                ":payload, :t, :e, :status, 1, :t, :sent, :t, :t)"
            ),
            {
                "s": SCHOOL,
                "key": key,
                "hanne": hanne,
                "ruben": ruben,
                "payload": json.dumps(payload),
                "status": status,
                "t": SENT,
                "e": SENT + timedelta(days=1),
                "sent": SENT if status == "sent" else None,
            },
        )


async def _recent(engine: AsyncEngine) -> set[int]:
    async with engine.connect() as conn:
        return set(await read_recent_pupils(conn, SCHOOL, SINCE))


async def _set(engine: AsyncEngine, key: str, **values: object) -> None:
    columns = ", ".join(f"{name} = :{name}" for name in values)
    async with write_transaction(engine) as conn:
        await conn.execute(
            sa.text(f"UPDATE outreach SET {columns} WHERE idempotency_key = :key"),
            {**values, "key": key},
        )


async def test_a_nudge_waits_for_its_reminder_until_the_reminder_is_stored(engine, clock):
    ruben = await _school(engine, clock)
    await _nudge(engine, ruben, "n1", reason="clb_threshold", date="2026-11-10")
    assert await _recent(engine) == {ruben}

    # The reminder went out: nothing is left to plan for this nudge, nor for the reminder.
    await _nudge(engine, ruben, "r1", reason="unacknowledged", nudge="n1", date="2026-11-10")
    assert await _recent(engine) == set()

    # Withdrawn, it may be proposed again: the pupil is planned once more.
    await _set(engine, "r1", status="withdrawn", sent_at=None)
    assert await _recent(engine) == {ruben}


async def test_an_acknowledged_nudge_waits_for_nothing(engine, clock):
    ruben = await _school(engine, clock)
    await _nudge(engine, ruben, "n1", reason="asks_to_talk", date="2026-11-10")
    await _set(engine, "n1", acknowledged_at=SENT + timedelta(hours=1), acknowledged_by="S03")
    assert await _recent(engine) == set()


async def test_a_snoozed_nudge_brings_its_pupil_until_the_snooze_is_over(engine, clock):
    ruben = await _school(engine, clock)
    await _nudge(engine, ruben, "n1", reason="clb_threshold", date="2026-10-01")
    long_ago = datetime(2026, 10, 1, 10, 30, tzinfo=BRUSSELS).astimezone(UTC)
    await _set(engine, "n1", sent_at=long_ago)  # its own reminder is long past
    assert await _recent(engine) == set()
    await _set(engine, "n1", snoozed_until=date(2026, 11, 18))
    assert await _recent(engine) == {ruben}
    await _set(engine, "n1", snoozed_until=date(2026, 11, 13))  # over before the news start
    assert await _recent(engine) == set()


async def test_an_answer_and_a_pause_bring_their_pupil(engine, clock):
    ruben = await _school(engine, clock)
    async with write_transaction(engine) as conn:
        await conn.execute(
            sa.text(
                "INSERT INTO pupil_pause (school_id, pupil_id, starts, ends, created_at, "
                "created_by) VALUES (:s, :ruben, :starts, :ends, :at, 'S03')"
            ),
            {
                "s": SCHOOL,
                "ruben": ruben,
                "starts": date(2026, 11, 2),
                "ends": date(2026, 11, 13),
                "at": SENT,
            },
        )
    assert await _recent(engine) == set()  # made and over before the news start
    async with write_transaction(engine) as conn:
        await conn.execute(sa.text("UPDATE pupil_pause SET ends = :ends"), {"ends": SINCE})
    assert await _recent(engine) == {ruben}
    async with write_transaction(engine) as conn:
        await conn.execute(sa.text("DELETE FROM pupil_pause"))
    await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P0022",
        sender_role=SenderRole.GUARDIAN,
        sender_id="G029",
        answer="sick",
        at=datetime(2026, 11, 16, 8, 0, tzinfo=BRUSSELS),
    )
    assert await _recent(engine) == {ruben}


async def test_a_correction_to_an_old_mark_brings_its_pupil(engine, clock, tmp_path):
    ruben = await _school(engine, clock)
    feed = tmp_path / "absences.csv"

    feed_clock = VirtualClock(datetime(2026, 11, 5, 9, 0, tzinfo=BRUSSELS))

    async def register(code: str, at: datetime) -> None:
        feed.write_text(f"pupil_id,date,half_day,code\nP0022,2026-11-05,am,{code}\n")
        feed_clock.set(at)
        report = await import_absences(
            engine, CsvAbsenceSource(feed), school_id=SCHOOL, school_name="SJC", clock=feed_clock
        )
        assert report.exit_code == 0

    await register("B", datetime(2026, 11, 5, 9, 30, tzinfo=BRUSSELS))
    assert await _recent(engine) == set()  # an old mark is no news
    await register("Z", datetime(2026, 11, 16, 9, 30, tzinfo=BRUSSELS))
    assert await _recent(engine) == {ruben}


async def test_a_contact_that_ended_brings_the_pupils_it_is_about(engine, clock):
    """Ruben's mother blocked the bot since the news start: he is planned (his spilfiguur is
    to be told); her e-mail that bounced and his own that he stopped before then are no news."""
    ruben = await _school(engine, clock)
    before = SENT  # 10 November, before the news start
    async with write_transaction(engine) as conn:
        sarah = await conn.scalar(sa.text("SELECT id FROM guardian WHERE guardian_id = 'G029'"))
        await contacts.refuse(conn, "email", "guardian", sarah, before)
        await contacts.unsubscribe(conn, "email", "pupil", ruben, before)
    assert await _recent(engine) == set()

    async with write_transaction(engine) as conn:
        await contacts.link_chat(conn, SCHOOL, "guardian", sarah, 52000029, before)
        await contacts.refuse(
            conn, "telegram", "guardian", sarah, datetime(2026, 11, 16, 9, 0, tzinfo=BRUSSELS)
        )
    assert await _recent(engine) == {ruben}
