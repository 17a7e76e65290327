"""Care at the edges (issue 13): the grace period counts from the check-in actually sent, the
afternoon's check-in waits for the afternoon, the pupil's answers hold the guardian notice, the
spilfiguur decides, and corrections bring apologies; on the real calendar of November 2026.

November 2026 (2-6: autumn holiday; 11: Armistice Day; Wednesday afternoons free)
Mo Tu We Th Fr
 9 10 11 12 13
16 17 18 19 20
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, time

import pytest

from bot.engine._notice_holds import SEND
from bot.engine.facts import PupilFacts
from bot.outbox.records import PlannedOutreach
from bot.rules import GuardianRules, PupilAsksForHelp, PupilRules, Rules
from tests.helpers.engine import marks
from tests.helpers.planner import checkin_sent, local, plan, pupil, reply, rows, staff

DEFAULT = Rules.default()
SEND_ANYWAY = Rules(guardian=GuardianRules(when_pupil_asks_for_help=PupilAsksForHelp.SEND))
C1 = staff("C", 1)
B_TUESDAY = marks("11-17 am B")
EPISODE = "2026-11-17-am"
Row = tuple[str, str, str]


def sent_at(facts: PupilFacts, at: str) -> PupilFacts:
    """``facts`` with the check-in delivered at local time ``at``."""
    checkin = _checkin(facts)
    return replace(facts, sent=(*facts.sent, checkin_sent(checkin, local(at))))


def undelivered(facts: PupilFacts, at: str) -> PupilFacts:
    """``facts`` with the check-in ended without going out at local time ``at``."""
    key = _checkin(facts).idempotency_key
    return replace(facts, undelivered=((key, local(at).astimezone(UTC)),))


def _checkin(facts: PupilFacts) -> PlannedOutreach:
    return next(
        item for item in plan(facts, "11-17 23:00", delivered=False) if item.kind == "pupil_checkin"
    )


def family(planned: list[PlannedOutreach]) -> list[Row]:
    return [row for row in rows(planned) if row[0] != "coordinator_nudge"]


def nudges(planned: list[PlannedOutreach]) -> list[tuple[str, str, str]]:
    return [
        (str(item.payload["reason"]), str(item.payload.get("variant", "")), row[2])
        for item, row in zip(planned, rows(planned), strict=True)
        if item.kind == "coordinator_nudge"
    ]


# -- 1. the grace period counts from the check-in actually sent --------------------------------

GRACE: list[tuple[str, PupilFacts, list[Row]]] = [
    (
        "the check-in has not gone out yet: no notice yet",
        pupil(B_TUESDAY),
        [("pupil_checkin", "P1", "11-17 10:30")],
    ),
    (
        "first seen at 13:45: the check-in at once, the notice two hours after it went out",
        sent_at(pupil(B_TUESDAY), "11-17 13:45"),
        [
            ("pupil_checkin", "P1", "11-17 10:30"),
            ("guardian_notice", "G1", "11-17 15:45"),
            ("guardian_notice", "G2", "11-17 15:45"),
        ],
    ),
    (
        "sent at 18:30: the day cannot hold the grace period, the next sending moment",
        sent_at(pupil(B_TUESDAY), "11-17 18:30"),
        [
            ("pupil_checkin", "P1", "11-17 10:30"),
            ("guardian_notice", "G1", "11-18 08:00"),
            ("guardian_notice", "G2", "11-18 08:00"),
        ],
    ),
    (
        "the check-in failed at once: as for an unreachable pupil, at check-in time",
        undelivered(pupil(B_TUESDAY), "11-17 10:30"),
        [
            ("guardian_notice", "G1", "11-17 10:30"),
            ("guardian_notice", "G2", "11-17 10:30"),
            ("pupil_checkin", "P1", "11-17 10:30"),
        ],
    ),
    (
        "the check-in expired after the bot was down: the notice at once, not expired with it",
        undelivered(pupil(B_TUESDAY), "11-18 10:35"),
        [
            ("pupil_checkin", "P1", "11-17 10:30"),
            ("guardian_notice", "G1", "11-18 10:35"),
            ("guardian_notice", "G2", "11-18 10:35"),
        ],
    ),
    (
        "unreachable pupil: the guardians at check-in time, as before",
        pupil(B_TUESDAY, channel=None),
        [("guardian_notice", "G1", "11-17 10:30"), ("guardian_notice", "G2", "11-17 10:30")],
    ),
]


@pytest.mark.parametrize(("facts", "expected"), [s[1:] for s in GRACE], ids=[s[0] for s in GRACE])
def test_the_notice_waits_the_grace_period_after_the_checkin_went_out(
    facts: PupilFacts, expected: list[Row]
) -> None:
    assert rows(plan(facts, "11-17 23:00", delivered=False)) == expected


def test_the_notice_never_goes_with_the_checkin_whenever_it_went_out() -> None:
    for hour in range(8, 20):
        for minute in (0, 29, 59):
            planned = plan(sent_at(pupil(B_TUESDAY), f"11-17 {hour:02}:{minute:02}"), "11-17 23:00")
            notice = next(item for item in planned if item.kind == "guardian_notice")
            assert (
                notice.due_at
                >= local(f"11-17 {hour:02}:{minute:02}") + DEFAULT.guardian.grace_period
            )


AFTERNOON: list[tuple[str, Rules, list[Row]]] = [
    ("the default afternoon, 13:00", DEFAULT, [("pupil_checkin", "P1", "11-17 13:00")]),
    (
        "a school whose afternoon starts at 12:40",
        Rules(pupil=PupilRules(afternoon_starts_at=time(12, 40))),
        [("pupil_checkin", "P1", "11-17 12:40")],
    ),
    (
        "an afternoon that starts before the check-in time: the check-in time",
        Rules(pupil=PupilRules(checkin_at=time(11, 0), afternoon_starts_at=time(10, 0))),
        [("pupil_checkin", "P1", "11-17 11:00")],
    ),
]


@pytest.mark.parametrize(
    ("rules", "expected"), [s[1:] for s in AFTERNOON], ids=[s[0] for s in AFTERNOON]
)
def test_an_afternoon_only_absence_is_checked_on_once_the_afternoon_began(
    rules: Rules, expected: list[Row]
) -> None:
    assert rows(plan(pupil(marks("11-17 pm B")), "11-17 23:00", rules, delivered=False)) == expected


def test_a_whole_day_absence_is_checked_on_at_the_usual_time() -> None:
    planned = plan(pupil(marks("11-17 am B, 11-17 pm B")), "11-17 23:00", delivered=False)
    assert rows(planned) == [("pupil_checkin", "P1", "11-17 10:30")]


# -- 3. the pupil's answers hold the notice ---------------------------------------------------


def answered(answer: str, at: str = "11-17 11:00", *more: tuple[str, str, str]) -> PupilFacts:
    """Pupil P1 with spilfiguur C1, absent on Tuesday morning, who answered ``answer`` at
    ``at``; ``more`` are further answers ``(at, role, answer)``."""
    replies = (reply(at, "pupil", answer, EPISODE), *(reply(*r, EPISODE) for r in more))
    return pupil(B_TUESDAY, spilfiguur=C1, replies=replies)


CHECKIN = ("pupil_checkin", "P1", "11-17 10:30")
NOTICES_1230 = [("guardian_notice", "G1", "11-17 12:30"), ("guardian_notice", "G2", "11-17 12:30")]

HOLDS: list[tuple[str, PupilFacts, Rules, list[Row], list[tuple[str, str, str]]]] = [
    (
        "'Ik ben wel op school': held, the spilfiguur checks the register that day",
        answered("at_school"),
        DEFAULT,
        [CHECKIN],
        [("held_notice", "check_register", "11-17 11:00")],
    ),
    (
        "the pupil's own words before the notice: held, check the register",
        answered("ik was er wel, in het lokaal van de bib"),
        DEFAULT,
        [CHECKIN],
        [("held_notice", "check_register", "11-17 11:00")],
    ),
    (
        "want_to_talk: held until the spilfiguur decides; one nudge says both",
        answered("want_to_talk"),
        DEFAULT,
        [CHECKIN],
        [("held_notice", "held_talk", "11-17 11:00")],
    ),
    (
        "not_good: held until the spilfiguur decides",
        answered("not_good"),
        DEFAULT,
        [CHECKIN],
        [("held_notice", "held_notice", "11-17 11:00")],
    ),
    (
        "want_to_talk, then 'send anyway' at 14:00: the notice goes then",
        answered("want_to_talk", "11-17 11:00", ("11-17 14:00", "coordinator", "notice:send")),
        DEFAULT,
        [
            CHECKIN,
            ("guardian_notice", "G1", "11-17 14:00"),
            ("guardian_notice", "G2", "11-17 14:00"),
        ],
        [("held_notice", "held_talk", "11-17 11:00")],
    ),
    (
        "want_to_talk, then 'not now': the notice does not go",
        answered("want_to_talk", "11-17 11:00", ("11-17 14:00", "coordinator", "notice:keep")),
        DEFAULT,
        [CHECKIN],
        [("held_notice", "held_talk", "11-17 11:00")],
    ),
    (
        "'send anyway', then 'not now': the latest decision counts",
        answered(
            "not_good",
            "11-17 11:00",
            ("11-17 13:00", "coordinator", "notice:send"),
            ("11-17 13:05", "coordinator", "notice:keep"),
        ),
        DEFAULT,
        [CHECKIN],
        [("held_notice", "held_notice", "11-17 11:00")],
    ),
    (
        "a school that sends anyway: the gentle notice at its time, and the call for help",
        answered("want_to_talk"),
        SEND_ANYWAY,
        [CHECKIN, *NOTICES_1230],
        [("asks_to_talk", "", "11-17 11:00")],
    ),
    (
        "'Ik ben wel op school' after the notice went: nothing to hold any more",
        answered("at_school", "11-17 12:45"),
        DEFAULT,
        [CHECKIN, *NOTICES_1230],
        [],
    ),
    (
        "a sick pupil: not held, softened as before",
        answered("sick"),
        DEFAULT,
        [CHECKIN, *NOTICES_1230],
        [],
    ),
]


@pytest.mark.parametrize(
    ("facts", "rules", "expected", "nudged"), [s[1:] for s in HOLDS], ids=[s[0] for s in HOLDS]
)
def test_the_pupils_answers_shape_the_parent_step(
    facts: PupilFacts, rules: Rules, expected: list[Row], nudged: list[tuple[str, str, str]]
) -> None:
    planned = plan(facts, "11-17 23:00", rules)
    assert family(planned) == expected
    assert nudges(planned) == nudged


def test_a_notice_released_after_a_call_for_help_never_asks_to_question_the_child() -> None:
    released = answered("want_to_talk", "11-17 11:00", ("11-17 14:00", "coordinator", SEND))
    for facts, rules in ((released, DEFAULT), (answered("not_good"), SEND_ANYWAY)):
        notices = [i for i in plan(facts, "11-17 23:00", rules) if i.kind == "guardian_notice"]
        assert notices
        assert all(item.payload["soft"] is True for item in notices)


def test_without_a_spilfiguur_nothing_is_held_and_the_notice_is_gentle() -> None:
    facts = pupil(B_TUESDAY, replies=(reply("11-17 11:00", "pupil", "at_school", EPISODE),))
    planned = plan(facts, "11-17 23:00")
    assert family(planned) == [CHECKIN, *NOTICES_1230]


def test_the_held_notice_nudge_names_the_answer() -> None:
    planned = plan(answered("ik was er wel"), "11-17 23:00")
    nudge = next(item for item in planned if item.kind == "coordinator_nudge")
    assert nudge.payload["answer"] == "free_text"
    assert nudge.payload["episode"] == EPISODE
    assert nudge.payload["date"] == "2026-11-17"


# -- 4. the guardians' answers -------------------------------------------------------------


def guardian_said(answer: str, at: str, absence: str = "11-17 am B") -> PupilFacts:
    replies = (reply(at, "guardian", answer, EPISODE),)
    return pupil(marks(absence), spilfiguur=C1, replies=replies)


def test_informed_school_stops_the_ladder_and_asks_to_check_the_register() -> None:
    three_days = "11-17 am B, 11-17 pm B, 11-18 am B, 11-19 am B, 11-19 pm B"
    without = plan(guardian_said("sick", "11-20 11:00", three_days), "11-19 23:00")
    assert ("guardian_notice", "G1", "11-19 12:30") in family(without)  # the follow-up
    planned = plan(guardian_said("informed_school", "11-17 11:00", three_days), "11-19 23:00")
    assert family(planned) == [CHECKIN]  # no notice, no follow-up
    that_day = plan(guardian_said("informed_school", "11-17 11:00", three_days), "11-17 23:00")
    # Not urgent (issue 14): gathered for the next daily message, the one of 11:00 having gone.
    assert nudges(that_day) == [("informed_school", "", "11-18 10:30")]
    assert that_day[-1].payload["gathered"] is True


def test_did_not_know_nudges_the_spilfiguur_the_same_day() -> None:
    planned = plan(guardian_said("did_not_know", "11-17 13:00"), "11-17 23:00")
    assert family(planned) == [CHECKIN, *NOTICES_1230]  # the notice had gone: it stays
    assert nudges(planned) == [("did_not_know", "", "11-17 13:00")]


# -- 6. corrections and apologies --------------------------------------------------------------


def test_a_corrected_day_brings_the_pupil_who_was_checked_on_an_apology_the_same_day() -> None:
    checked_on = sent_at(pupil(B_TUESDAY, spilfiguur=C1), "11-17 10:30")
    corrected = replace(checked_on, marks=())
    assert rows(plan(corrected, "11-17 14:00", delivered=False)) == [
        ("pupil_correction", "P1", "11-17 10:30")  # due at once: the day's check-in time passed
    ]
    apology = plan(corrected, "11-17 14:00", delivered=False)[0]
    assert apology.payload["date"] == "2026-11-17"


def test_a_pupil_never_checked_on_gets_no_apology() -> None:
    assert plan(pupil((), channel="telegram"), "11-17 14:00") == []


def test_a_correction_seen_the_next_day_is_apologised_for_that_day() -> None:
    corrected = replace(sent_at(pupil(B_TUESDAY), "11-17 10:30"), marks=())
    assert rows(plan(corrected, "11-18 09:45", delivered=False)) == [
        ("pupil_correction", "P1", "11-18 10:30")
    ]


def test_an_old_checkin_gets_no_apology_weeks_later() -> None:
    corrected = replace(sent_at(pupil(B_TUESDAY), "11-17 10:30"), marks=())
    assert rows(plan(corrected, "11-24 09:45", delivered=False)) != []  # 5 school days on
    assert plan(corrected, "11-25 09:45", delivered=False) == []
