"""A guardian's chosen part of the day: their messages wait for it, within the school's
sending hours, and an answer from the other guardian before then still stops theirs."""

from __future__ import annotations

from datetime import time

import pytest

from bot.rules import Delivery, Rules
from tests.helpers.engine import marks, whole_days
from tests.helpers.planner import guardian, plan, pupil, reply, rows

B_TUESDAY = marks("11-17 am B, 11-17 pm B")


@pytest.mark.parametrize(
    ("moment", "notice_at"),
    [
        (None, "11-17 12:30"),  # any time: two hours after the check-in
        ("morning", "11-18 08:00"),  # the morning is over: the next school morning
        ("afternoon", "11-17 12:30"),  # already in the afternoon
        ("evening", "11-17 16:00"),  # waits for the evening
    ],
)
def test_the_notice_waits_for_the_guardian_s_moment(moment, notice_at) -> None:
    facts = pupil(B_TUESDAY, guardians=(guardian(1, moment=moment),))

    assert rows(plan(facts, "11-18 23:00")) == [
        ("pupil_checkin", "P1", "11-17 10:30"),
        ("guardian_notice", "G1", notice_at),
    ]


def test_a_young_pupil_s_notice_waits_for_the_evening_too() -> None:
    facts = pupil(B_TUESDAY, age=9, guardians=(guardian(1), guardian(2, moment="evening")))

    assert rows(plan(facts, "11-17 23:00")) == [
        ("guardian_notice", "G1", "11-17 10:30"),
        ("guardian_notice", "G2", "11-17 16:00"),
    ]


def test_the_school_s_sending_hours_bound_the_moment() -> None:
    rules = Rules(delivery=Delivery(not_after=time(17, 0)))
    evening = pupil(B_TUESDAY, guardians=(guardian(1, moment="evening"),))
    assert rows(plan(evening, "11-17 23:00", rules))[-1] == ("guardian_notice", "G1", "11-17 16:00")

    rules = Rules(delivery=Delivery(not_after=time(15, 45)))  # nothing of the evening left
    assert rows(plan(evening, "11-17 23:00", rules))[-1] == ("guardian_notice", "G1", "11-17 12:30")


def test_an_answer_from_the_other_guardian_before_the_evening_stops_the_evening_notice() -> None:
    facts = pupil(
        B_TUESDAY,
        guardians=(guardian(1, moment="evening"), guardian(2, moment="evening")),
        replies=(reply("11-17 13:00", "guardian", "sick", "2026-11-17-am"),),
    )

    assert rows(plan(facts, "11-17 23:00")) == [("pupil_checkin", "P1", "11-17 10:30")]


def test_care_during_a_long_illness_comes_in_the_chosen_moment() -> None:
    facts = pupil(whole_days("11-16 11-17 11-18"), guardians=(guardian(1, moment="evening"),))

    assert ("guardian_care", "G1", "11-18 16:00") in rows(plan(facts, "11-18 23:00"))
