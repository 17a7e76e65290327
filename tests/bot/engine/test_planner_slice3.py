"""The planner's third slice: apologies for wrong notices, reminders of unacknowledged nudges,
the coordinator's digest, and the mass-absence hold (pure: no database)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date

from bot.engine.facts import PupilFacts, SentFacts
from bot.engine.hold import Decided, HoldState, Suspect, apply_holds, detect
from bot.engine.window import Window
from bot.models import SCHOOL_SCOPE
from bot.outbox.records import PlannedOutreach
from bot.rules import Hold, Rules
from scheduler.clock import BRUSSELS
from tests.helpers.engine import CALENDAR, day, marks, whole_days
from tests.helpers.planner import guardian, local, plan, pupil, rows, staff

COORDINATOR = staff("C", 1)
WINDOW = Window(Rules.default().delivery, CALENDAR, BRUSSELS)


def sent_notice(about: str, to: int = 101, at: str = "11-17 12:30") -> SentFacts:
    return SentFacts(
        key=f"P1:2026-{about}:guardian_notice:guardian:G{to - 100}",
        kind="guardian_notice",
        recipient_role="guardian",
        recipient_id=to,
        sent_at=local(at).astimezone(UTC),
        date=day(about),
    )


def sent_nudge(at: str, *, acknowledged: bool = False, reason: str = "no_answer") -> SentFacts:
    return SentFacts(
        key="P1:2026-11-12:coordinator_nudge:no_answer:coordinator:C1",
        kind="coordinator_nudge",
        recipient_role="coordinator",
        recipient_id=COORDINATOR.id,
        sent_at=local(at).astimezone(UTC),
        date=day("11-12"),
        reason=reason,
        acknowledged=acknowledged,
    )


def of(kind: str, planned: Sequence[PlannedOutreach]) -> list[PlannedOutreach]:
    return [item for item in planned if item.kind == kind]


# --- guardian_correction ---------------------------------------------------------------------


def test_a_notice_about_a_day_that_lost_its_absence_gets_one_apology_per_guardian() -> None:
    facts = pupil([], sent=(sent_notice("11-17", 101), sent_notice("11-17", 102)))
    planned = of("guardian_correction", plan(facts, "11-18 09:00"))
    assert rows(planned) == [
        ("guardian_correction", "G1", "11-18 10:30"),
        ("guardian_correction", "G2", "11-18 10:30"),
    ]
    assert planned[0].payload["date"] == "2026-11-17"
    assert planned[0].idempotency_key.endswith(":correction:guardian:G1")
    # Found in the afternoon: the same row, due in the past, so the dispatcher sends it at once.
    assert rows(of("guardian_correction", plan(facts, "11-18 14:00")))[0][2] == "11-18 10:30"
    # Never before the notice itself.
    early = pupil([], sent=(sent_notice("11-18", 101, at="11-18 12:30"),))
    assert rows(of("guardian_correction", plan(early, "11-18 12:45"))) == [
        ("guardian_correction", "G1", "11-18 12:30")
    ]


def test_no_apology_while_the_day_still_has_an_absence_of_any_code() -> None:
    still_away = pupil(marks("11-17 am Z"), sent=(sent_notice("11-17"),))
    assert of("guardian_correction", plan(still_away, "11-18 11:00")) == []


def test_no_apology_to_a_guardian_who_may_no_longer_be_contacted() -> None:
    facts = pupil(
        [], guardians=(guardian(1, may_contact=False), guardian(2)), sent=(sent_notice("11-17"),)
    )
    assert of("guardian_correction", plan(facts, "11-18 11:00")) == []


# --- reminders of unacknowledged nudges ------------------------------------------------------


def test_an_unacknowledged_nudge_is_reminded_of_once_after_two_school_days() -> None:
    facts = pupil([], spilfiguur=COORDINATOR, sent=(sent_nudge("11-12 10:30"),))
    assert of("coordinator_nudge", plan(facts, "11-13 11:00")) == []  # one school day
    # Thursday 12th + 2 school days = Monday 16th (the weekend does not count).
    planned = of("coordinator_nudge", plan(facts, "11-16 09:00"))
    assert rows(planned) == [("coordinator_nudge", "C1", "11-16 10:30")]
    assert planned[0].payload["reason"] == "unacknowledged"
    assert planned[0].payload["date"] == "2026-11-12"


def test_no_reminder_of_an_acknowledged_nudge_or_of_a_reminder() -> None:
    seen = pupil([], spilfiguur=COORDINATOR, sent=(sent_nudge("11-12 10:30", acknowledged=True),))
    again = pupil(
        [], spilfiguur=COORDINATOR, sent=(sent_nudge("11-12 10:30", reason="unacknowledged"),)
    )
    assert of("coordinator_nudge", plan(seen, "11-16 11:00")) == []
    assert of("coordinator_nudge", plan(again, "11-16 11:00")) == []


# --- the mass-absence hold -------------------------------------------------------------------


def classmates(count: int, absent: int, class_name: str = "2A", first: int = 1) -> list[PupilFacts]:
    return [
        dataclasses.replace(
            pupil(whole_days("11-17") if number < absent else [], spilfiguur=COORDINATOR),
            id=first + number,
            pupil_id=f"P{first + number}",
            class_name=class_name,
        )
        for number in range(count)
    ]


def test_more_than_sixty_percent_of_a_class_absent_is_suspect() -> None:
    rules = Hold(school_percent=90)
    tuesday = [day("11-17")]
    assert detect(classmates(10, 6), tuesday, rules) == []  # 60%: not more than
    assert detect(classmates(10, 7), tuesday, rules) == [Suspect(day("11-17"), "2A", 7, 10)]
    assert detect(classmates(4, 4), tuesday, rules) == []  # a class under 5: says nothing
    assert detect(classmates(19, 19), tuesday, Hold(class_percent=100)) == []  # a tiny school


def test_more_than_a_quarter_of_the_school_absent_holds_the_school() -> None:
    school = classmates(10, 3, "2A") + classmates(10, 0, "2B", first=11)
    assert detect(school, [day("11-17")], Hold()) == []  # 15%
    school = classmates(10, 3, "2A") + classmates(10, 3, "2B", first=11)
    assert detect(school, [day("11-17")], Hold()) == [Suspect(day("11-17"), SCHOOL_SCOPE, 6, 20)]


def test_held_rows_are_kept_back_and_released_ones_are_due_from_the_release() -> None:
    facts = classmates(1, 1)[0]
    planned = plan(facts, "11-17 10:30")
    about_tuesday = (date(2026, 11, 17), "2A")
    held_rows, counts = apply_holds(
        planned, {about_tuesday: Decided(HoldState.HELD)}, {facts.id: "2A"}, WINDOW
    )
    assert held_rows == []
    assert counts[about_tuesday] == len(planned) > 0
    released_at = local("11-17 14:00").astimezone(UTC)
    kept, counts = apply_holds(
        planned,
        {about_tuesday: Decided(HoldState.RELEASED, released_at)},
        {facts.id: "2A"},
        WINDOW,
    )
    assert not counts
    assert [item.idempotency_key for item in kept] == [i.idempotency_key for i in planned]
    assert all(item.due_at >= released_at for item in kept)
    discarded, _ = apply_holds(
        planned, {about_tuesday: Decided(HoldState.DISCARDED)}, {facts.id: "2A"}, WINDOW
    )
    assert discarded == []
    other_class, _ = apply_holds(
        planned, {(date(2026, 11, 17), "2B"): Decided(HoldState.HELD)}, {facts.id: "2A"}, WINDOW
    )
    assert other_class == planned
    whole_school, _ = apply_holds(
        planned, {(date(2026, 11, 17), SCHOOL_SCOPE): Decided(HoldState.HELD)}, {1: "2A"}, WINDOW
    )
    assert whole_school == []


def test_released_after_hours_goes_out_the_next_morning_unless_stale_by_then() -> None:
    facts = classmates(1, 1)[0]
    planned = plan(facts, "11-17 10:30")
    assert planned

    def released_at(text: str) -> list[PlannedOutreach]:
        at = local(text).astimezone(UTC)
        decided = {(date(2026, 11, 17), "2A"): Decided(HoldState.RELEASED, at)}
        return apply_holds(planned, decided, {facts.id: "2A"}, WINDOW)[0]

    evening = released_at("11-17 21:00")
    assert {item.due_at for item in evening} == {local("11-18 08:00").astimezone(UTC)}
    assert [i.expires_at for i in evening] == [
        i.expires_at for i in planned if i.idempotency_key in {e.idempotency_key for e in evening}
    ]  # the expiry stays that of the day it is about
    assert released_at("11-19 09:00") == []  # two days later: stale, not sent
