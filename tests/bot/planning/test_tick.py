"""The planner tick on the store: facts read right, rows planned once (both backends)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.answers import record_reply
from bot.domain import HalfDay
from bot.engine.episodes import Mark, Slot
from bot.engine.facts import SenderRole
from bot.imports import import_absences, import_roster
from bot.planning.facts_db import SchoolFacts, load_school_facts
from bot.planning.tick import horizon_at, planner_tick
from bot.rules import Rules
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from messages import render_outreach, template_for
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from tests.helpers.outbox import dispatch

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
RULES = Rules.default()
CALENDAR = SchoolCalendar()
FEED = """pupil_id,date,half_day,code,expected_return,note
P0022,2026-11-17,am,B,,
P0022,2026-11-17,pm,B,,
P0016,2026-11-17,am,Z,2026-11-20,
P0014,2026-11-17,am,-,,
"""


async def _seed(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path) -> None:
    roster = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert roster.exit_code == 0
    feed = tmp_path / "absences.csv"
    feed.write_text(FEED, encoding="utf-8")
    report = await import_absences(
        engine,
        CsvAbsenceSource(feed),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert report.exit_code == 0


async def _facts(engine: AsyncEngine) -> SchoolFacts:
    async with engine.connect() as conn:
        return await load_school_facts(conn, SCHOOL)


async def _rows(engine: AsyncEngine) -> list[tuple[str, str, str, str]]:
    async with engine.connect() as conn:
        result = await conn.execute(
            sa.text("SELECT kind, recipient_role, channel, lang FROM outreach ORDER BY due_at, id")
        )
        return [tuple(row) for row in result]


async def test_the_facts_of_every_active_pupil_are_read_from_the_store(engine, clock, tmp_path):
    await _seed(engine, clock, tmp_path)
    facts = await _facts(engine)

    assert facts.school_name == "Sint-Jozefcollege"
    assert facts.feed_days == frozenset({date(2026, 11, 17)})
    assert len(facts.pupils) == 30
    assert [p.pupil_id for p in facts.pupils] == sorted(p.pupil_id for p in facts.pupils)
    ruben = next(p for p in facts.pupils if p.pupil_id == "P0022")
    assert ruben.first_name == "Ruben"
    assert ruben.class_name == "3A"
    assert ruben.channel == "telegram"
    assert sorted(ruben.marks) == [
        Mark(date(2026, 11, 17), HalfDay.AM, "B"),
        Mark(date(2026, 11, 17), HalfDay.PM, "B"),
    ]
    assert [(g.guardian_id, g.channel, g.language) for g in ruben.guardians] == [
        ("G029", "telegram", "nl"),
        ("G030", None, "nl"),
    ]
    assert [t.staff_id for t in ruben.teachers] == ["S07", "S09", "S10", "S11", "S12"]
    assert ruben.spilfiguur is not None
    assert ruben.spilfiguur.staff_id == "S03"
    noor = next(p for p in facts.pupils if p.pupil_id == "P0016")
    assert noor.marks == (Mark(date(2026, 11, 17), HalfDay.AM, "Z", date(2026, 11, 20)),)
    lotte = next(p for p in facts.pupils if p.pupil_id == "P0001")
    assert lotte.channel is None
    assert lotte.marks == ()
    wout = next(p for p in facts.pupils if p.pupil_id == "P0005")
    assert [(g.guardian_id, g.may_contact) for g in wout.guardians] == [
        ("G008", True),
        ("G009", False),
    ]
    sara = next(p for p in facts.pupils if p.pupil_id == "P0030")
    assert sara.guardian_consent is True
    assert facts.context[ruben.id] == {
        "school": "Sint-Jozefcollege",
        "class_name": "3A",
        "sender": "Hanne Verstraete (leerlingenbegeleiding)",
        "contact": "Hanne Verstraete, hanne.verstraete@example.org",
    }


async def test_planning_twice_adds_nothing_new(engine, clock, tmp_path):
    await _seed(engine, clock, tmp_path)
    clock.set(datetime(2026, 11, 17, 10, 30, tzinfo=BRUSSELS))

    first = await planner_tick(
        engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock
    )
    again = await planner_tick(
        engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock
    )

    assert (first, again) == (3, 0)
    assert await _rows(engine) == [
        ("guardian_notice", "guardian", "telegram", "ar"),  # Adam: 12 and unreachable, at once
        ("pupil_checkin", "pupil", "telegram", "nl"),  # Noor, 14, sick: a check-in all the same
        ("pupil_checkin", "pupil", "telegram", "nl"),  # Ruben, 14
    ]  # Ruben's guardian: once his check-in went out
    await dispatch(engine, clock)
    assert (
        await planner_tick(engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock)
        == 1
    )
    assert (await _rows(engine))[-1] == ("guardian_notice", "guardian", "telegram", "nl")
    async with engine.connect() as conn:
        payload = await conn.scalar(
            sa.text("SELECT payload FROM outreach WHERE kind = 'guardian_notice' AND lang = 'nl'")
        )
    if isinstance(payload, str):  # SQLite hands back the JSON text through sa.text
        payload = json.loads(payload)
    assert payload["school"] == "Sint-Jozefcollege"
    assert payload["sender"] == "Hanne Verstraete (leerlingenbegeleiding)"
    assert payload["first_name"] == "Ruben"

    clock.advance(timedelta(hours=3))
    assert (
        await planner_tick(engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock)
        == 0
    )


async def test_a_reply_is_stored_with_the_episode_of_the_message_it_answers(
    engine, clock, tmp_path
):
    await _seed(engine, clock, tmp_path)
    at = datetime(2026, 11, 17, 11, 0, tzinfo=BRUSSELS)
    before = await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P0022",
        sender_role=SenderRole.PUPIL,
        sender_id="P0022",
        answer="sick",
        at=at,
    )
    assert before is not None
    unknown = await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P9999",
        sender_role=SenderRole.PUPIL,
        sender_id="P9999",
        answer="sick",
        at=at,
    )
    assert unknown is None
    facts = await _facts(engine)
    ruben = next(p for p in facts.pupils if p.pupil_id == "P0022")
    assert [(r.sender_role, r.answer, r.episode_key) for r in ruben.replies] == [
        (SenderRole.PUPIL, "sick", None)  # nothing was sent yet: not tied to an episode
    ]
    assert ruben.replies[0].at == at.astimezone(UTC)


def test_the_horizon_follows_the_local_time_and_todays_feed():
    tuesday = date(2026, 11, 17)
    fed = frozenset({tuesday})

    def at(hour: int, minute: int = 0, days: frozenset[date] = fed) -> Slot:
        local = datetime(2026, 11, 17, hour, minute, tzinfo=BRUSSELS)
        return horizon_at(local, RULES, CALENDAR, days)

    assert at(9, 45) == Slot(tuesday, HalfDay.AM)  # the morning feed has not settled
    assert at(10, 30) == Slot(tuesday, HalfDay.PM)
    assert at(17, 0) == Slot(date(2026, 11, 18), HalfDay.AM)
    assert at(12, 0, frozenset()) == Slot(tuesday, HalfDay.AM)  # no feed today


def test_rows_are_rendered_from_their_kind_and_payload():
    payload = {
        "episode": "P0002:2026-11-17",
        "first_name": "Yasmine",
        "school": "Sint-Jozefcollege",
        "class_name": "1A",
        "sender": "Koen De Backer (leerlingenbegeleiding)",
        "contact": "Koen De Backer, koen.debacker@example.org",
        "date": "2026-11-17",
        "missed_half_days": 2,
        "soft": False,
    }
    assert template_for("guardian_notice", payload) == "guardian_notice.first"
    assert template_for("guardian_care", payload) == "guardian_care"
    assert template_for("guardian_notice", {"variant": "followup"}) == "guardian_notice.followup"

    french = render_outreach("guardian_notice", "fr", payload)
    assert french.lang == "fr+nl"
    assert "Yasmine" in french.text
    assert "dinsdag 17 november" in french.text
    dutch = render_outreach("pupil_checkin", "nl", payload)
    assert dutch.lang == "nl"
    assert dutch.text.startswith("Hoi Yasmine,")


async def test_the_plan_cache_plans_only_pupils_whose_facts_or_episodes_changed(
    engine, clock, tmp_path, monkeypatch
):
    from bot.planning import tick

    await _seed(engine, clock, tmp_path)
    clock.set(datetime(2026, 11, 17, 11, 0, tzinfo=BRUSSELS))
    planned: list[str] = []
    real = tick.plan_episodes

    def counting(pupil, every, **kwargs):  # type: ignore[no-untyped-def]
        planned.append(pupil.pupil_id)
        return real(pupil, every, **kwargs)

    monkeypatch.setattr(tick, "plan_episodes", counting)
    cache = tick.PlanCache()

    def plan(facts: SchoolFacts) -> list[str]:
        rows = tick.plan_school(facts, rules=RULES, calendar=CALENDAR, clock=clock, cache=cache)
        return sorted(item.idempotency_key for item in rows.planned)

    facts = await _facts(engine)
    first = plan(facts)
    assert len(planned) == len(facts.pupils)
    planned.clear()
    clock.advance(timedelta(minutes=15))  # the same day and horizon: nothing planned again
    assert plan(await _facts(engine)) == first
    assert planned == []
    await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P0022",
        sender_role=SenderRole.PUPIL,
        sender_id="P0022",
        answer="want_to_talk",
        at=clock.now(),
    )
    changed = plan(await _facts(engine))
    assert planned == ["P0022"]  # only the pupil whose facts changed
    assert set(first) < set(changed)  # the coordinator is nudged
    uncached = tick.plan_school(await _facts(engine), rules=RULES, calendar=CALENDAR, clock=clock)
    assert changed == sorted(item.idempotency_key for item in uncached.planned)
    planned.clear()
    # The horizon moved: the afternoon is known. Only the pupils it showed back (absent in the
    # morning only) have other episodes; the others' rows are kept.
    clock.set(datetime(2026, 11, 17, 17, 30, tzinfo=BRUSSELS))
    moved = tick.plan_school(
        await _facts(engine), rules=RULES, calendar=CALENDAR, clock=clock, cache=cache
    )
    assert planned == ["P0014", "P0016"]
    fresh = tick.plan_school(await _facts(engine), rules=RULES, calendar=CALENDAR, clock=clock)
    assert moved.planned == fresh.planned
    planned.clear()
    clock.set(datetime(2026, 11, 18, 7, 0, tzinfo=BRUSSELS))  # a new day: everyone afresh
    plan(await _facts(engine))
    assert len(planned) == len(facts.pupils)


async def test_the_facts_carry_the_checkins_that_went_out_and_those_that_could_not(
    engine, clock, tmp_path
):
    await _seed(engine, clock, tmp_path)
    clock.set(datetime(2026, 11, 17, 10, 30, tzinfo=BRUSSELS))
    await planner_tick(engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock)
    await dispatch(engine, clock)
    ruben = next(p for p in (await _facts(engine)).pupils if p.pupil_id == "P0022")
    [checkin] = [s for s in ruben.sent if s.kind == "pupil_checkin"]
    assert checkin.sent_at == clock.now()
    assert checkin.date == date(2026, 11, 17)
    assert ruben.undelivered == ()


async def test_a_checkin_that_expired_lets_the_notice_go_at_once_not_expire_with_it(
    engine, clock, tmp_path
):
    """The dispatcher was down for a day: Ruben's check-in expired unsent. His mother's notice
    follows the rule for an unreachable pupil from the moment the check-in expired."""
    await _seed(engine, clock, tmp_path)
    clock.set(datetime(2026, 11, 17, 10, 30, tzinfo=BRUSSELS))
    await planner_tick(engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock)
    clock.set(datetime(2026, 11, 18, 10, 45, tzinfo=BRUSSELS))
    expired = await dispatch(engine, clock)
    assert [r.message.kind for r in expired.deliveries] == []
    ruben = next(p for p in (await _facts(engine)).pupils if p.pupil_id == "P0022")
    assert [(key.split(":")[3], when) for key, when in ruben.undelivered] == [
        ("pupil_checkin", clock.now())
    ]
    await planner_tick(engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock)
    sent = await dispatch(engine, clock)
    assert [
        (r.message.kind, r.message.recipient_role)
        for r in sent.deliveries
        if r.message.payload.get("first_name") == "Ruben"
    ] == [("guardian_notice", "guardian")]
