"""The planner's first slice on the real calendar of November 2026, with the default rules.

November 2026 (2-6: autumn holiday; 11: Armistice Day; Wednesday afternoons free)
Mo Tu We Th Fr
 9 10 11 12 13
16 17 18 19 20
23 24 25 26 27
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.engine.facts import PupilFacts, age_on
from bot.engine.window import Window
from bot.rules import DoNotContact, GuardianRules, Pause, PupilRules, Rules
from scheduler.clock import BRUSSELS
from tests.helpers.engine import CALENDAR, day, marks, whole_days
from tests.helpers.planner import guardian, local, plan, pupil, reply, rows

DEFAULT = Rules.default()
GRACE_10H = Rules(guardian=GuardianRules(grace_period=timedelta(hours=10)))
PAUSED = Rules(pauses=(Pause(pupil="P1", start=day("11-16"), until=day("11-20")),))
NO_G1 = Rules(do_not_contact=(DoNotContact(guardian="G1"),))
B_TUESDAY = marks("11-17 am B, 11-17 pm B")

CHECKIN = ("pupil_checkin", "P1", "11-17 10:30")
NOTICES_1230 = [("guardian_notice", "G1", "11-17 12:30"), ("guardian_notice", "G2", "11-17 12:30")]
NOTICES_1030 = [("guardian_notice", "G1", "11-17 10:30"), ("guardian_notice", "G2", "11-17 10:30")]

SCENARIOS: list[tuple[str, PupilFacts, str, Rules, list[tuple[str, str, str]]]] = [
    ("B, 14 years", pupil(B_TUESDAY), "11-17 23:00", DEFAULT, [CHECKIN, *NOTICES_1230]),
    (
        "B, 10 years: guardians at once",
        pupil(B_TUESDAY, age=10),
        "11-17 23:00",
        DEFAULT,
        NOTICES_1030,
    ),
    (
        "B, 12 today: checked in",
        pupil(B_TUESDAY, age=12),
        "11-17 23:00",
        DEFAULT,
        [CHECKIN, *NOTICES_1230],
    ),
    (
        "B, unreachable pupil: guardians at once",
        pupil(B_TUESDAY, channel=None),
        "11-17 23:00",
        DEFAULT,
        NOTICES_1030,
    ),
    (
        "code not known yet",
        pupil(marks("11-17 am -")),
        "11-17 23:00",
        DEFAULT,
        [CHECKIN, *NOTICES_1230],
    ),
    (
        "B in the afternoon only: not before the afternoon began",
        pupil(marks("11-17 pm B")),
        "11-17 23:00",
        DEFAULT,
        [
            ("pupil_checkin", "P1", "11-17 13:00"),
            ("guardian_notice", "G1", "11-17 15:00"),
            ("guardian_notice", "G2", "11-17 15:00"),
        ],
    ),
    (
        "Z for three days: care on day 3",
        pupil(whole_days("11-16 11-17 11-18")),
        "11-18 23:00",
        DEFAULT,
        [
            ("pupil_checkin", "P1", "11-16 10:30"),
            ("guardian_care", "G1", "11-18 10:30"),
            ("guardian_care", "G2", "11-18 10:30"),
        ],
    ),
    (
        "Z for two days: no care",
        pupil(whole_days("11-16 11-17")),
        "11-17 23:00",
        DEFAULT,
        [("pupil_checkin", "P1", "11-16 10:30")],
    ),
    (
        "Z over the Armistice: day 3 is Thursday",
        pupil(whole_days("11-09 11-10 11-12")),
        "11-12 23:00",
        DEFAULT,
        [
            ("pupil_checkin", "P1", "11-09 10:30"),
            ("guardian_care", "G1", "11-12 10:30"),
            ("guardian_care", "G2", "11-12 10:30"),
        ],
    ),
    (
        "Z day 3 entered ahead: not planned before its day",
        pupil(whole_days("11-16 11-17 11-18")),
        "11-17 23:00",
        DEFAULT,
        [("pupil_checkin", "P1", "11-16 10:30")],
    ),
    (
        "Z for a 10-year-old: care only",
        pupil(whole_days("11-16 11-17 11-18"), age=10),
        "11-18 23:00",
        DEFAULT,
        [("guardian_care", "G1", "11-18 10:30"), ("guardian_care", "G2", "11-18 10:30")],
    ),
    (
        "Z then B: notice about Tuesday",
        pupil(marks("11-16 am Z, 11-16 pm Z, 11-17 am B")),
        "11-17 23:00",
        DEFAULT,
        [("pupil_checkin", "P1", "11-16 10:30"), *NOTICES_1230],
    ),
    ("R: exclusion", pupil(whole_days("11-16 11-17 11-18", "R")), "11-18 23:00", DEFAULT, []),
    (
        "R then B: still nothing home",
        pupil(marks("11-16 am R, 11-16 pm R, 11-17 am B")),
        "11-17 23:00",
        DEFAULT,
        [],
    ),
    (
        "A: below compulsory age",
        pupil(whole_days("11-16 11-17 11-18", "A"), age=10),
        "11-18 23:00",
        DEFAULT,
        [],
    ),
    ("paused pupil", pupil(B_TUESDAY), "11-17 23:00", PAUSED, []),
    ("paused pupil, Z", pupil(whole_days("11-16 11-17 11-18")), "11-18 23:00", PAUSED, []),
    (
        "roster: G2 not to be contacted",
        pupil(B_TUESDAY, guardians=(guardian(1), guardian(2, may_contact=False))),
        "11-17 23:00",
        DEFAULT,
        [CHECKIN, NOTICES_1230[0]],
    ),
    (
        "rules file: G1 not to be contacted",
        pupil(B_TUESDAY),
        "11-17 23:00",
        NO_G1,
        [CHECKIN, NOTICES_1230[1]],
    ),
    (
        "G2 without a channel",
        pupil(B_TUESDAY, guardians=(guardian(1), guardian(2, channel=None))),
        "11-17 23:00",
        DEFAULT,
        [CHECKIN, NOTICES_1230[0]],
    ),
    ("18 without consent", pupil(B_TUESDAY, age=18), "11-17 23:00", DEFAULT, [CHECKIN]),
    (
        "18 with consent",
        pupil(B_TUESDAY, age=18, consent=True),
        "11-17 23:00",
        DEFAULT,
        [CHECKIN, *NOTICES_1230],
    ),
    (
        "18, Z without consent: no care",
        pupil(whole_days("11-16 11-17 11-18"), age=18),
        "11-18 23:00",
        DEFAULT,
        [("pupil_checkin", "P1", "11-16 10:30")],
    ),
    (
        "guardian answered before the notice",
        pupil(B_TUESDAY, replies=(reply("11-17 11:00", "guardian", "sick", "2026-11-17-am"),)),
        "11-17 23:00",
        DEFAULT,
        [CHECKIN],
    ),
    (
        "guardian answered after the notice was due",
        pupil(B_TUESDAY, replies=(reply("11-17 13:00", "guardian", "sick", "2026-11-17-am"),)),
        "11-17 23:00",
        DEFAULT,
        [CHECKIN, *NOTICES_1230],
    ),
    (
        "guardian answered about another episode",
        pupil(B_TUESDAY, replies=(reply("11-17 11:00", "guardian", "sick", "2026-11-10-am"),)),
        "11-17 23:00",
        DEFAULT,
        [CHECKIN, *NOTICES_1230],
    ),
    (
        "pupil sick: the notice still goes",
        pupil(B_TUESDAY, replies=(reply("11-17 11:00", "pupil", "sick", "2026-11-17-am"),)),
        "11-17 23:00",
        DEFAULT,
        [CHECKIN, *NOTICES_1230],
    ),
    (
        "Friday, grace ends after 20:00: Monday 08:00",
        pupil(marks("11-20 am B")),
        "11-20 23:00",
        GRACE_10H,
        [
            ("pupil_checkin", "P1", "11-20 10:30"),
            ("guardian_notice", "G1", "11-23 08:00"),
            ("guardian_notice", "G2", "11-23 08:00"),
        ],
    ),
    (
        "Friday before the autumn holiday: after it",
        pupil(marks("10-30 am B")),
        "10-30 23:00",
        GRACE_10H,
        [
            ("pupil_checkin", "P1", "10-30 10:30"),
            ("guardian_notice", "G1", "11-09 08:00"),
            ("guardian_notice", "G2", "11-09 08:00"),
        ],
    ),
    ("episode ended yesterday", pupil(marks("11-16 am B, 11-16 pm B")), "11-18 09:00", DEFAULT, []),
    (
        "episode ended today: still planned",
        pupil(marks("11-16 am B, 11-16 pm B")),
        "11-17 23:00",
        DEFAULT,
        [
            ("pupil_checkin", "P1", "11-16 10:30"),
            ("guardian_notice", "G1", "11-16 12:30"),
            ("guardian_notice", "G2", "11-16 12:30"),
        ],
    ),
    ("marks entered for tomorrow", pupil(marks("11-18 am B")), "11-17 23:00", DEFAULT, []),
]


@pytest.mark.parametrize(
    ("facts", "now", "rules", "expected"),
    [pytest.param(*rest, id=name) for name, *rest in SCENARIOS],
)
def test_plan(
    facts: PupilFacts, now: str, rules: Rules, expected: list[tuple[str, str, str]]
) -> None:
    assert rows(plan(facts, now, rules)) == expected


def test_rows_carry_recipients_channels_and_keys() -> None:
    planned = plan(pupil(B_TUESDAY), "11-17 23:00")
    assert [
        (item.idempotency_key, item.recipient_role, item.recipient_id, item.channel, item.pupil_id)
        for item in planned
    ] == [
        ("S1:P1:2026-11-17-am:pupil_checkin:pupil:P1", "pupil", 1, "telegram", 1),
        ("S1:P1:2026-11-17-am:guardian_notice:guardian:G1", "guardian", 101, "telegram", 1),
        ("S1:P1:2026-11-17-am:guardian_notice:guardian:G2", "guardian", 102, "telegram", 1),
    ]
    assert {item.school_id for item in planned} == {"S1"}
    assert all(item.expires_at - item.due_at == timedelta(hours=24) for item in planned)


def test_notice_counts_every_missed_half_day_of_the_school_year() -> None:
    history = [
        *marks("2026-06-15 am B"),  # the previous school year
        *whole_days("10-19"),  # justified
        *marks("11-10 am B, 11-12 pm -"),
        *B_TUESDAY,
        *marks("11-19 am B"),  # after the day the notice is about
    ]
    planned = plan(pupil(history), "11-17 23:00")
    notice = next(item for item in planned if item.kind == "guardian_notice")
    assert notice.payload["missed_half_days"] == 2 + 1 + 1 + 2
    assert notice.payload["date"] == "2026-11-17"
    assert notice.payload["soft"] is False


@pytest.mark.parametrize(
    ("answer", "at", "soft"),
    [
        ("sick", "11-17 11:00", True),
        ("rather_not_say", "11-17 12:29", True),
        ("return:2026-11-19", "11-17 11:00", True),
        # No spilfiguur to hold it for: the notice goes, gentle, never asking to question the
        # child who asked for help.
        ("not_good", "11-17 11:00", True),
        ("want_to_talk", "11-17 11:00", True),
        ("sick", "11-17 12:30", False),  # too late: the notice was due
    ],
)
def test_pupil_answers_soften_the_notice(answer: str, at: str, soft: bool) -> None:
    facts = pupil(B_TUESDAY, replies=(reply(at, "pupil", answer, "2026-11-17-am"),))
    notices = [item for item in plan(facts, "11-17 23:00") if item.kind == "guardian_notice"]
    assert [item.payload["soft"] for item in notices] == [soft, soft]


def test_monday_after_dst_ends_is_an_hour_later_in_utc() -> None:
    planned = plan(pupil(marks("10-23 am B")), "10-23 23:00", GRACE_10H)
    assert [(item.kind, item.due_at) for item in planned] == [
        ("pupil_checkin", datetime(2026, 10, 23, 8, 30, tzinfo=UTC)),  # 10:30 summer time
        ("guardian_notice", datetime(2026, 10, 26, 7, 0, tzinfo=UTC)),  # 08:00 winter time
        ("guardian_notice", datetime(2026, 10, 26, 7, 0, tzinfo=UTC)),
    ]
    assert planned[1].expires_at == datetime(2026, 10, 27, 7, 0, tzinfo=UTC)


def test_a_late_checkin_time_moves_the_notice_to_the_next_morning() -> None:
    rules = Rules(pupil=PupilRules(checkin_at=time(19, 0)))
    assert rows(plan(pupil(B_TUESDAY), "11-17 23:00", rules)) == [
        ("pupil_checkin", "P1", "11-17 19:00"),
        ("guardian_notice", "G1", "11-18 08:00"),
        ("guardian_notice", "G2", "11-18 08:00"),
    ]


def test_planning_again_gives_the_same_rows() -> None:
    history = [*whole_days("11-09 11-10"), *B_TUESDAY, *whole_days("11-18 11-19 11-20")]
    facts = pupil(history)
    first = plan(facts, "11-20 23:00")
    assert first == plan(facts, "11-20 23:00")
    shuffled = list(history)
    random.Random(7).shuffle(shuffled)
    reordered = pupil(shuffled, guardians=(guardian(2), guardian(1)))
    assert plan(reordered, "11-20 23:00") == first
    assert len({item.idempotency_key for item in first}) == len(first) == 3


def test_later_ticks_of_the_same_day_keep_the_rows() -> None:
    # At 10:30 the afternoon is not known yet; by the evening the pupil may be seen back.
    facts = pupil(marks("11-17 am B"))
    assert plan(facts, "11-17 10:30") == plan(facts, "11-17 23:00")


WINDOW = Window(DEFAULT.delivery, CALENDAR, BRUSSELS)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("11-17 10:30", "11-17 10:30"),
        ("11-17 07:59", "11-17 08:00"),
        ("11-17 08:00", "11-17 08:00"),
        ("11-17 19:59", "11-17 19:59"),
        ("11-17 20:00", "11-18 08:00"),
        ("11-18 15:00", "11-18 15:00"),  # a free Wednesday afternoon is still a school day
        ("11-10 21:00", "11-12 08:00"),  # over Armistice Day
        ("11-21 10:00", "11-23 08:00"),  # Saturday
        ("10-24 12:00", "10-26 08:00"),  # Saturday before DST ends
    ],
)
def test_next_allowed(given: str, expected: str) -> None:
    moved = WINDOW.next_allowed(local(given))
    assert moved.tzinfo is UTC
    assert moved == local(expected)


def test_next_allowed_keeps_to_the_allowed_weekdays() -> None:
    no_mondays = Window(
        DEFAULT.delivery.model_copy(update={"weekdays": (1, 2, 3, 4)}), CALENDAR, BRUSSELS
    )
    assert no_mondays.next_allowed(local("11-20 20:30")) == local("11-24 08:00")


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        ("2012-11-17", "11-17", 14),
        ("2012-11-18", "11-17", 13),
        ("2012-02-29", "2027-02-28", 14),
        ("2012-02-29", "2027-03-01", 15),
    ],
)
def test_age_on(birth: str, on: str, age: int) -> None:
    assert age_on(day(birth), day(on)) == age
