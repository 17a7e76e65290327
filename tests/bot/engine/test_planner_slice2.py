"""The planner's second slice (follow-ups, teacher welcome, coordinator nudges) on the real
calendar of November 2026, with the default rules.

November 2026 (2-6: autumn holiday; 11: Armistice Day; Wednesday afternoons free)
Mo Tu We Th Fr
 9 10 11 12 13
16 17 18 19 20
23 24 25 26 27
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from bot.engine.episodes import Mark
from bot.engine.facts import PupilFacts, ReplyFacts
from bot.outbox.records import PlannedOutreach
from bot.rules import Pause, Rules
from tests.helpers.engine import day, marks, whole_days
from tests.helpers.planner import guardian, plan, pupil, reply, rows, staff

DEFAULT = Rules.default()
PAUSED = Rules(pauses=(Pause(pupil="P1", start=day("11-16"), until=day("11-20")),))
T1, T2, C1 = staff("T", 1), staff("T", 2), staff("C", 1)
Row = tuple[str, str, str]


def kid(
    history: Sequence[Mark], *, replies: Sequence[ReplyFacts] = (), age: int = 14
) -> PupilFacts:
    """``pupil`` with teachers T1 and T2 and spilfiguur C1."""
    return pupil(history, replies=replies, age=age, teachers=(T1, T2), spilfiguur=C1)


def expecting(history: list[Mark], back: str) -> list[Mark]:
    return [mark._replace(expected_return=day(back)) for mark in history]


def of(kind: str, planned: Sequence[PlannedOutreach]) -> list[PlannedOutreach]:
    return [item for item in planned if item.kind == kind]


def welcomes(at: str) -> list[Row]:
    return [("teacher_welcome", "T1", at), ("teacher_welcome", "T2", at)]


SEVEN_DAYS = whole_days("11-16 11-17 11-18 11-19 11-20 11-23 11-24")
ELEVEN_DAYS = whole_days("11-09 11-10 11-12 11-13 11-16 11-17 11-18 11-19 11-20 11-23 11-24")
FIVE_B = marks("11-09 am B, 11-10 am B, 11-12 am B, 11-13 am B, 11-17 am B")

# (name, facts, now, rules, kind, expected rows of that kind)
SCENARIOS: list[tuple[str, PupilFacts, str, Rules, str, list[Row]]] = [
    (
        "pupil follow-ups on school days 7 and 10",
        kid(ELEVEN_DAYS),
        "11-24 23:00",
        DEFAULT,
        "pupil_checkin",
        [
            ("pupil_checkin", "P1", "11-09 10:30"),
            ("pupil_checkin", "P1", "11-18 10:30"),
            ("pupil_checkin", "P1", "11-23 10:30"),
        ],
    ),
    (
        "pupil follow-ups: at most two",
        kid([*ELEVEN_DAYS, *whole_days("11-25 11-26 11-27 11-30")]),
        "11-30 23:00",
        DEFAULT,
        "pupil_checkin",
        [
            ("pupil_checkin", "P1", "11-09 10:30"),
            ("pupil_checkin", "P1", "11-18 10:30"),
            ("pupil_checkin", "P1", "11-23 10:30"),
        ],
    ),
    (
        "pupil follow-up not before its day",
        kid(ELEVEN_DAYS),
        "11-17 23:00",
        DEFAULT,
        "pupil_checkin",
        [("pupil_checkin", "P1", "11-09 10:30")],
    ),
    (
        "guardian follow-up two school days later, once",
        kid(whole_days("11-16 11-17 11-18 11-19 11-20 11-23", "B")),
        "11-23 23:00",
        DEFAULT,
        "guardian_notice",
        [
            ("guardian_notice", "G1", "11-16 12:30"),
            ("guardian_notice", "G2", "11-16 12:30"),
            ("guardian_notice", "G1", "11-18 12:30"),
            ("guardian_notice", "G2", "11-18 12:30"),
        ],
    ),
    (
        "guardian answered: no follow-up",
        kid(
            whole_days("11-16 11-17 11-18", "B"),
            replies=(reply("11-17 09:00", "guardian", "sick", "2026-11-16-am"),),
        ),
        "11-18 23:00",
        DEFAULT,
        "guardian_notice",
        [("guardian_notice", "G1", "11-16 12:30"), ("guardian_notice", "G2", "11-16 12:30")],
    ),
    (
        "guardian follow-up not on a justified day",
        kid([*whole_days("11-16 11-17", "B"), *whole_days("11-18")]),
        "11-18 23:00",
        DEFAULT,
        "guardian_notice",
        [("guardian_notice", "G1", "11-16 12:30"), ("guardian_notice", "G2", "11-16 12:30")],
    ),
    (
        "welcome: 7 Z days, expected back Wednesday",
        kid(expecting(SEVEN_DAYS, "11-25")),
        "11-24 23:00",
        DEFAULT,
        "teacher_welcome",
        welcomes("11-24 15:30"),
    ),
    (
        "welcome: planned once the absence is long",
        kid(expecting(SEVEN_DAYS[:8], "11-25")),
        "11-19 23:00",
        DEFAULT,
        "teacher_welcome",
        [],
    ),
    (
        "welcome: 4 days is not long",
        kid(expecting(whole_days("11-16 11-17 11-18 11-19"), "11-20")),
        "11-19 23:00",
        DEFAULT,
        "teacher_welcome",
        [],
    ),
    (
        "welcome: no date, the morning seen back",
        kid(SEVEN_DAYS),
        "11-25 23:00",
        DEFAULT,
        "teacher_welcome",
        welcomes("11-25 08:00"),
    ),
    (
        "welcome: no date, still absent",
        kid(SEVEN_DAYS),
        "11-24 23:00",
        DEFAULT,
        "teacher_welcome",
        [],
    ),
    (
        "welcome: back Monday, welcome Friday",
        kid(expecting(whole_days("11-12 11-13 11-16 11-17 11-18 11-19 11-20"), "11-23")),
        "11-20 23:00",
        DEFAULT,
        "teacher_welcome",
        welcomes("11-20 15:30"),
    ),
    (
        "welcome: a return: answer gives the date",
        kid(
            SEVEN_DAYS,
            replies=(reply("11-23 11:00", "pupil", "return:2026-11-26", "2026-11-16-am"),),
        ),
        "11-24 23:00",
        DEFAULT,
        "teacher_welcome",
        welcomes("11-25 15:30"),
    ),
    (
        "welcome: a newer feed estimate beats an older answer",
        kid(
            [*SEVEN_DAYS[:-2], *expecting(SEVEN_DAYS[-2:], "11-25")],
            replies=(reply("11-20 11:00", "pupil", "return:2026-11-23", "2026-11-16-am"),),
        ),
        "11-24 23:00",
        DEFAULT,
        "teacher_welcome",
        welcomes("11-24 15:30"),
    ),
    (
        "welcome: seen back before the known date",
        kid(expecting(SEVEN_DAYS[:-2], "11-26")),
        "11-24 23:00",
        DEFAULT,
        "teacher_welcome",
        welcomes("11-24 08:00"),
    ),
    (
        "welcome: R (exclusion) still gets one",
        kid(expecting(whole_days("11-16 11-17 11-18 11-19 11-20", "R"), "11-23")),
        "11-20 23:00",
        DEFAULT,
        "teacher_welcome",
        welcomes("11-20 15:30"),
    ),
    (
        "welcome: not for a paused pupil",
        kid(expecting(whole_days("11-12 11-13 11-16 11-17 11-18 11-19 11-20"), "11-23")),
        "11-20 23:00",
        PAUSED,
        "teacher_welcome",
        [],
    ),
    (
        "clb: the 5th B half-day",
        kid(FIVE_B),
        "11-17 23:00",
        DEFAULT,
        "coordinator_nudge",
        [("coordinator_nudge", "C1", "11-17 10:30")],
    ),
    (
        "clb: 4 B half-days",
        kid(whole_days("11-09 11-10", "B")),
        "11-10 23:00",
        DEFAULT,
        "coordinator_nudge",
        [],
    ),
    (
        "clb: a paused pupil still gives the nudge",
        kid(FIVE_B),
        "11-17 23:00",
        PAUSED,
        "coordinator_nudge",
        [("coordinator_nudge", "C1", "11-17 10:30")],
    ),
    (
        "asks to talk: at once",
        kid(
            marks("11-17 am B"),
            replies=(reply("11-17 11:00", "pupil", "want_to_talk", "2026-11-17-am"),),
        ),
        "11-17 23:00",
        DEFAULT,
        "coordinator_nudge",
        [("coordinator_nudge", "C1", "11-17 11:00")],
    ),
    (
        "asks to talk: a call asked at 21:00, the next morning",
        kid(
            marks("11-17 am B"),
            replies=(reply("11-17 21:00", "guardian", "want_a_call", "2026-11-17-am"),),
        ),
        "11-17 23:00",
        DEFAULT,
        "coordinator_nudge",
        [("coordinator_nudge", "C1", "11-18 08:00")],
    ),
    (
        "asks to talk: one per answer, paused or not",
        kid(
            marks("11-17 am B"),
            replies=(
                reply("11-17 11:00", "pupil", "want_to_talk", "2026-11-17-am"),
                reply("11-17 13:00", "guardian", "want_a_call", None),
                reply("11-17 14:00", "pupil", "not_good", "2026-11-17-am"),
            ),
        ),
        "11-17 23:00",
        PAUSED,
        "coordinator_nudge",
        [("coordinator_nudge", "C1", "11-17 11:00"), ("coordinator_nudge", "C1", "11-17 13:00")],
    ),
    (
        "no answer after 3 school days",
        kid(whole_days("11-16 11-17 11-18 11-19", "-")),
        "11-19 23:00",
        DEFAULT,
        "coordinator_nudge",
        [("coordinator_nudge", "C1", "11-19 10:30")],
    ),
    (
        "no answer: not before the third school day",
        kid(whole_days("11-16 11-17 11-18", "-")),
        "11-18 23:00",
        DEFAULT,
        "coordinator_nudge",
        [],
    ),
    (
        "no answer: the pupil answered",
        kid(
            whole_days("11-16 11-17 11-18 11-19", "-"),
            replies=(reply("11-18 09:00", "pupil", "sick", "2026-11-16-am"),),
        ),
        "11-19 23:00",
        DEFAULT,
        "coordinator_nudge",
        [],
    ),
    (
        "no answer: a justified absence is explained",
        kid(whole_days("11-16 11-17 11-18 11-19")),
        "11-19 23:00",
        DEFAULT,
        "coordinator_nudge",
        [],
    ),
    (
        "weekday pattern: a third Tuesday",
        kid(whole_days("11-10 11-17 11-24")),
        "11-24 23:00",
        DEFAULT,
        "coordinator_nudge",
        [("coordinator_nudge", "C1", "11-24 10:30")],
    ),
    (
        "weekday pattern: two Tuesdays",
        kid(whole_days("11-10 11-17")),
        "11-24 23:00",
        DEFAULT,
        "coordinator_nudge",
        [],
    ),
]


@pytest.mark.parametrize(
    ("facts", "now", "rules", "kind", "expected"),
    [pytest.param(*rest, id=name) for name, *rest in SCENARIOS],
)
def test_plan(facts: PupilFacts, now: str, rules: Rules, kind: str, expected: list[Row]) -> None:
    assert rows(of(kind, plan(facts, now, rules))) == expected


@pytest.mark.parametrize(
    ("facts", "now", "reason", "detail"),
    [
        (kid(FIVE_B), "11-17 23:00", "clb_threshold", "clb_threshold"),
        (kid(whole_days("11-10 11-17 11-24")), "11-24 23:00", "pattern", "weekday_pattern"),
    ],
)
def test_nudges_name_their_reason(facts: PupilFacts, now: str, reason: str, detail: str) -> None:
    [nudge] = of("coordinator_nudge", plan(facts, now))
    assert nudge.recipient_role == "coordinator"
    assert nudge.recipient_id == 301
    assert (nudge.payload["reason"], nudge.payload["signal"]) == (reason, detail)


def test_nudge_reasons_and_keys() -> None:
    facts = kid(
        whole_days("11-16 11-17 11-18 11-19", "-"),
        replies=(reply("11-19 10:00", "pupil", "want_to_talk", "2026-11-16-am"),),
    )
    nudges = of("coordinator_nudge", plan(facts, "11-19 23:00"))
    assert [(item.payload["reason"], item.idempotency_key) for item in nudges] == [
        (
            "asks_to_talk",
            "S1:P1:2026-11-16-am:20261119T090000Z-pupil:coordinator_nudge:asks_to_talk:"
            "coordinator:C1",
        ),
    ]  # the answer came before the no-answer nudge was due


def test_followups_carry_their_variant_and_distinct_keys() -> None:
    planned = plan(kid(ELEVEN_DAYS), "11-24 23:00")
    checkins = of("pupil_checkin", planned)
    assert [item.payload.get("variant") for item in checkins] == [None, "followup", "followup"]
    assert [item.idempotency_key for item in checkins] == [
        "S1:P1:2026-11-09-am:pupil_checkin:pupil:P1",
        "S1:P1:2026-11-09-am:pupil_checkin:2:pupil:P1",
        "S1:P1:2026-11-09-am:pupil_checkin:3:pupil:P1",
    ]


def test_clb_nudge_is_keyed_on_the_school_year() -> None:
    [nudge] = of("coordinator_nudge", plan(kid(FIVE_B), "11-17 23:00"))
    # Per pupil and school year: another pupil of the same coordinator gets a nudge of their own.
    assert nudge.idempotency_key == (
        "S1:P1:2026-2027:coordinator_nudge:clb_threshold:coordinator:C1"
    )
    assert nudge.payload["problematic"] == 5


def test_welcome_rows_name_the_teachers() -> None:
    planned = of("teacher_welcome", plan(kid(expecting(SEVEN_DAYS, "11-25")), "11-24 23:00"))
    assert [(item.recipient_role, item.recipient_id) for item in planned] == [
        ("teacher", 201),
        ("teacher", 202),
    ]
    assert planned[0].payload["return_date"] == "2026-11-25"
    assert planned[0].payload["date_known"] is True


def test_no_spilfiguur_no_nudge() -> None:
    facts = pupil(FIVE_B, teachers=(T1,), spilfiguur=None)
    assert of("coordinator_nudge", plan(facts, "11-17 23:00")) == []


def test_planning_twice_gives_the_same_rows() -> None:
    history = [
        *FIVE_B,
        *whole_days("11-18 11-19 11-20 11-23 11-24 11-25 11-26", "B"),
    ]
    replies = (reply("11-19 11:00", "guardian", "want_a_call", "2026-11-17-am"),)
    facts = kid(expecting(history, "11-27"), replies=replies)
    first = plan(facts, "11-26 23:00")
    assert first == plan(facts, "11-26 23:00")
    shuffled = list(expecting(history, "11-27"))
    random.Random(3).shuffle(shuffled)
    reordered = pupil(
        shuffled,
        replies=replies,
        teachers=(T1, T2),
        spilfiguur=C1,
        guardians=(guardian(1), guardian(2)),
    )
    assert plan(reordered, "11-26 23:00") == first
    assert len({item.idempotency_key for item in first}) == len(first)
    assert {item.kind for item in first} >= {"teacher_welcome", "guardian_notice"}
