"""The rules as a form: each setting described in Dutch, English and French, its limits the ones
the rules enforce (the CLB threshold by law), and the checks of ``gemist rules check`` per
setting."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.rulebook.form import (
    CODE_LABELS,
    SETTINGS,
    FieldProblem,
    Kind,
    Setting,
    check_text,
    check_values,
    code_label,
    describe,
    form_values,
    rules_text,
)
from bot.rules import CLB_HALF_DAYS, Rules, RulesError, load_rules, parse_rules

ROOT = Path(__file__).parents[3]
EXAMPLE = ROOT / "tests" / "data" / "rules" / "example.yaml"
BOUNDED = [s for s in SETTINGS if s.kind is Kind.WHOLE and (s.minimum, s.maximum) != (None, None)]


def with_parent(setting: Setting, value: str) -> dict[str, str]:
    """The field, and the switch or cap above it turned on (a cap that is off has no numbers)."""
    fields = {setting.path: value}
    parent = setting.path.rsplit(".", 1)[0]
    if any(s.path == parent and s.kind in (Kind.CAP, Kind.SWITCH) for s in SETTINGS):
        fields[parent] = "on"
    return fields


def problems_at(fields: dict[str, str], path: str) -> list[str]:
    _rules, problems = check_values(fields)
    return [problem.message for problem in problems if problem.path == path]


def test_the_clb_threshold_cannot_exceed_the_legal_five_half_days():
    setting = next(s for s in SETTINGS if s.path == "nudges.problematic_half_days")
    rules, problems = check_values({setting.path: "6"})
    allowed, none = check_values({setting.path: str(CLB_HALF_DAYS)})

    assert (setting.minimum, setting.maximum) == (1, CLB_HALF_DAYS)
    assert setting.legal is not None
    assert rules is None
    assert problems == [
        FieldProblem(
            "nudges.problematic_half_days",
            "6 is too late: the school must involve the CLB from the 5th problematic half-day",
        )
    ]
    assert none == []
    assert allowed is not None
    assert allowed.nudges.problematic_half_days == CLB_HALF_DAYS


@pytest.mark.parametrize("setting", BOUNDED, ids=lambda s: s.path)
def test_a_whole_numbers_limits_are_those_the_rules_enforce(setting: Setting):
    if setting.minimum is not None:
        assert isinstance(setting.minimum, int)
        assert problems_at(with_parent(setting, str(setting.minimum - 1)), setting.path)
        assert not problems_at(with_parent(setting, str(setting.minimum)), setting.path)
    if setting.maximum is not None:
        assert isinstance(setting.maximum, int)
        assert not problems_at(with_parent(setting, str(setting.maximum)), setting.path)
        assert problems_at(with_parent(setting, str(setting.maximum + 1)), setting.path)


@pytest.mark.parametrize(
    ("path", "too_short", "shortest", "longest", "too_long"),
    [
        ("guardian.grace_period", "14m", "15m", "24h", "24h1m"),
        ("delivery.expire_after", "59m", "1h", "48h", "48h1m"),
    ],
)
def test_a_durations_limits_are_those_the_rules_enforce(
    path, too_short, shortest, longest, too_long
):
    setting = next(s for s in SETTINGS if s.path == path)

    assert (setting.minimum, setting.maximum) == (shortest, longest)
    assert problems_at({path: too_short}, path)
    assert not problems_at({path: shortest}, path)
    assert not problems_at({path: longest}, path)
    assert problems_at({path: too_long}, path)


def test_a_file_is_checked_with_the_problems_of_rules_check_each_at_its_setting(tmp_path):
    text = (
        "guardian:\n  grace_period: 2 uur\n  grace_priod: 2h\n"
        "caps:\n  guardian: {per_day: 6, per_week: 5}\n"
        "nudges: {problematic_half_days: 9}\n"
    )
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as file_check:
        load_rules(path)

    rules, problems = check_text(text)

    assert rules is None
    assert [(p.path, p.message) for p in problems] == [
        (p.key, p.message) for p in file_check.value.problems
    ]
    assert {p.path for p in problems} == {
        "guardian.grace_period",
        "guardian.grace_priod",
        "caps.guardian.per_day",
        "nudges.problematic_half_days",
    }


def test_a_syntax_error_is_a_problem_of_the_whole_text_with_its_line():
    rules, problems = check_text("pupil:\n  checkin_at: [10:30\n")

    assert rules is None
    assert len(problems) == 1
    assert problems[0].path is None
    assert problems[0].message.startswith("line ")


def test_valid_text_gives_its_rules():
    rules, problems = check_text(EXAMPLE.read_text(encoding="utf-8"))

    assert problems == []
    assert rules == load_rules(EXAMPLE)


def test_the_form_values_of_rules_give_the_same_rules_back():
    example = load_rules(EXAMPLE)
    values = form_values(example)

    rules, problems = check_values(values)

    assert problems == []
    assert rules is not None
    # The lists (pauses, do-not-contact) are edited apart from the form's fields.
    assert rules.model_copy(update={"pauses": (), "do_not_contact": ()}) == example.model_copy(
        update={"pauses": (), "do_not_contact": ()}
    )
    assert values["caps.teacher"] == "on"
    assert values["caps.coordinator"] == "off"
    assert values["delivery.weekdays"] == "mon,tue,wed,thu,fri"


def test_form_fields_change_settings_on_top_of_the_rules_in_force():
    base = load_rules(EXAMPLE)
    rules, problems = check_values(
        {
            "nudges.patterns.after_holiday": "off",
            "nudges.absent_half_days": "off",
            "hold.school_percent": "30%",
            "codes.Z.guardian": "false",
            "coordinator.digest_at_for": "S001=12:45",
        },
        base,
    )

    assert problems == []
    assert rules is not None
    assert rules.nudges.patterns.after_holiday is None
    assert rules.nudges.absent_half_days is None
    assert rules.hold.school_percent == 30
    assert rules.code("Z").guardian is False
    assert str(rules.coordinator.digest_moment("S001")) == "12:45:00"
    assert rules.coordinator.digest_at == base.coordinator.digest_at  # kept


def test_a_field_that_is_no_setting_or_cannot_be_read_is_a_problem_at_its_name():
    assert check_values({"guardian.grace": "2h"})[1] == [
        FieldProblem("guardian.grace", "not a setting")
    ]
    assert problems_at({"pupil.min_age": "twelve"}, "pupil.min_age") == [
        "'twelve' is not a whole number"
    ]
    assert problems_at({"pupil.checkin_at": "7:00"}, "pupil.checkin_at") == [
        "07:00 is outside the sending hours (08:00 to 20:00)"
    ]


def leaves(data: object, path: str = "") -> set[str]:
    """Every key of the rules that holds a value, dotted (a mapping by staff id is one)."""
    if isinstance(data, dict) and not path.endswith("digest_at_for"):
        return {leaf for key, value in data.items() for leaf in leaves(value, f"{path}.{key}")}
    return {path.lstrip(".")}


def test_every_setting_of_the_rules_is_described_once():
    every_cap = {"per_day": 1, "per_week": 1}
    rules = Rules.model_validate({"caps": {"teacher": every_cap, "coordinator": every_cap}})
    sections = {f"caps.{role}" for role in type(rules.caps).model_fields} | {
        f"nudges.patterns.{name}" for name in type(rules.nudges.patterns).model_fields
    }
    paths = [setting.path for setting in SETTINGS]

    assert len(paths) == len(set(paths))
    assert set(paths) == leaves(rules.model_dump()) | sections


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_english_and_french_translate_every_explanation(lang):
    described = describe(lang, Rules.default())
    dutch = describe("nl")

    assert all(d.explanation != n.explanation for d, n in zip(described, dutch, strict=True))
    assert all(code_label(code, lang) != code_label(code, "nl") for code in CODE_LABELS)
    legal = next(d for d in described if d.legal)
    assert "5" in legal.legal
    assert next(d for d in described if d.setting.path == "pupil.min_age").value == "12"


def test_a_language_without_a_catalog_reads_dutch():
    assert [d.explanation for d in describe("de")] == [s.explanation for s in SETTINGS]


def test_the_catalog_template_holds_exactly_the_forms_texts():
    with (ROOT / "locales" / "rules_form.pot").open("rb") as handle:
        template = {message.id for message in read_po(handle) if message.id}
    texts = {s.explanation for s in SETTINGS} | {s.legal for s in SETTINGS if s.legal}

    assert template == texts | set(CODE_LABELS.values())


def test_rules_from_a_form_are_written_as_a_file_of_what_differs_from_the_defaults():
    example = load_rules(EXAMPLE)
    off, _ = check_values(
        {"nudges.absent_half_days": "off", "nudges.patterns.after_holiday": "off",
         "caps.guardian": "off", "delivery.weekdays": "mon,tue,thu"},
    )  # fmt: skip
    assert off is not None

    text = rules_text(example, "saved by S02\non the desk")
    written = rules_text(off)

    assert text.startswith("# saved by S02\n# on the desk\n")
    assert parse_rules(text) == example
    assert "digest_at: 08:15" in text
    assert "checkin_at" not in text  # a default stays out
    assert parse_rules(written) == off
    assert "absent_half_days: false" in written
    assert "after_holiday: false" in written
    assert "guardian: none" in written
    assert rules_text(Rules.default()) == ""
