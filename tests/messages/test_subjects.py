"""Subjects: every message has a title in every language its readers have, and the school may
write its own."""

from __future__ import annotations

import pytest

from messages import (
    FAMILY_LANGUAGES,
    SAMPLE_CONTEXT,
    STAFF_LANGUAGES,
    TEMPLATES,
    Audience,
    Catalogs,
    OverrideError,
    Template,
    parse_overrides,
    render,
)
from messages._model import fields_of
from messages._render import FSI, PDI, SUBJECT_BOTH_MAX

MAX_SUBJECT = 80  # what a mail program's list shows, as the school's own subjects are held to


def _languages(template: Template) -> tuple[str, ...]:
    """The languages a template's readers have (issue 4): families 19, staff nl, fr and en."""
    if template.audience.is_family or template.audience is Audience.ANYONE:
        return FAMILY_LANGUAGES
    return STAFF_LANGUAGES


CASES = [(template, lang) for template in TEMPLATES.values() for lang in _languages(template)]


def _case_id(case: object) -> str:
    return case.id if isinstance(case, Template) else str(case)


@pytest.mark.parametrize("template", TEMPLATES.values(), ids=_case_id)
def test_every_template_has_a_subject_that_needs_no_new_value(template: Template) -> None:
    assert template.subject.strip(), template.id
    text_fields = {name for msgid in template.text_msgids for name in fields_of(msgid)}
    assert set(fields_of(template.subject)) <= text_fields | template.placeholders
    assert template.subject in template.msgids  # so the catalogs carry it


@pytest.mark.parametrize(("template", "lang"), CASES, ids=_case_id)
def test_subject_in_every_language_of_the_audience(template: Template, lang: str) -> None:
    if lang != "nl":
        loaded = Catalogs().get(lang)
        assert loaded is not None
        assert template.subject in loaded.complete, (template.id, lang)
    rendered = render(template.id, lang, SAMPLE_CONTEXT)
    subject = rendered.subject
    assert subject
    assert subject == subject.strip()
    assert "{" not in subject, (template.id, lang, subject)
    assert "}" not in subject, (template.id, lang, subject)
    assert "\n" not in subject
    assert len(subject) <= MAX_SUBJECT, (template.id, lang, subject)
    # The subject is in the language of the text: the reader's own, never a Dutch stand-in.
    assert rendered.lang.split("+")[0] == lang, (template.id, lang)
    if lang != "nl":
        dutch = render(template.id, "nl", SAMPLE_CONTEXT).subject
        assert not subject.startswith(dutch), (template.id, lang, subject)


def test_a_guardians_subject_has_the_dutch_original_when_both_are_short() -> None:
    rendered = render("guardian_notice.first", "de", SAMPLE_CONTEXT)
    assert rendered.subject == "Eine Frage zu Yasmine / Een vraag over Yasmine"


def test_a_long_pair_keeps_the_guardians_own_words_alone() -> None:
    rendered = render("guardian_correction", "fr", SAMPLE_CONTEXT)
    french = "Toutes nos excuses\u00a0: notre message sur Yasmine était erroné"
    dutch = "Excuses: ons bericht over Yasmine klopte niet"
    assert len(f"{french} / {dutch}") > SUBJECT_BOTH_MAX
    assert rendered.subject == french


def test_a_right_to_left_subject_isolates_the_dutch_original() -> None:
    rendered = render("guardian_ack.sick", "ar", SAMPLE_CONTEXT)
    assert rendered.subject == f"شكرًا على ردّكم / {FSI}Dank u voor uw antwoord{PDI}"


def test_pupils_and_staff_get_their_language_alone() -> None:
    turkish = render("pupil_checkin.first", "tr", SAMPLE_CONTEXT)
    assert turkish.subject == "Seni okulda özledik, Yasmine"
    staff = render("coordinator_nudge.asks_to_talk", "en", SAMPLE_CONTEXT)
    assert staff.subject == "Yasmine (2B): would like to talk to someone"


# The school's own subjects ([messages."<id>".subject], docs/contracts.md).


def test_a_school_subject_replaces_the_standard_one_and_keeps_the_text() -> None:
    overrides = parse_overrides(
        {
            "pupil_checkin.first": {
                "subject": {"nl": "Hoe gaat het, {first_name}?", "fr": "Ça va, {first_name}\u00a0?"}
            }
        }
    )
    dutch = render("pupil_checkin.first", "nl", SAMPLE_CONTEXT, overrides=overrides)
    assert dutch.subject == "Hoe gaat het, Yasmine?"
    assert dutch.text == render("pupil_checkin.first", "nl", SAMPLE_CONTEXT).text
    french = render("pupil_checkin.first", "fr", SAMPLE_CONTEXT, overrides=overrides)
    assert (french.lang, french.subject) == ("fr", "Ça va, Yasmine\u00a0?")
    # A language the school wrote no subject in gets its Dutch one, with the text in German.
    german = render("pupil_checkin.first", "de", SAMPLE_CONTEXT, overrides=overrides)
    assert (german.lang, german.subject) == ("de", "Hoe gaat het, Yasmine?")


def test_a_school_subject_beside_its_own_text() -> None:
    overrides = parse_overrides(
        {
            "guardian_care": {
                "nl": "Beste ouder, hoe gaat het met {first_name}? Laat het ons weten.",
                "subject": {"nl": "Hoe gaat het met {first_name}?"},
            }
        }
    )
    rendered = render("guardian_care", "tr", SAMPLE_CONTEXT, overrides=overrides)
    assert rendered.lang == "nl"  # the school wrote no Turkish text
    assert rendered.subject == "Hoe gaat het met Yasmine?"
    assert rendered.text.startswith("Beste ouder, hoe gaat het met Yasmine?")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"subject": {"fr": "Salut"}}, r"\.subject: the Dutch subject \(nl\) is required"),
        ({"subject": {"nl": "Hoi\n{first_name}"}}, r"\.subject\.nl: a subject is one line"),
        ({"subject": {"nl": "Hoi {naam}"}}, r"\.subject\.nl: unknown placeholder \{naam\}"),
        ({"subject": {"nl": "x" * 81}}, r"\.subject\.nl: 81 characters; at most 80"),
        ({"subject": {"nl": "  "}}, r"\.subject\.nl: empty"),
        ({"subject": "Hoi"}, r"\.subject: expected a table of subjects per language"),
        ({"subject": {"xx-yy-zz": "Hoi"}}, r"\.subject\.xx-yy-zz: 'xx-yy-zz' is not a language"),
        ({"fr": "Salut", "subject": {"nl": "Hoi"}}, r": the Dutch text \(nl\) is required"),
    ],
)
def test_a_school_subject_is_checked_at_load(entry: dict[str, object], message: str) -> None:
    with pytest.raises(OverrideError, match=r"messages\.pupil_checkin\.first" + message):
        parse_overrides({"pupil_checkin.first": entry})


def test_a_subject_may_use_only_what_the_text_uses() -> None:
    """``{date}`` is known to other templates, not to this one."""
    with pytest.raises(OverrideError, match=r"unknown placeholder \{date\}"):
        parse_overrides({"pupil_checkin.first": {"subject": {"nl": "Over {date}"}}})
