"""The seam between the planner and the templates: every row it plans can be rendered.

A payload that lacks a value a template needs is not a crash at sending time (the outbox marks
the row failed, for the coordinator to see), but it is a message that never reaches anyone.
This replays every planner scenario of the tests and renders each row as the dispatcher would.
"""

from __future__ import annotations

import pytest

from bot.outbox.records import PlannedOutreach
from messages import render_outreach, template_for
from tests.bot.engine import test_planner, test_planner_slice2
from tests.helpers.planner import plan

# What the tick adds to every row (bot.planning.facts_db): the school, the class, the signer.
TICK_CONTEXT = {
    "school": "Sint-Jozefcollege",
    "class_name": "1A",
    "sender": "mevrouw Claes (leerlingenbegeleiding)",
    "contact": "mevrouw Claes, claes@example.org",
}


def _planned() -> list[PlannedOutreach]:
    found: list[PlannedOutreach] = []
    for scenario in [*test_planner.SCENARIOS, *test_planner_slice2.SCENARIOS]:
        _, facts, now, rules = scenario[:4]
        found += plan(facts, now, rules)
    return found


PLANNED = _planned()


def test_the_scenarios_reach_every_kind_of_row():
    reached = {template_for(row.kind, row.payload) for row in PLANNED}

    assert {
        "pupil_checkin.first", "pupil_checkin.followup", "guardian_notice.first",
        "guardian_notice.followup", "guardian_care", "teacher_welcome",
        "coordinator_nudge.clb_threshold", "coordinator_nudge.asks_to_talk",
        "coordinator_nudge.no_answer", "coordinator_nudge.pattern",
    } <= reached  # fmt: skip


@pytest.mark.parametrize("row", PLANNED, ids=lambda row: row.idempotency_key)
def test_every_planned_row_renders(row: PlannedOutreach):
    rendered = render_outreach(row.kind, row.lang, {**TICK_CONTEXT, **row.payload})

    assert rendered.text.strip()
    assert "{" not in rendered.text
