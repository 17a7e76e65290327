"""The template registry: ids, kinds, placeholders and quick-reply keys match the contracts."""

from __future__ import annotations

import pytest

from messages import PLACEHOLDERS, SAMPLE_CONTEXT, TEMPLATES, Audience, get_template, templates_of

# docs/contracts.md: the kinds of `simulate --json`, plus the onboarding texts and the
# acknowledgements of quick replies, which are not separate kinds there.
CONTRACT_KINDS = {
    "pupil_checkin",
    "guardian_notice",
    "guardian_care",
    "guardian_correction",
    "pupil_correction",
    "teacher_welcome",
    "coordinator_nudge",
    "coordinator_digest",
    "hold_alert",
}
OTHER_KINDS = {
    "desk_signin",  # a sign-in link to the desk that a staff member asked for
    "letter",
    "pupil_ack",
    "guardian_ack",
    "onboarding",
    "pupil_return_choice",
    "guardian_return_choice",
    "coordinator_forward",
    "staff_ack",
    "staff_snooze_choice",
    "staff_return_choice",
    "staff_pause_choice",
    "timeline",
    "coordinator_line",  # a reason on one line, for a coordinator's message (issue 14)
    "coordinator_subject",  # what a reminder is about, in a few words
}
PUPIL_KEYS = {"sick", "not_good", "want_to_talk", "rather_not_say", "return", "at_school"}
PERSONAL = {"not_good", "want_to_talk", "free_text"}
"""What a pupil sends that a person reads: its thanks says when."""
GUARDIAN_KEYS = {
    "sick",
    "will_contact_school",
    "want_a_call",
    "return",
    "informed_school",
    "did_not_know",
}
SETTINGS = {
    "language": "onboarding.language_choice",
    "moment": "onboarding.moment_choice",
    **{f"moment:{part}": "onboarding.moment_saved" for part in ("morning", "afternoon", "evening")},
    "moment:any": "onboarding.moment_saved",
}
"""Buttons that change a setting rather than answer about an absence, and what answers them."""
NUDGE_REASONS = {
    "clb_threshold",
    "asks_to_talk",
    "no_answer",
    "pattern",
    "unacknowledged",
    "absent_half_days",
    "unreachable",  # a blocked bot (and rows planned before causes were told)
    "unreachable_pupil",
    "unreachable.bounced",
    "unreachable.unsubscribed",
    "unreachable_pupil.bounced",
    "unreachable_pupil.unsubscribed",
    "check_register",  # a guardian notice held: the pupil says they were at school, or wrote
    "held_notice",  # held: the pupil said it is not going well
    "held_talk",  # held: the pupil asked to talk
    "informed_school",
    "did_not_know",
}


def test_every_kind_of_the_contract_has_templates() -> None:
    kinds = {template.kind for template in TEMPLATES.values()}
    assert kinds == CONTRACT_KINDS | OTHER_KINDS


@pytest.mark.parametrize(
    ("kind", "variants"),
    [
        ("pupil_checkin", {"first", "followup", "welcome_back"}),
        ("guardian_notice", {"first", "soft", "followup", "repeat"}),
        (
            "coordinator_nudge",
            NUDGE_REASONS
            | {"call_interpreter", "parent_call", "parent_call_no_relation", "parent_call_unnamed"},
        ),
        # A person reads these today, or ("later") on the next school day; "at school after
        # all" names the day of the absence when it is not today ("on_date").
        (
            "pupil_ack",
            PUPIL_KEYS
            | {"free_text"}
            | {f"{k}.later" for k in PERSONAL}
            | {"at_school.later", "at_school.on_date", "at_school.on_date.later"},
        ),
        # "general": to a guardian the school may not contact about the child.
        (
            "guardian_ack",
            GUARDIAN_KEYS | {"free_text", "free_text.general", "want_a_call.interpreter"},
        ),
    ],
)
def test_variants(kind: str, variants: set[str]) -> None:
    assert {t.id.split(".", 1)[1] for t in templates_of(kind)} == variants


def test_every_quick_reply_has_an_acknowledgement() -> None:
    for template in TEMPLATES.values():
        for button in template.buttons:
            if template.audience is Audience.PUPIL:
                assert button.key in PUPIL_KEYS, template.id
                get_template(f"pupil_ack.{button.key}")
            elif template.audience is Audience.GUARDIAN and button.key in SETTINGS:
                get_template(SETTINGS[button.key])  # a setting is answered by its own text
            elif template.audience is Audience.GUARDIAN:
                assert button.key in GUARDIAN_KEYS, template.id
                get_template(f"guardian_ack.{button.key}")


def test_placeholders_are_known_and_have_sample_values() -> None:
    for template in TEMPLATES.values():
        assert template.placeholders <= PLACEHOLDERS.keys(), template.id
        assert template.placeholders <= SAMPLE_CONTEXT.keys(), template.id


def test_answers_that_need_a_person_name_help_that_cannot_wait() -> None:
    for key in PERSONAL:
        for template_id in (f"pupil_ack.{key}", f"pupil_ack.{key}.later"):
            needed = get_template(template_id).placeholders
            assert {"helpline", "helpline_phone", "helpline_chat", "emergency"} <= needed


def test_guardian_notices_carry_the_count() -> None:
    for template in templates_of("guardian_notice"):
        assert "missed_half_days" in template.placeholders, template.id


def test_unknown_template_is_named() -> None:
    with pytest.raises(LookupError, match=r"pupil_checkin\.nope"):
        get_template("pupil_checkin.nope")
