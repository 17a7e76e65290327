"""The rules file (docs/rules.md) and ``gemist rules check`` (docs/contracts.md)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import main
from bot.rules import (
    Cap,
    Delivery,
    Ladder,
    Pause,
    Rules,
    RulesError,
    load_rules,
    parse_rules,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "rules"
EXAMPLE = DATA / "example.yaml"


def problems(text: str) -> list[str]:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "rules.yaml")
    return str(caught.value).splitlines()


# --- defaults -----------------------------------------------------------------------------


def test_defaults_reproduce_the_domain():
    rules = Rules.default()

    assert rules.pupil.min_age == 12
    assert rules.pupil.checkin_at == time(10, 30)
    assert rules.pupil.followup_every_school_days == 3
    assert rules.pupil.max_followups == 2
    assert rules.guardian.grace_period == timedelta(hours=2)
    assert rules.guardian.followup_after_school_days == 2
    assert rules.guardian.max_followups == 1
    assert rules.guardian.care_on_school_day == 3
    assert rules.long_absence.school_days == 5
    assert rules.teacher.welcome_day_before_at == time(15, 30)
    assert rules.teacher.welcome_on_return is True
    assert rules.coordinator.digest_at == time(10, 30)  # issue 14: after the morning feed
    assert rules.coordinator.max_reminders == 1
    assert rules.coordinator.reminder_after_school_days == 2
    assert rules.nudges.problematic_half_days == 5
    assert rules.nudges.absent_half_days == 10
    assert rules.nudges.no_answer_after_school_days == 3
    patterns = rules.nudges.patterns
    assert patterns.same_weekday is not None
    assert (
        patterns.same_weekday.times,
        patterns.same_weekday.within_weeks,
        patterns.same_weekday.max_school_days,
    ) == (3, 6, 4)
    assert patterns.after_holiday is not None
    assert (patterns.after_holiday.times, patterns.after_holiday.min_closed_days) == (2, 3)
    assert patterns.short_absences is not None
    assert (
        patterns.short_absences.episodes,
        patterns.short_absences.max_school_days,
        patterns.short_absences.within_weeks,
    ) == (4, 1, 8)
    assert (rules.delivery.not_before, rules.delivery.not_after) == (time(8), time(20))
    assert rules.delivery.weekdays == (0, 1, 2, 3, 4)
    assert rules.delivery.expire_after == timedelta(hours=24)
    assert rules.caps.pupil == Cap(per_day=2, per_week=5)
    assert rules.caps.guardian == Cap(per_day=2, per_week=5)
    assert (rules.caps.teacher, rules.caps.coordinator) == (None, None)
    assert (rules.hold.school_percent, rules.hold.class_percent) == (25, 60)
    assert rules.hold.min_class_size == 5
    assert rules.hold.min_school_size == 20
    assert (rules.pauses, rules.do_not_contact) == ((), ())


STEPS = [
    # code, ladder, pupil_checkin, guardian, teacher_welcome, coordinator
    ("B", Ladder.UNEXPLAINED, True, True, True, True),
    ("-", Ladder.UNEXPLAINED, True, True, True, True),
    ("Z", Ladder.CARE, True, True, True, True),
    ("P", Ladder.CARE, True, True, True, True),
    ("M", Ladder.CARE, True, True, True, True),
    ("H", Ladder.CARE, True, True, True, True),
    # Disciplinary exclusion lives under R: no outreach to pupil or guardians.
    ("R", Ladder.CARE, False, False, True, True),
    ("A", Ladder.NONE, False, False, False, False),
]


@pytest.mark.parametrize(("code", "ladder", "pupil", "guardian", "teacher", "coordinator"), STEPS)
def test_default_ladder_per_code(code, ladder, pupil, guardian, teacher, coordinator):
    rules = Rules.default()
    rule = rules.code(code)

    assert rules.ladder(code) is ladder
    assert (rule.pupil_checkin, rule.guardian, rule.teacher_welcome, rule.coordinator) == (
        pupil,
        guardian,
        teacher,
        coordinator,
    )


def test_an_unknown_code_is_a_lookup_error():
    with pytest.raises(LookupError, match="No absence code 'X'"):
        Rules.default().code("X")


@pytest.mark.parametrize("text", ["", "\n", "# nothing yet\n", "---\n"])
def test_an_empty_file_means_every_default(text):
    assert parse_rules(text) == Rules.default()


# --- valid files --------------------------------------------------------------------------

VALID = [
    # YAML 1.1 would read an unquoted 10:30 as the number 630.
    ("pupil:\n  checkin_at: 10:30\n", lambda r: r.pupil.checkin_at, time(10, 30)),
    ('pupil:\n  checkin_at: "9:45"\n', lambda r: r.pupil.checkin_at, time(9, 45)),
    ("guardian:\n  grace_period: 90m\n", lambda r: r.guardian.grace_period, timedelta(minutes=90)),
    ("guardian:\n  grace_period: 1h 30m\n", lambda r: r.guardian.grace_period,
     timedelta(hours=1.5)),
    ("guardian:\n  grace_period: 3H\n", lambda r: r.guardian.grace_period, timedelta(hours=3)),
    # A code changes only the steps written, on top of that code's own default.
    ("codes:\n  r: {pupil_checkin: true}\n", lambda r: r.code("R").guardian, False),
    ("codes:\n  r: {pupil_checkin: true}\n", lambda r: r.code("R").pupil_checkin, True),
    ('codes:\n  "-": {guardian: no}\n', lambda r: r.code("-").guardian, False),
    ("codes:\n  unknown: {guardian: no}\n", lambda r: r.code("-").guardian, False),
    ("codes:\n  unknown: {guardian: no}\n", lambda r: r.code("B").guardian, True),
    ("codes:\n  Z:\n", lambda r: r.code("Z"), Rules.default().code("Z")),
    ("codes:\n  Z: {pupil_checkin: false, guardian: false, teacher_welcome: false, "
     "coordinator: false}\n", lambda r: r.ladder("Z"), Ladder.NONE),
    ("codes:\n  A: {teacher_welcome: true}\n", lambda r: r.ladder("A"), Ladder.CARE),
    ("caps:\n  teacher: none\n", lambda r: r.caps.teacher, None),
    ("caps:\n  guardian: none\n", lambda r: r.caps.guardian, None),
    ("caps:\n  guardian: false\n", lambda r: r.caps.guardian, None),
    # Left empty (the lines below commented out) is the default, not "no cap".
    ("caps:\n  guardian:\n", lambda r: r.caps.guardian, Cap(per_day=2, per_week=5)),
    ("caps:\n  teacher: {per_day: 3, per_week: 3}\n", lambda r: r.caps.teacher,
     Cap(per_day=3, per_week=3)),
    ("nudges:\n  absent_half_days: false\n", lambda r: r.nudges.absent_half_days, None),
    ("nudges:\n  patterns:\n    same_weekday: false\n",
     lambda r: r.nudges.patterns.same_weekday, None),
    ("nudges:\n  patterns:\n    same_weekday: true\n",
     lambda r: r.nudges.patterns.same_weekday, Rules.default().nudges.patterns.same_weekday),
    ("nudges:\n  patterns:\n    after_holiday: no\n",
     lambda r: r.nudges.patterns.after_holiday, None),
    ("nudges:\n  patterns:\n    after_holiday: {times: 1}\n",
     lambda r: r.nudges.patterns.after_holiday.min_closed_days, 3),
    ("nudges:\n  patterns:\n    short_absences: {episodes: 3}\n",
     lambda r: r.nudges.patterns.short_absences.within_weeks, 8),
    ("nudges:\n  problematic_half_days: 3\n", lambda r: r.nudges.problematic_half_days, 3),
    ("hold:\n  school_percent: 30%\n", lambda r: r.hold.school_percent, 30),
    ("hold:\n  class_percent: 66.5\n", lambda r: r.hold.class_percent, 66.5),
    ("delivery:\n  weekdays: [Monday, tue, THU]\n", lambda r: r.delivery.weekdays, (0, 1, 3)),
    ("delivery:\n  weekdays: fri\n", lambda r: r.delivery.weekdays, (4,)),
    ("delivery:\n  weekdays: [mon, mon]\n", lambda r: r.delivery.weekdays, (0,)),
    ("guardian:\n", lambda r: r.guardian, Rules.default().guardian),
    ("pauses:\n", lambda r: r.pauses, ()),
    ('pauses:\n  - {pupil: "0042", until: "2027-01-08"}\n', lambda r: r.pauses,
     (Pause(pupil="0042", until=date(2027, 1, 8)),)),
    ("do_not_contact:\n  - guardian: ' G7 '\n", lambda r: r.do_not_contact[0].guardian, "G7"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "get", "expected"), VALID)
def test_valid_files(text, get, expected):
    assert get(parse_rules(text)) == expected


def test_the_example_file_loads():
    rules = load_rules(EXAMPLE)

    assert rules.coordinator.digest_at == time(8, 15)
    assert rules.caps.teacher == Cap(per_day=6, per_week=20)
    assert [(p.pupil, p.start, p.until) for p in rules.pauses] == [
        ("P0042", None, date(2027, 1, 8)),
        ("P0107", date(2026, 11, 23), None),
    ]
    assert rules.is_paused("P0042", date(2027, 1, 8))
    assert not rules.is_paused("P0042", date(2027, 1, 9))
    assert not rules.is_paused("P0107", date(2026, 11, 22))
    assert rules.is_paused("P0107", date(2030, 1, 1))
    assert not rules.may_contact("G0007", "P0001")
    assert not rules.may_contact("G0031", "P0107")
    assert rules.may_contact("G0031", "P0108")
    # Everything else is the default, written out.
    assert (
        rules.model_copy(
            update={
                "coordinator": Rules.default().coordinator,
                "caps": Rules.default().caps,
                "pauses": (),
                "do_not_contact": (),
            }
        )
        == Rules.default()
    )


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_bytes("\ufeffpupil:\n  min_age: 14\n".encode())

    assert load_rules(path).pupil.min_age == 14


# --- invalid files: every problem, with its key -------------------------------------------

INVALID = [
    ("guardian:\n  grace_period: 2 uur\n",
     "guardian.grace_period: '2 uur' is not a duration (use e.g. 2h or 90m)"),
    ("guardian:\n  grace_period: 120\n",
     "guardian.grace_period: 120 is not a duration (use e.g. 2h or 90m)"),
    ("guardian:\n  grace_period: 5m\n",
     "guardian.grace_period: 5m is out of range (from 15m to 24h)"),
    ("guardian:\n  grace_priod: 2h\n",
     "guardian.grace_priod: unknown key (did you mean 'grace_period'?)"),
    ("guardians:\n  grace_period: 2h\n", "guardians: unknown key (did you mean 'guardian'?)"),
    ("grace_period: 2h\n", "grace_period: unknown key here (it belongs under guardian:)"),
    ("hold:\n  zzz: 1\n",
     "hold.zzz: unknown key (known keys: class_percent, min_class_size, min_school_size, "
     "school_percent)"),
    ("guardian: 2h\n", "guardian: expected keys below it (key: value), got '2h'"),
    ("1: x\n", "1: a key must be a name, got 1"),
    ('pupil:\n  checkin_at: "25:00"\n',
     "pupil.checkin_at: '25:00' is not a time of day (use HH:MM, e.g. 10:30)"),
    ("pupil:\n  checkin_at: 1030\n",
     "pupil.checkin_at: 1030 is not a time of day (use HH:MM, e.g. 10:30)"),
    ('pupil:\n  checkin_at: "07:30"\n',
     "pupil.checkin_at: 07:30 is outside the sending hours (08:00 to 20:00)"),
    # The sending hours end at not_after: a digest at 20:00 would never go out.
    ('coordinator:\n  digest_at: "20:00"\n',
     "coordinator.digest_at: 20:00 is outside the sending hours (08:00 to 20:00)"),
    ('delivery:\n  not_before: "09:00"\ncoordinator:\n  digest_at: "08:30"\n',
     "coordinator.digest_at: 08:30 is outside the sending hours (09:00 to 20:00)"),
    ('coordinator:\n  digest_at_for: {S1: "07:00"}\n',
     "coordinator.digest_at_for.S1: 07:00 is outside the sending hours (08:00 to 20:00)"),
    ("pupil:\n  min_age: 4\n", "pupil.min_age: must be at least 6, got 4"),
    ("pupil:\n  min_age: 21\n", "pupil.min_age: must be at most 18, got 21"),
    ("pupil:\n  min_age: yes\n", "pupil.min_age: true is not a whole number"),
    ('pupil:\n  min_age: "12"\n', "pupil.min_age: '12' is not a whole number"),
    ("pupil:\n  min_age: 12.5\n", "pupil.min_age: 12.5 is not a whole number"),
    ("pupil:\n  followup_every_school_days: 0\n",
     "pupil.followup_every_school_days: must be at least 1, got 0"),
    ("pupil:\n  max_followups: -1\n", "pupil.max_followups: must be at least 0, got -1"),
    ("long_absence:\n  school_days: 1\n", "long_absence.school_days: must be at least 2, got 1"),
    ('delivery:\n  not_before: "20:00"\n  not_after: "08:00"\n',
     "delivery.not_after: 08:00 is not later than not_before (20:00)"),
    ("delivery:\n  weekdays: [mon, sat]\n",
     "delivery.weekdays[1]: 'sat': messages never go out at the weekend"),
    ("delivery:\n  weekdays: [mon, maandag]\n",
     "delivery.weekdays[1]: 'maandag' is not a weekday (use mon, tue, wed, thu, fri)"),
    ("delivery:\n  weekdays: []\n", "delivery.weekdays: name at least one weekday"),
    ("delivery:\n  weekdays: 5\n",
     "delivery.weekdays: expected a list of weekdays (e.g. [mon, tue, thu, fri]), got 5"),
    ("delivery:\n  expire_after: 7d\n",
     "delivery.expire_after: '7d' is not a duration (use e.g. 2h or 90m)"),
    ("delivery:\n  expire_after: 72h\n",
     "delivery.expire_after: 72h is out of range (from 1h to 48h)"),
    ("caps:\n  guardian: {per_day: 6, per_week: 5}\n",
     "caps.guardian.per_day: 6 per day is more than 5 per week"),
    ("caps:\n  guardian: {per_day: 2}\n", "caps.guardian.per_week: is missing"),
    ("caps:\n  pupil: {per_day: 0, per_week: 5}\n",
     "caps.pupil.per_day: must be at least 1, got 0"),
    ("caps:\n  teacher: 3\n",
     "caps.teacher: expected none or per_day and per_week below it, got 3"),
    ("hold:\n  school_percent: 0\n", "hold.school_percent: must be more than 0, got 0"),
    ("hold:\n  class_percent: 150\n", "hold.class_percent: must be at most 100, got 150"),
    ("hold:\n  class_percent: lots\n",
     "hold.class_percent: 'lots' is not a percentage (write e.g. 25)"),
    ("hold:\n  school_percent: true\n",
     "hold.school_percent: true is not a percentage (write e.g. 25)"),
    ("hold:\n  min_class_size: 0\n", "hold.min_class_size: must be at least 1, got 0"),
    ("nudges:\n  problematic_half_days: 8\n",
     "nudges.problematic_half_days: 8 is too late: the school must involve the CLB from the "
     "5th problematic half-day"),
    ("nudges:\n  no_answer_after_school_days: 0\n",
     "nudges.no_answer_after_school_days: must be at least 1, got 0"),
    ("nudges:\n  absent_half_days: 0\n", "nudges.absent_half_days: must be at least 1, got 0"),
    ("nudges:\n  patterns:\n    same_weekday: {times: 4, within_weeks: 3}\n",
     "nudges.patterns.same_weekday.times: 4 absences on one weekday cannot fit in 3 weeks"),
    ("nudges:\n  patterns:\n    same_weekday: {times: 1}\n",
     "nudges.patterns.same_weekday.times: must be at least 2, got 1"),
    ("nudges:\n  patterns:\n    after_holiday: maybe\n",
     "nudges.patterns.after_holiday: expected true, false or keys below it, got 'maybe'"),
    ("nudges:\n  patterns:\n    after_holiday: {min_closed_days: 1}\n",
     "nudges.patterns.after_holiday.min_closed_days: must be at least 2, got 1"),
    ("nudges:\n  patterns:\n    short_absences: {max_school_days: 0}\n",
     "nudges.patterns.short_absences.max_school_days: must be at least 1, got 0"),
    ("nudges:\n  patterns:\n    weekends: true\n",
     "nudges.patterns.weekends: unknown key (known keys: after_holiday, same_weekday, "
     "short_absences)"),
    ("codes:\n  X: {guardian: false}\n",
     "codes.X: 'X' is not an absence code (use B, Z, R, P, M, H, A or -)"),
    ("codes:\n  D: {guardian: false}\n", "codes.D: D is an older letter; the rules use Z for it"),
    ("codes:\n  R: {guardian: none}\n", "codes.R.guardian: expected true or false, got 'none'"),
    ("codes:\n  R: {gaurdian: false}\n",
     "codes.R.gaurdian: unknown key (did you mean 'guardian'?)"),
    ("codes:\n  b: {}\n  B: {}\n", "codes.B: the same code as 'b'"),
    ("codes:\n  R: skip\n", "codes.R: expected keys below it (key: value), got 'skip'"),
    ("pauses:\n  - pupil: 0042\n",
     "pauses[0].pupil: 42 is read as a number; put ids in quotes, e.g. \"0042\""),
    ("pauses:\n  - pupil: ''\n", "pauses[0].pupil: '' is not an id (e.g. P0042)"),
    ("pauses:\n  - until: 2027-01-08\n", "pauses[0].pupil: is missing"),
    ("pauses:\n  - {pupil: P1, until: 8 januari}\n",
     "pauses[0].until: '8 januari' is not a date (use YYYY-MM-DD)"),
    ("pauses:\n  - {pupil: P1, until: 2027-01-08 12:00}\n",
     "pauses[0].until: '2027-01-08 12:00' is not a date (use YYYY-MM-DD)"),
    ("pauses:\n  - {pupil: P1, start: 2027-01-09, until: 2027-01-08}\n",
     "pauses[0].until: 2027-01-08 is before start (2027-01-09)"),
    ("pauses:\n  - {pupil: P1, until: 2027-01-08}\n  - {pupil: P1, start: 2027-01-08}\n",
     "pauses[1]: overlaps pauses[0] for pupil P1"),
    ("pauses:\n  pupil: P1\n",
     "pauses: expected a list (lines starting with '- '), got a mapping"),
    ("pauses:\n  - {pupil: P1, reason: " + "x" * 201 + "}\n",
     "pauses[0].reason: is too long (at most 200 characters)"),
    ("do_not_contact:\n  - guardian: G1\n  - guardian: G1\n",
     "do_not_contact[1]: repeats do_not_contact[0]"),
    ('do_not_contact:\n  - {guardian: G1, reason: ""}\n', "do_not_contact[0].reason: is empty"),
    ("do_not_contact:\n  - {guardian: G1, reason: 3}\n",
     "do_not_contact[0].reason: expected text, got 3"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_a_problem_names_the_key(text, message):
    assert problems(text) == [f"rules.yaml: {message}"]


SYNTAX = [
    ("pupil:\n  min_age: 12\n checkin_at: 10:30\n",
     "line 3, column 2: not valid YAML: expected <block end>, but found '<block mapping start>'"),
    ("pupil:\n\tmin_age: 12\n",
     "line 2, column 1: not valid YAML: found character '\\t' that cannot start any token "
     "(indent with spaces, not tabs)"),
    ("pupil:\n  min_age: 12\npupil:\n  min_age: 14\n",
     "line 3, column 1: 'pupil' is written twice"),
    ("- pupil\n", "expected sections such as 'guardian:' at the top, got a list"),
    ("just some text\n", "expected sections such as 'guardian:' at the top, got 'just some text'"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), SYNTAX)
def test_a_file_that_is_not_rules_says_where(text, message):
    assert problems(text) == [f"rules.yaml: {message}"]


def test_every_problem_is_listed_once():
    text = (
        "guardian:\n  grace_period: 2 uur\n  care_on_school_day: 0\n"
        "caps:\n  guardian: {per_day: 6, per_week: 5}\n"
        "coffee: strong\n"
    )

    assert problems(text) == [
        "rules.yaml: guardian.grace_period: '2 uur' is not a duration (use e.g. 2h or 90m)",
        "rules.yaml: guardian.care_on_school_day: must be at least 1, got 0",
        "rules.yaml: caps.guardian.per_day: 6 per day is more than 5 per week",
        "rules.yaml: coffee: unknown key (known keys: caps, codes, coordinator, delivery, "
        "do_not_contact, guardian, hold, long_absence, nudges, pauses, pupil, teacher)",
    ]


def test_the_error_keeps_its_parts(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text("pupil:\n  min_age: 4\n", encoding="utf-8")

    with pytest.raises(RulesError) as caught:
        load_rules(path)

    assert caught.value.source == str(path)
    assert [(p.key, p.message) for p in caught.value.problems] == [
        ("pupil.min_age", "must be at least 6, got 4")
    ]


def test_files_that_cannot_be_read(tmp_path):
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("guardian:\n  grace_period: 2h # één\n".encode("latin-1"))

    for path, message in [
        (tmp_path / "missing.yaml", "no such file"),
        (tmp_path, "is a folder, not a rules file"),
        (latin1, "is not UTF-8 text"),
    ]:
        with pytest.raises(RulesError) as caught:
            load_rules(path)
        assert str(caught.value) == f"{path}: {message}"


# --- the values' meaning ------------------------------------------------------------------


def test_the_sending_hours_include_not_before_and_exclude_not_after():
    delivery = Rules.default().delivery

    assert [delivery.allows(time(h, m)) for h, m in [(7, 59), (8, 0), (19, 59), (20, 0)]] == [
        False,
        True,
        True,
        False,
    ]
    assert delivery.allows_weekday(date(2026, 11, 20))  # a Friday
    assert not Delivery(weekdays=["mon"]).allows_weekday(date(2026, 11, 17))  # a Tuesday


def test_a_hold_needs_more_than_the_percentage():
    hold = Rules.default().hold

    assert not hold.holds_school(absent=25, pupils=100)
    assert hold.holds_school(absent=26, pupils=100)
    assert not hold.holds_class(absent=3, pupils=5)  # exactly 60%
    assert hold.holds_class(absent=4, pupils=5)
    assert not hold.holds_class(absent=4, pupils=4)  # below the minimum class size
    assert not hold.holds_school(absent=0, pupils=0)


def test_rules_made_in_code_are_checked_too():
    with pytest.raises(ValidationError, match="3 per day is more than 2 per week"):
        Cap(per_day=3, per_week=2)
    with pytest.raises(ValidationError, match="is outside the sending hours"):
        Rules(delivery=Delivery(not_before=time(11)))


def test_rules_are_immutable():
    rules = Rules.default()

    with pytest.raises(ValidationError, match="frozen"):
        rules.pupil.min_age = 8  # type: ignore[misc]


# --- the documentation --------------------------------------------------------------------

DOCS = [ROOT / "docs" / "rules.md", ROOT / "docs" / "rules.nl.md"]


def yaml_blocks(path: Path) -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```$", path.read_text(encoding="utf-8"), re.S | re.M)


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_yaml_example_in_the_docs_is_valid(doc):
    blocks = yaml_blocks(doc)

    assert len(blocks) >= 5
    for block in blocks:
        parse_rules(block, f"{doc.name} example")


def test_the_english_docs_show_the_example_file():
    full = [block for block in yaml_blocks(DOCS[0]) if block.startswith("# Gemist")]

    assert full == [EXAMPLE.read_text(encoding="utf-8")]


def test_the_dutch_docs_show_the_same_example():
    full = [block for block in yaml_blocks(DOCS[1]) if block.startswith("# Gemist")]

    assert len(full) == 1
    assert parse_rules(full[0]) == load_rules(EXAMPLE)


# --- gemist rules check -------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_gemist_environment(monkeypatch):
    for name in ("GEMIST_CONFIG", "GEMIST_RULES", "GEMIST_DATABASE_URL", "GEMIST_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)


def test_check_a_valid_file(capsys):
    assert main(["rules", "check", str(EXAMPLE)]) == 0

    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == ""
    assert lines[0] == f"{EXAMPLE}: valid"
    assert lines[1] == (
        "  codes           B, -: pupil check-in, guardian notice, teacher welcome, coordinator"
    )
    assert " " * 18 + "R: teacher welcome, coordinator" in lines
    assert "  coordinator     digest at 08:15; reminder after 2 school days" in lines
    assert (
        "  caps            pupil 2/day 5/week; guardian 2/day 5/week; teacher 6/day 20/week; "
        "coordinator no cap"
    ) in lines
    assert "  pauses          P0042 until 2027-01-08, P0107 from 2026-11-23" in lines
    assert lines[-1] == (
        "Changed from the defaults: coordinator.digest_at, caps.teacher, pauses, do_not_contact"
    )
    assert "ziekenhuis" not in out  # reasons can be sensitive: never printed


def test_check_an_empty_file(tmp_path, capsys):
    path = tmp_path / "rules.yaml"
    path.write_text("# later\n", encoding="utf-8")

    assert main(["rules", "check", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "Every setting is the default."


def test_check_an_invalid_file(capsys):
    path = DATA / "invalid.yaml"

    assert main(["rules", "check", str(path)]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{path}: guardian.grace_period: '2 uur' is not a duration (use e.g. 2h or 90m)",
        f"{path}: caps.guardian.per_day: 6 per day is more than 5 per week",
        f"{path}: pauses[0].until: '8 januari' is not a date (use YYYY-MM-DD)",
        f"{path}: invalid (3 problems)",
    ]


def test_check_a_missing_file(tmp_path, capsys):
    path = tmp_path / "nope.yaml"

    assert main(["rules", "check", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{path}: no such file",
        f"{path}: invalid (1 problem)",
    ]


def test_check_the_file_named_in_the_environment(monkeypatch, capsys):
    monkeypatch.setenv("GEMIST_RULES", str(EXAMPLE))

    assert main(["rules", "check"]) == 0
    assert capsys.readouterr().out.startswith(f"{EXAMPLE}: valid\n")


def test_check_without_a_file(capsys):
    assert main(["rules", "check"]) == 2
    assert capsys.readouterr().err == "gemist: rules check: give a FILE (or set GEMIST_RULES)\n"
