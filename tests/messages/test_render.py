"""Rendering: the language chain, the language law, Babel formatting, right-to-left."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from messages import SAMPLE_CONTEXT, Catalogs, day_label, get_template, render
from messages._render import FSI, LRM, PDI, RLM, TRANSLATION_LABEL


def _catalog(root: Path, lang: str, entries: dict[str, str], *, fuzzy: bool = False) -> Catalogs:
    """A catalog folder with only ``entries`` translated, to test partial translations."""
    catalog = Catalog(locale=lang, domain="gemist")
    for msgid, string in entries.items():
        catalog.add(msgid, string, flags=("fuzzy",) if fuzzy else ())
    folder = root / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "gemist.po").open("wb") as file:
        write_po(file, catalog)
    return Catalogs(root)


# Arabic, written for these tests only: one pupil template, one guardian template (texts and
# subjects) and the label.
ARABIC = {
    "Dank je om het te laten weten, {first_name}. Beterschap, rust goed uit!": (
        "شكرًا لأنك أخبرتنا يا {first_name}. نتمنى لك الشفاء العاجل!"
    ),
    "Heb je iets nodig, zoals hulp met de lessen die je mist? Stuur ons gerust een berichtje.": (
        "هل من شيء نقدمه لك، مثل المساعدة في الدروس؟ يمكنك مراسلتنا."
    ),
    "Dank u. We horen graag van u. U kunt terecht bij {contact}.": (
        "شكرًا لكم. يسعدنا أن نسمع منكم. يمكنكم التواصل مع {contact}."
    ),
    "Hebt u intussen een vraag? Antwoord gerust op dit bericht.": (
        "هل لديكم سؤال في هذه الأثناء؟ يمكنكم الرد على هذه الرسالة."
    ),
    TRANSLATION_LABEL: "ترجمة (النص الهولندي الأصلي أدناه):",
    # The subjects: a template is translated when its subject is too.
    "Dank je, {first_name}": "شكرًا يا {first_name}",
    "Dank u voor uw antwoord": "شكرًا على ردّكم",
}


def test_dutch_is_the_source() -> None:
    rendered = render("pupil_checkin.first", "nl", SAMPLE_CONTEXT)
    assert rendered.lang == "nl"
    assert rendered.text.startswith("Hoi Yasmine, we hebben je vandaag gemist op school.")
    assert [b.key for b in rendered.buttons] == [
        "sick",
        "not_good",
        "want_to_talk",
        "rather_not_say",
        "at_school",
    ]


@pytest.mark.parametrize(("asked", "lang"), [("fr_BE", "fr"), ("fr-be", "fr"), ("EN", "en")])
def test_regional_codes_fall_back_to_the_language(asked: str, lang: str) -> None:
    assert render("pupil_checkin.first", asked, SAMPLE_CONTEXT).lang == lang


@pytest.mark.parametrize("lang", ["sw", "hy", "xx", ""])  # no catalogs (yet)
def test_missing_languages_fall_back_wholly_to_dutch(lang: str) -> None:
    rendered = render("pupil_checkin.first", lang, SAMPLE_CONTEXT)
    assert rendered == render("pupil_checkin.first", "nl", SAMPLE_CONTEXT)


def test_a_partly_translated_template_is_never_mixed(tmp_path: Path) -> None:
    # Only the first paragraph of the check-in is translated: the whole message stays Dutch.
    first = "Hoi {first_name}, we hebben je vandaag gemist op school."
    catalogs = _catalog(tmp_path, "de", {first: "Hallo {first_name}, du hast uns heute gefehlt."})
    rendered = render("pupil_checkin.first", "de", SAMPLE_CONTEXT, catalogs=catalogs)
    assert rendered.lang == "nl"
    assert "Hallo" not in rendered.text


def test_fuzzy_translations_do_not_count(tmp_path: Path) -> None:
    catalogs = _catalog(tmp_path, "ar", ARABIC, fuzzy=True)
    assert render("pupil_ack.sick", "ar", SAMPLE_CONTEXT, catalogs=catalogs).lang == "nl"


def test_a_broken_translation_falls_back_to_dutch(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = dict(ARABIC)
    broken["Dank je om het te laten weten, {first_name}. Beterschap, rust goed uit!"] = "{voornaam}"
    catalogs = _catalog(tmp_path, "ar", broken)
    with caplog.at_level(logging.WARNING):
        rendered = render("pupil_ack.sick", "ar", SAMPLE_CONTEXT, catalogs=catalogs)
    assert rendered.lang == "nl"
    assert "broken" in caplog.text


def test_guardian_message_follows_the_language_law() -> None:
    rendered = render("guardian_notice.first", "fr", SAMPLE_CONTEXT)
    assert rendered.lang == "fr+nl"
    french, dutch = rendered.parts
    assert (french.lang, dutch.lang) == ("fr", "nl")
    assert french.text.startswith("Traduction (le texte néerlandais se trouve plus bas)\u00a0:")
    assert dutch.text == render("guardian_notice.first", "nl", SAMPLE_CONTEXT).text
    assert rendered.text.index(french.text) < rendered.text.index(dutch.text)


def test_buttons_are_in_the_readers_language_only() -> None:
    """A button is something to tap: one language on it, the reader's. The Dutch original of
    the words stays in the message's Dutch half."""
    french = render("guardian_notice.first", "fr", SAMPLE_CONTEXT)
    assert [b.label for b in french.buttons][:2] == [
        "Mon enfant est malade",
        "Je contacte l'école",
    ]
    assert all("Mijn kind" not in b.label and " / " not in b.label for b in french.buttons)
    arabic = render("guardian_notice.first", "ar", SAMPLE_CONTEXT)
    assert all(b.label.startswith(RLM) and FSI not in b.label for b in arabic.buttons)
    dutch = render("guardian_notice.first", "nl", SAMPLE_CONTEXT)
    assert [b.key for b in french.buttons] == [b.key for b in dutch.buttons]


def test_the_translation_has_the_same_paragraphs_as_the_dutch() -> None:
    """Nothing in the translation that the Dutch lacks: paragraph for paragraph."""
    for lang in ("en", "fr"):
        rendered = render("guardian_notice.followup", lang, SAMPLE_CONTEXT)
        translated, dutch = (part.text.split("\n\n") for part in rendered.parts)
        assert len(translated) == len(dutch) + 1  # the label


def test_dutch_speaking_guardians_get_dutch_alone() -> None:
    rendered = render("guardian_notice.first", "nl", SAMPLE_CONTEXT)
    assert rendered.lang == "nl"
    assert "Vertaling" not in rendered.text
    assert len(rendered.parts) == 1


def test_pupils_and_staff_get_their_language_alone() -> None:
    assert render("pupil_checkin.first", "fr", SAMPLE_CONTEXT).lang == "fr"
    assert render("teacher_welcome", "en", SAMPLE_CONTEXT).lang == "en"


def test_dates_weekdays_and_numbers_in_the_readers_language() -> None:
    context = {**SAMPLE_CONTEXT, "date": date(2026, 11, 17), "held_messages": 1234}
    assert "dinsdag 17 november" in render("hold_alert", "nl", context).text
    assert "1.234 berichten wachten." in render("hold_alert", "nl", context).text
    assert "Tuesday 17 November" in render("hold_alert", "en", context).text
    assert "1,234 messages" in render("hold_alert", "en", context).text
    french = render("hold_alert", "fr", context).text
    assert "mardi 17 novembre" in french
    # Each language's own order and words around the day (Babel's full date, without the year).
    sample = {**SAMPLE_CONTEXT, "date": date(2026, 11, 17)}
    for lang, shown in [
        ("de", "Dienstag, 17. November"),
        ("es", "martes 17 de noviembre"),
        ("pt", "terça-feira 17 de novembro"),
        ("tr", "17 Kas\u0131m Sal\u0131"),
    ]:
        assert shown in render("guardian_notice.first", lang, sample).text, lang
    assert "1\u202f234 messages" in french


@pytest.mark.parametrize(
    ("lang", "template", "shown", "weekday"),
    [
        ("ru", "guardian_notice.first", "не был в школе (17 ноября)", "вторник"),
        ("ru", "guardian_correction", "был в школе (17 ноября)", "вторник"),
        ("bg", "guardian_notice.followup", "не е на училище от 17 ноември", "вторник"),  # noqa: RUF001
        ("bg", "guardian_correction", "било на училище (17 ноември)", "вторник"),
    ],
)
def test_russian_and_bulgarian_dates_in_a_sentence_are_the_day_and_the_month(
    lang: str, template: str, shown: str, weekday: str
) -> None:
    """After a preposition or in brackets a weekday would be a nominative that reads wrong:
    the day and the month alone, in the case the sentence gives them."""
    tuesday = {**SAMPLE_CONTEXT, "date": date(2026, 11, 17)}
    text = render(template, lang, tuesday).parts[0].text
    assert shown in text
    assert weekday not in text


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("ru", "вторник, 17 ноября"), ("bg", "вторник, 17 ноември"), ("pl", "wtorek, 17 listopada")],
)
def test_a_return_day_on_a_button_keeps_its_weekday(lang: str, shown: str) -> None:
    assert day_label("guardian_return_choice", lang, date(2026, 11, 17)) == shown


def test_pashto_dates_read_as_the_reviewer_asked() -> None:
    # CLDR's Saturday in dates, "اونۍ", means "week" to an Afghan reader; the stand-alone
    # weekday "شنبه" is the one people use. The ordinal "مه" follows the day of the month.
    saturday = {**SAMPLE_CONTEXT, "date": date(2026, 11, 14)}
    text = render("guardian_notice.first", "ps", saturday).text
    assert "شنبه، د نومبر 14مه" in text  # noqa: RUF001
    assert "اونۍ" not in text
    tuesday = {**SAMPLE_CONTEXT, "date": date(2026, 11, 17)}
    assert "سه شنبه، د نومبر 17مه" in render("guardian_notice.first", "ps", tuesday).text  # noqa: RUF001


@pytest.mark.parametrize(
    ("lang", "half_days", "expected"),
    [
        ("nl", 7, "tot nu toe 3,5 schooldagen."),
        ("nl", 1, "tot nu toe een halve schooldag."),
        ("nl", 2, "tot nu toe 1 schooldag."),
        ("nl", 4, "tot nu toe 2 schooldagen."),
        ("nl", 2001, "tot nu toe 1.000,5 schooldagen."),
        ("en", 7, "has missed 3.5 school days."),
        ("en", 2, "has missed 1 school day."),
        ("fr", 7, "jusqu'à présent 3,5 jours d'école."),
        ("fr", 2, "jusqu'à présent 1 jour d'école."),
        ("fr", 1, "jusqu'à présent une demi-journée d'école."),
        ("fr", 3, "jusqu'à présent 1,5 jour d'école."),
        ("fr", 5, "jusqu'à présent 2,5 jours d'école."),
        ("nl", 3, "tot nu toe 1,5 schooldagen."),
        ("pt", 3, "já faltou 1,5 dias de aulas."),
        ("ar", 7, "3.5\u2069 يوم دراسي."),
        ("ar", 6, "3\u2069 أيام دراسية."),
        ("pl", 7, "3,5 dnia szkolnego nieobecności."),
        ("pl", 4, "2 dni szkolne nieobecności."),
        ("pl", 10, "5 dni szkolnych nieobecności."),
    ],
)
def test_counts_are_in_school_days_in_the_readers_numbers(
    lang: str, half_days: int, expected: str
) -> None:
    """Half-days become school days (7 are 3,5), written with the reader's decimal sign,
    and the words agree with the number, a number with a half too."""
    context = {**SAMPLE_CONTEXT, "missed_half_days": half_days}
    assert expected in render("guardian_notice.first", lang, context).parts[0].text


def test_right_to_left_text_is_marked(tmp_path: Path) -> None:
    catalogs = _catalog(tmp_path, "ar", ARABIC)
    pupil = render("pupil_ack.sick", "ar", SAMPLE_CONTEXT, catalogs=catalogs)
    assert pupil.lang == "ar"
    assert all(line.startswith(RLM) for line in pupil.text.split("\n") if line)
    assert f"{FSI}Yasmine{PDI}" in pupil.text  # a Latin name inside Arabic is isolated

    guardian = render("guardian_ack.will_contact_school", "ar", SAMPLE_CONTEXT, catalogs=catalogs)
    assert guardian.lang == "ar+nl"
    arabic, dutch = guardian.parts
    assert arabic.text.startswith(f"{RLM}ترجمة")
    assert all(line.startswith(LRM) for line in dutch.text.split("\n") if line)


def test_missing_values_are_named() -> None:
    context = dict(SAMPLE_CONTEXT)
    del context["missed_half_days"]
    with pytest.raises(ValueError, match=r"guardian_notice\.first.*missed_half_days"):
        render("guardian_notice.first", "nl", context)


def test_mistyped_values_are_named() -> None:
    with pytest.raises(ValueError, match="missed_half_days must be a whole number"):
        render("guardian_notice.first", "nl", {**SAMPLE_CONTEXT, "missed_half_days": "7"})
    with pytest.raises(ValueError, match="date must be a date"):
        render("guardian_notice.first", "fr", {**SAMPLE_CONTEXT, "date": "2026-11-17"})


def test_unknown_template() -> None:
    with pytest.raises(LookupError, match="nope"):
        render("nope", "nl", SAMPLE_CONTEXT)
    assert get_template("hold_alert").kind == "hold_alert"


@pytest.mark.parametrize("lang", ["ar", "fa", "ps"])
def test_a_command_in_right_to_left_text_keeps_its_slash_in_front(lang) -> None:
    text = render("onboarding.welcome_pupil", lang, SAMPLE_CONTEXT).text

    assert "\u2068/stop\u2069" in text  # isolated: read left to right inside the Arabic line


def test_a_command_in_left_to_right_text_is_left_as_it_is() -> None:
    text = render("onboarding.welcome_pupil", "fr", SAMPLE_CONTEXT).text

    assert "/stop" in text
    assert "\u2068" not in text


def test_a_signers_role_is_translated_with_the_message() -> None:
    """The spilfiguur's role is said in the reader's words; the Dutch original keeps Dutch."""
    polish = render("guardian_notice.first", "pl", SAMPLE_CONTEXT)
    translated, dutch = polish.parts
    assert "mevrouw Claes (wsparcie uczniów w szkole)" in translated.text
    assert "leerlingenbegeleiding" not in translated.text
    assert "mevrouw Claes (leerlingenbegeleiding)" in dutch.text
    unknown = {**SAMPLE_CONTEXT, "sender": "Sint-Jozefcollege (secretariaat)"}
    assert "Sint-Jozefcollege (secretariaat)" in render("guardian_notice.first", "pl", unknown).text


def test_every_role_a_message_is_signed_with_can_be_translated() -> None:
    from bot.planning.facts_db import ROLE_LABELS
    from messages._placeholders import SIGNER_ROLES

    assert set(ROLE_LABELS.values()) <= SIGNER_ROLES
