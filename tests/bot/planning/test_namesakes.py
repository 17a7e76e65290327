"""Pupils of one class with the same first name are told apart in staff messages (issue 14):
two welcomes for "Kind (5B)" read the same; "Kind W." and "Kind P." do not."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.models import Pupil, SchoolClass
from bot.outbox import write_transaction
from bot.outbox.records import PlannedOutreach
from bot.planning.facts_db import load_school_facts
from bot.planning.namesakes import names_for_staff
from messages import render_outreach
from tests.bot.planning.test_tick_safety import SCHOOL, roster
from tests.helpers.engine import day, whole_days
from tests.helpers.planner import plan, pupil, staff

SEVEN_DAYS = whole_days("11-16 11-17 11-18 11-19 11-20 11-23 11-24")


@pytest.mark.parametrize(
    ("pupils", "expected"),
    [
        # Alone in the class with the name (another class's Kind does not count): no change.
        ([(1, 5, "Kind", "Wouters"), (2, 6, "Kind", "Peeters")], {}),
        # Two in one class: the initial of the last name.
        (
            [(1, 5, "Kind", "Wouters"), (2, 5, "Kind", "Peeters"), (3, 5, "Lotte", "Aerts")],
            {1: "Kind W.", 2: "Kind P."},
        ),
        # The same initial too: the whole last name, for those two; the case does not matter.
        (
            [(1, 5, "Kind", "Wouters"), (2, 5, "kind", "Willems"), (3, 5, "Kind", "Peeters")],
            {1: "Kind Wouters", 2: "kind Willems", 3: "Kind P."},
        ),
    ],
)
def test_names_for_staff(pupils: list[tuple[int, int, str, str]], expected: dict[int, str]) -> None:
    assert names_for_staff(pupils) == expected


def test_the_welcome_names_a_namesake_the_check_in_does_not() -> None:
    facts = pupil(
        [mark._replace(expected_return=day("11-25")) for mark in SEVEN_DAYS],
        teachers=(staff("T", 1),),
    )
    kind_w = dataclasses.replace(facts, first_name="Kind", name_for_staff="Kind W.")
    planned = plan(kind_w, "11-24 23:00")
    [welcome] = [item for item in planned if item.kind == "teacher_welcome"]
    checkins = [item for item in planned if item.kind == "pupil_checkin"]
    assert welcome.payload["first_name"] == "Kind W."
    assert "Kind W. (2A)" in _text(welcome)
    assert checkins
    assert {item.payload["first_name"] for item in checkins} == {"Kind"}


def _text(item: PlannedOutreach) -> str:
    payload = {
        "school": "SJC",
        "class_name": "2A",
        "sender": "Hanne",
        "contact": "",
        **item.payload,
    }
    return render_outreach(item.kind, "nl", payload).text


async def test_the_facts_tell_namesakes_of_one_class_apart(engine, clock):
    """A second Ruben joins 3A beside Ruben Wouters (P0022), and a Ruben in another class."""
    await roster(engine, clock)
    newcomers = (("P9001", "Peeters", "3A"), ("P9002", "Aerts", "1A"))
    async with write_transaction(engine) as conn:
        for pupil_id, last_name, class_name in newcomers:
            class_id = await conn.scalar(
                sa.select(col(SchoolClass.id)).where(
                    col(SchoolClass.school_id) == SCHOOL, col(SchoolClass.name) == class_name
                )
            )
            await conn.execute(
                sa.insert(Pupil).values(
                    school_id=SCHOOL,
                    pupil_id=pupil_id,
                    first_name="Ruben",
                    last_name=last_name,
                    birth_date=date(2012, 5, 1),
                    class_id=class_id,
                    updated_at=clock.now(),
                )
            )
    async with engine.connect() as conn:
        facts = await load_school_facts(conn, SCHOOL)
    names = {p.pupil_id: p.name_for_staff for p in facts.pupils if p.first_name == "Ruben"}
    assert names == {"P0022": "Ruben W.", "P9001": "Ruben P.", "P9002": None}
