"""The facts kept between ticks (both backends): read as a plain read reads them, in roster
order, and read again only when their owner says they changed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.answers import record_reply
from bot.engine.facts import SenderRole
from bot.imports import import_absences, import_roster
from bot.outbox import write_transaction
from bot.planning.facts_cache import FactsCache
from bot.planning.facts_db import SchoolFacts, load_school_facts
from bot.planning.tick import planner_tick
from bot.rules import Rules
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import VirtualClock
from tests.helpers.outbox import dispatch

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
RULES = Rules.default()
CALENDAR = SchoolCalendar()
HEADER = "pupil_id,date,half_day,code,expected_return,note\n"
MONDAY = "P0022,2026-11-16,am,B,,\nP0016,2026-11-16,am,Z,,\n"
TUESDAY = "P0022,2026-11-17,am,B,,\nP0022,2026-11-17,pm,B,,\nP0001,2026-11-17,am,Z,,\n"


async def _roster(engine: AsyncEngine, clock: VirtualClock) -> None:
    report = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert report.exit_code == 0


async def _feed(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path, rows: str) -> None:
    path = tmp_path / "absences.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    report = await import_absences(
        engine, CsvAbsenceSource(path), school_id=SCHOOL, school_name="Sint-Jozefcollege",
        clock=clock,
    )  # fmt: skip
    assert report.exit_code == 0, report


async def _load(engine: AsyncEngine, clock: VirtualClock, cache: FactsCache | None) -> SchoolFacts:
    async with engine.connect() as conn:
        return await load_school_facts(
            conn, SCHOOL, since=CALENDAR.previous_school_day(clock.today()), cache=cache
        )


async def _pupil_id(engine: AsyncEngine, roster_id: str) -> int:
    async with engine.connect() as conn:
        found = await conn.scalar(
            sa.text("SELECT id FROM pupil WHERE pupil_id = :id"), {"id": roster_id}
        )
    assert isinstance(found, int)
    return found


async def test_kept_facts_are_what_a_plain_read_gives_in_roster_order(engine, clock, tmp_path):
    await _roster(engine, clock)
    await _feed(engine, clock, tmp_path, MONDAY)
    cache = FactsCache()
    first = await _load(engine, clock, cache)
    assert first == await _load(engine, clock, None)
    assert [p.pupil_id for p in first.pupils] == ["P0016", "P0022"]
    assert cache.held() == {p.id for p in first.pupils}

    # Tuesday: P0001 has news too; read now, the others come from the cache, all in order.
    await _feed(engine, clock, tmp_path, TUESDAY)
    cache.forget([await _pupil_id(engine, "P0022")])  # what the import wrote
    second = await _load(engine, clock, cache)
    assert second == await _load(engine, clock, None)
    assert [p.pupil_id for p in second.pupils] == ["P0001", "P0016", "P0022"]


async def test_an_answer_for_a_kept_pupil_changes_the_plan_once_forgotten(engine, clock, tmp_path):
    await _roster(engine, clock)
    await _feed(engine, clock, tmp_path, TUESDAY)
    cache = FactsCache()

    async def tick(hour: int, minute: int) -> int:
        clock.set(clock.localize(clock.today(), hour, minute))
        return await planner_tick(
            engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock,
            facts_cache=cache,
        )  # fmt: skip

    assert await tick(10, 30) > 0
    ruben = await _pupil_id(engine, "P0022")
    assert ruben in cache.held()
    await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P0022",
        sender_role=SenderRole.PUPIL,
        sender_id="P0022",
        answer="want_to_talk",
        at=clock.localize(clock.today(), 10, 45),
    )
    # The cache holds what it read until told otherwise: that is its owner's duty.
    assert await tick(10, 50) == 0
    cache.forget([ruben])
    assert await tick(10, 55) == 1  # Ruben asked to talk: his coordinator is nudged
    async with engine.connect() as conn:
        reason = await conn.scalar(
            sa.text("SELECT payload FROM outreach WHERE kind = 'coordinator_nudge'")
        )
    assert "asks_to_talk" in str(reason)


async def test_the_roster_is_read_again_after_forget_all(engine, clock, tmp_path):
    await _roster(engine, clock)
    await _feed(engine, clock, tmp_path, MONDAY)
    cache = FactsCache()
    before = await _load(engine, clock, cache)
    async with write_transaction(engine) as conn:
        await conn.execute(sa.text("UPDATE pupil SET language = 'fr' WHERE pupil_id = 'P0022'"))
        await conn.execute(sa.text("UPDATE staff SET last_name = 'Anders' WHERE staff_id = 'S03'"))
    assert await _load(engine, clock, cache) == before  # kept
    cache.forget_all()
    after = await _load(engine, clock, cache)
    assert after == await _load(engine, clock, None)
    ruben = next(p for p in after.pupils if p.pupil_id == "P0022")
    assert ruben.language == "fr"
    assert after.context[ruben.id]["sender"] == "Hanne Anders (leerlingenbegeleiding)"


async def test_staff_names_of_namesakes_are_read_once_until_forget_all(engine, clock, tmp_path):
    await _roster(engine, clock)
    await _feed(engine, clock, tmp_path, MONDAY)
    cache = FactsCache()
    await _load(engine, clock, cache)
    # P0016 (a W. too) becomes a second Ruben in P0022's class: only a roster import does
    # that, and the owner then calls forget_all. Until then, a pupil read again keeps the
    # names read once.
    async with write_transaction(engine) as conn:
        await conn.execute(
            sa.text(
                "UPDATE pupil SET first_name = 'Ruben', class_id = "
                "(SELECT class_id FROM pupil WHERE pupil_id = 'P0022') WHERE pupil_id = 'P0016'"
            )
        )
    cache.forget([await _pupil_id(engine, "P0022")])
    kept = await _load(engine, clock, cache)
    assert {p.pupil_id: p.name_for_staff for p in kept.pupils}["P0022"] is None
    cache.forget_all()
    after = await _load(engine, clock, cache)
    assert after == await _load(engine, clock, None)
    assert {p.pupil_id: p.name_for_staff for p in after.pupils}["P0022"] == "Ruben Wouters"


async def test_a_new_school_name_is_never_taken_from_kept_contexts(engine, clock, tmp_path):
    await _roster(engine, clock)
    await _feed(engine, clock, tmp_path, MONDAY)
    cache = FactsCache()
    await _load(engine, clock, cache)
    async with write_transaction(engine) as conn:
        await conn.execute(sa.text("UPDATE school SET name = 'SJC Brugge' WHERE id = 'sjc'"))
    renamed = await _load(engine, clock, cache)
    assert {context["school"] for context in renamed.context.values()} == {"SJC Brugge"}


async def test_the_open_nudges_are_counted_again_once_a_nudge_went_out(engine, clock, tmp_path):
    await _roster(engine, clock)
    await _feed(engine, clock, tmp_path, MONDAY)
    cache = FactsCache()
    assert (await _load(engine, clock, cache)).open_nudges == {}
    async with write_transaction(engine) as conn:
        ruben = await conn.scalar(sa.text("SELECT id FROM pupil WHERE pupil_id = 'P0022'"))
        hanne = await conn.scalar(sa.text("SELECT id FROM staff WHERE staff_id = 'S03'"))
        await conn.execute(
            sa.text(
                "INSERT INTO outreach (school_id, idempotency_key, kind, recipient_role, "
                "recipient_id, channel, pupil_id, lang, payload, due_at, expires_at, status, "
                "attempts, next_attempt_at, sent_at, created_at, updated_at) VALUES "
                "(:s, 'n1', 'coordinator_nudge', 'coordinator', :hanne, 'email', :ruben, 'nl', "
                "'{}', :t, :t, 'sent', 1, :t, :t, :t, :t)"
            ),
            {"s": SCHOOL, "hanne": hanne, "ruben": ruben, "t": clock.now()},
        )
    assert (await _load(engine, clock, cache)).open_nudges == {}  # kept
    cache.nudged()
    assert (await _load(engine, clock, cache)).open_nudges == {hanne: 1}
    assert (await _load(engine, clock, None)).open_nudges == {hanne: 1}


async def test_a_nudge_sent_today_leaves_the_mornings_count_alone(engine, clock, tmp_path):
    """The digest counts what was open when the day began: a nudge that goes out during the
    day cannot change that count, and it is kept; one sent earlier (an acknowledgement's
    change, a store written by others) is counted again."""
    await _roster(engine, clock)
    await _feed(engine, clock, tmp_path, MONDAY)
    day_began = clock.localize(clock.today(), 0)
    cache = FactsCache()

    async def load() -> dict[int, int]:
        async with engine.connect() as conn:
            facts = await load_school_facts(
                conn,
                SCHOOL,
                since=CALENDAR.previous_school_day(clock.today()),
                nudges_before=day_began,
                cache=cache,
            )
        return dict(facts.open_nudges)

    assert await load() == {}
    async with write_transaction(engine) as conn:
        ruben = await conn.scalar(sa.text("SELECT id FROM pupil WHERE pupil_id = 'P0022'"))
        hanne = await conn.scalar(sa.text("SELECT id FROM staff WHERE staff_id = 'S03'"))
        for key, sent in (("today", clock.now()), ("yesterday", day_began - timedelta(hours=9))):
            await conn.execute(
                sa.text(
                    "INSERT INTO outreach (school_id, idempotency_key, kind, recipient_role, "
                    "recipient_id, channel, pupil_id, lang, payload, due_at, expires_at, "
                    "status, attempts, next_attempt_at, sent_at, created_at, updated_at) VALUES "
                    "(:s, :key, 'coordinator_nudge', 'coordinator', :hanne, 'email', :ruben, "
                    "'nl', '{}', :t, :t, 'sent', 1, :t, :t, :t, :t)"
                ),
                {"s": SCHOOL, "key": key, "hanne": hanne, "ruben": ruben, "t": sent},
            )
    cache.nudged(clock.now())
    assert cache._open_nudges is not None  # kept: today's nudge is not in the count
    cache.nudged(day_began - timedelta(hours=9))
    assert await load() == {hanne: 1}  # yesterday's is; today's waits for tomorrow


async def test_a_planned_row_proposed_otherwise_is_brought_up_to_date(engine, clock, tmp_path):
    """The rows the last tick proposed are kept, and only those proposed again unchanged skip
    the outbox: a notice that an answer softened must still be changed in the outbox."""
    await _roster(engine, clock)
    await _feed(engine, clock, tmp_path, TUESDAY)
    cache = FactsCache()

    async def tick(hour: int, minute: int) -> None:
        clock.set(clock.localize(clock.today(), hour, minute))
        await planner_tick(
            engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock,
            facts_cache=cache,
        )  # fmt: skip

    async def soft() -> list[bool]:
        async with engine.connect() as conn:
            payloads = await conn.execute(
                sa.text(
                    "SELECT o.payload FROM outreach o JOIN pupil p ON p.id = o.pupil_id "
                    "WHERE o.kind = 'guardian_notice' AND p.pupil_id = 'P0022' "
                    "AND o.status = 'planned'"
                )
            )
            return [json.loads(p)["soft"] if isinstance(p, str) else p["soft"] for (p,) in payloads]

    await tick(10, 30)
    await dispatch(engine, clock)  # Ruben's check-in went out
    cache.forget([await _pupil_id(engine, "P0022")])
    await tick(10, 31)
    assert await soft() == [False]  # due after the check-in and its grace period
    assert cache.proposed
    ruben = await _pupil_id(engine, "P0022")
    async with write_transaction(engine) as conn:  # his answer to the check-in (sent meanwhile)
        await conn.execute(
            sa.text(
                "INSERT INTO reply (school_id, pupil_id, sender_role, sender_id, answer, "
                "received_at, episode_key) VALUES (:s, :ruben, 'pupil', 'P0022', 'sick', :at, "
                "'2026-11-17-am')"
            ),
            {"s": SCHOOL, "ruben": ruben, "at": clock.localize(clock.today(), 10, 40)},
        )
    cache.forget([ruben])
    await tick(10, 45)
    assert await soft() == [True]
