"""A Dutch-speaking mother taps "Bel mij graag op" (both backends): the spilfiguur's message
names her, as the roster does, and the facts of the next tick know which nudge went out, so
that a reminder says a parent asked too."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from bot.answers import record_reply
from bot.engine.facts import SenderRole
from bot.imports import import_absences, import_roster
from bot.planning.facts_db import load_school_facts
from bot.planning.tick import planner_tick
from bot.rules import Rules
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from messages import render_outreach
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS
from tests.helpers.outbox import dispatch

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
RULES = Rules.default()
CALENDAR = SchoolCalendar()
# Ruben (P0022): his mother Sarah Wouters (G029, Dutch) answers the notice about him.
FEED = "pupil_id,date,half_day,code\nP0022,2026-11-17,am,B\nP0022,2026-11-17,pm,B\n"


async def test_the_mothers_call_request_reaches_the_spilfiguur_as_hers(engine, clock, tmp_path):
    roster = CsvRosterSource(EXAMPLE / "roster", today=clock.today())
    await import_roster(engine, roster, school_id=SCHOOL, school_name="SJC", clock=clock)
    (tmp_path / "feed.csv").write_text(FEED, encoding="utf-8")
    feed = CsvAbsenceSource(tmp_path / "feed.csv")
    await import_absences(engine, feed, school_id=SCHOOL, school_name="SJC", clock=clock)
    clock.set(datetime(2026, 11, 17, 14, 0, tzinfo=BRUSSELS))
    await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P0022",
        sender_role=SenderRole.GUARDIAN,
        sender_id="G029",
        answer="want_a_call",
        at=clock.now(),
    )
    await planner_tick(engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock)
    sent = await dispatch(engine, clock)

    [nudge] = [r.message for r in sent.deliveries if r.message.kind == "coordinator_nudge"]
    assert nudge.payload["variant"] == "parent_call"
    text = render_outreach(nudge.kind, nudge.lang, nudge.payload).text
    assert text.startswith(
        "Sarah Wouters (moeder van Ruben, 3A) vraagt om gebeld te worden (bericht van "
        "dinsdag 17 november)."
    )
    assert "+32" not in text  # the number stays in the school's records

    async with engine.connect() as conn:
        facts = await load_school_facts(conn, SCHOOL)
    ruben = next(pupil for pupil in facts.pupils if pupil.pupil_id == "P0022")
    [went_out] = [item for item in ruben.sent if item.kind == "coordinator_nudge"]
    assert (went_out.reason, went_out.variant) == ("asks_to_talk", "parent_call")
