"""A school's own wording: checked at load, rendered in the reader's language or in Dutch."""

# Turkish words: the dotless i (U+0131) is the point, not a typing slip.
# ruff: noqa: RUF001

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from messages import SAMPLE_CONTEXT, OverrideError, Overrides, parse_overrides, render
from messages._render import DIVIDER, FSI, LRM, PDI, RLM
from tests.helpers.scenario import linked

EXAMPLE = Path(__file__).parents[2] / "docs" / "example"

PUPIL_NL = (
    "Hoi {first_name}, we hebben je vandaag gemist.\n\n"
    "Hoe gaat het met je? Tik op een knop hieronder of stuur ons gewoon een berichtje.\n\n"
    "Groetjes,\n{sender}"
)
PUPIL_FR = "Salut {first_name}, tu nous as manqué aujourd'hui.\n\nÀ bientôt,\n{sender}"
GUARDIAN_NL = (
    "Beste ouder, {first_name} was op {date} niet op school. We horen graag hoe het gaat.\n\n"
    "Voor vragen kunt u altijd terecht bij {contact}."
)
GUARDIAN_TR = (
    "Sayın veli, {first_name} {date} tarihinde okulda değildi. Nasıl olduğunu duymak isteriz."
)
GUARDIAN_AR = "{first_name} لم يكن في المدرسة يوم {date}.\n\nيمكنكم التواصل مع {contact}."

SCHOOL = parse_overrides(
    {
        "pupil_checkin.first": {"nl": PUPIL_NL, "fr": PUPIL_FR},
        "guardian_notice.first": {"nl": GUARDIAN_NL, "tr": GUARDIAN_TR, "ar": GUARDIAN_AR},
    }
)


def _one(texts: Any) -> dict[str, Any]:
    return {"pupil_checkin.first": texts}


KNOWN = "this message knows: {first_name}, {sender}"
BAD: list[tuple[dict[str, Any], str]] = [
    (
        {"pupil_checkin.frist": {"nl": "Hoi"}},
        "messages.pupil_checkin.frist: no message 'pupil_checkin.frist'; did you mean "
        "pupil_checkin.first, pupil_checkin.followup, pupil_ack.free_text?",
    ),
    ({"zzzz": {"nl": "Hoi"}}, "messages.zzzz: no message 'zzzz'"),
    (
        _one({"fr": "Salut"}),
        "messages.pupil_checkin.first: the Dutch text (nl) is required; it is the original "
        "every translation follows",
    ),
    (
        _one({"nl": "Hoi {naam}"}),
        f"messages.pupil_checkin.first.nl: unknown placeholder {{naam}}; {KNOWN}",
    ),
    (
        _one({"nl": "Hoi", "fr": "Salut {date}"}),
        f"messages.pupil_checkin.first.fr: unknown placeholder {{date}}; {KNOWN}",
    ),
    (_one({"nl": "Hoi {}"}), f"messages.pupil_checkin.first.nl: unknown placeholder {{}}; {KNOWN}"),
    *(
        (
            _one({"nl": text}),
            "messages.pupil_checkin.first.nl: a { or } that is not part of a placeholder like "
            "{first_name}; write {{ or }} for a brace in the text",
        )
        for text in ("Hoi {first_name", "Hoi } daar", "Hoi { daar")
    ),
    *(
        (
            _one({"nl": text}),
            "messages.pupil_checkin.first.nl: write {first_name} without a format or conversion",
        )
        for text in ("Hoi {first_name:>10}", "Hoi {first_name!r}")
    ),
    (
        _one({"nl": " \n "}),
        'messages.pupil_checkin.first.nl: empty; leave out [messages."pupil_checkin.first"] to '
        "keep the standard message",
    ),
    (
        _one({"nl": "Hoi", "fr": ""}),
        "messages.pupil_checkin.first.fr: empty; leave out fr and its readers get the school's "
        "Dutch text",
    ),
    (_one({"nl": "x" * 1501}), "messages.pupil_checkin.first.nl: 1501 characters; at most 1500"),
    (
        _one({"nl": "Hoi", "nederlands": "Hoi"}),
        "messages.pupil_checkin.first.nederlands: 'nederlands' is not a language code "
        "(nl, fr, tr, ...)",
    ),
    (
        _one({"nl": "Hoi", "": "Hoi"}),
        "messages.pupil_checkin.first.: '' is not a language code (nl, fr, tr, ...)",
    ),
    (
        _one({"nl": "Hoi", "pt-BR": "Oi", "pt_br": "Olá"}),
        "messages.pupil_checkin.first.pt_br: a second text for pt_BR",
    ),
    (
        _one("Hoi {first_name}"),
        'messages.pupil_checkin.first: expected a table of texts per language (nl = "...")',
    ),
    (_one({"nl": 3}), "messages.pupil_checkin.first.nl: expected text in quotes"),
]


@pytest.mark.parametrize(("table", "message"), BAD)
def test_a_bad_override_is_named_with_its_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(OverrideError) as caught:
        parse_overrides(table)

    assert str(caught.value) == message


def test_a_good_table_is_kept_tidy() -> None:
    overrides = parse_overrides(
        _one({"nl": "\n  Hoi {first_name}!   \n   \nTot {{snel}}.  \n", "PT-br": "Oi"})
    )

    assert overrides.get("pupil_checkin.first") == {
        "nl": "Hoi {first_name}!\n\nTot {{snel}}.",
        "pt_BR": "Oi",
    }
    assert overrides.get("pupil_checkin.followup") is None
    assert overrides
    assert not Overrides()


def test_a_pupil_gets_the_schools_dutch_text_and_the_templates_buttons() -> None:
    standard = render("pupil_checkin.first", "nl", SAMPLE_CONTEXT)

    rendered = render("pupil_checkin.first", "nl", SAMPLE_CONTEXT, overrides=SCHOOL)

    assert rendered.lang == "nl"
    assert rendered.text == (
        "Hoi Yasmine, we hebben je vandaag gemist.\n\n"
        "Hoe gaat het met je? Tik op een knop hieronder of stuur ons gewoon een berichtje.\n\n"
        f"Groetjes,\n{SAMPLE_CONTEXT['sender']}"
    )
    assert rendered.buttons == standard.buttons


def test_a_pupil_gets_the_schools_french_text_and_the_french_buttons() -> None:
    standard = render("pupil_checkin.first", "fr", SAMPLE_CONTEXT)

    rendered = render("pupil_checkin.first", "fr_BE", SAMPLE_CONTEXT, overrides=SCHOOL)

    assert rendered.lang == "fr"
    assert rendered.text.startswith("Salut Yasmine, tu nous as manqué aujourd'hui.\n\nÀ bientôt,")
    assert rendered.buttons == standard.buttons
    assert rendered.buttons[0].label == "Je suis malade"


@pytest.mark.parametrize("lang", ["de", "tr", "sw"])
def test_a_language_without_a_school_text_gets_the_schools_dutch_alone(lang: str) -> None:
    dutch = render("pupil_checkin.first", "nl", SAMPLE_CONTEXT, overrides=SCHOOL)

    rendered = render("pupil_checkin.first", lang, SAMPLE_CONTEXT, overrides=SCHOOL)

    # A German translation of the old wording beside the new Dutch would say something else.
    assert (rendered.lang, rendered.text, rendered.buttons) == ("nl", dutch.text, dutch.buttons)


def test_a_school_text_in_a_language_without_a_catalog_is_not_used() -> None:
    overrides = parse_overrides(_one({"nl": "Hoi {first_name}.", "sw": "Habari {first_name}."}))

    rendered = render("pupil_checkin.first", "sw", SAMPLE_CONTEXT, overrides=overrides)

    # Without the catalog the buttons would be Dutch under a Swahili text.
    assert (rendered.lang, rendered.text) == ("nl", "Hoi Yasmine.")


def test_a_guardian_gets_the_schools_translation_then_the_schools_dutch() -> None:
    standard = render("guardian_notice.first", "tr", SAMPLE_CONTEXT)

    rendered = render("guardian_notice.first", "tr", SAMPLE_CONTEXT, overrides=SCHOOL)

    assert rendered.lang == "tr+nl"
    turkish, dutch = (part.text for part in rendered.parts)
    assert turkish == (
        "Çeviri (Hollandaca metin aşağıdadır):\n\n"
        "Sayın veli, Yasmine 17 Kasım Salı tarihinde okulda değildi. "
        "Nasıl olduğunu duymak isteriz."
    )
    assert dutch == (
        "Beste ouder, Yasmine was op dinsdag 17 november niet op school. "
        "We horen graag hoe het gaat.\n\n"
        f"Voor vragen kunt u altijd terecht bij {SAMPLE_CONTEXT['contact']}."
    )
    assert rendered.text == f"{turkish}\n\n{DIVIDER}\n\n{dutch}"
    assert rendered.buttons == standard.buttons


def test_a_right_to_left_school_text_gets_direction_marks() -> None:
    standard = render("guardian_notice.first", "ar", SAMPLE_CONTEXT)

    rendered = render("guardian_notice.first", "ar", SAMPLE_CONTEXT, overrides=SCHOOL)

    assert rendered.lang == "ar+nl"
    arabic, dutch = (part.text for part in rendered.parts)
    lines = [line for line in arabic.split("\n") if line]
    assert all(line.startswith(RLM) for line in lines)
    assert f"{FSI}Yasmine{PDI}" in arabic
    assert f"{FSI}{SAMPLE_CONTEXT['contact']}{PDI}" in arabic
    assert all(line.startswith(LRM) for line in dutch.split("\n") if line)
    assert dutch.startswith(f"{LRM}Beste ouder, Yasmine was op dinsdag 17 november")
    assert rendered.buttons == standard.buttons


def test_templates_the_school_left_alone_are_unchanged() -> None:
    for lang in ("nl", "fr", "ar"):
        assert render("pupil_checkin.followup", lang, SAMPLE_CONTEXT, overrides=SCHOOL) == (
            render("pupil_checkin.followup", lang, SAMPLE_CONTEXT)
        )


CONFIG = """\
[messages."pupil_checkin.first"]
nl = '''
Hoi {first_name}, we hebben je vandaag gemist.

Alles oké? Tik op een knop hieronder of stuur ons gewoon een berichtje.'''
fr = "Salut {first_name}, tu nous as manqué aujourd'hui."
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "gemist.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_preview_shows_the_schools_text(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--config", str(config), "messages", "preview", "--kind", "pupil_checkin"]

    assert main([*args, "--lang", "fr"]) == 0
    out = capsys.readouterr().out

    assert "=== pupil_checkin.first · leerling · fr (school text) ===" in out
    assert "Salut Yasmine, tu nous as manqué aujourd'hui.\n\n[Je suis malade]" in out
    assert "=== pupil_checkin.followup · leerling · fr ===" in out


def test_a_subject_alone_from_the_configuration_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``[messages."<id>".subject]`` in the file: the school's subject over the standard text."""
    path = tmp_path / "gemist.toml"
    path.write_text(
        '[messages."pupil_checkin.first".subject]\n'
        'nl = "Hoe gaat het, {first_name}?"\n'
        'fr = "Ça va, {first_name}\u00a0?"\n',
        encoding="utf-8",
    )
    args = ["--config", str(path), "messages", "preview", "--kind", "pupil_checkin.first"]
    assert main([*args, "--lang", "fr"]) == 0
    out = capsys.readouterr().out
    assert "=== pupil_checkin.first · leerling · fr (school text) ===" in out
    assert "subject: Ça va, Yasmine\u00a0?" in out
    assert "Salut Yasmine" in out  # the standard French text


@pytest.mark.slow
def test_simulate_carries_the_schools_text(
    config: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    # The example's people with a Telegram chat: the replay delivers only what a channel could.
    roster = linked(EXAMPLE / "roster", tmp_path / "roster")
    args = ["--config", str(config), "simulate", "--roster", str(roster)]
    args += ["--absences", str(EXAMPLE / "absences.csv"), "--json"]

    assert main([*args, "--from", "2026-11-09", "--to", "2026-11-09"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    # Ruben (P0022) is the first pupil the example school misses.
    first = next(m for m in lines if m["kind"] == "pupil_checkin")
    assert (first["recipient_id"], first["lang"]) == ("P0022", "nl")
    assert first["text"] == (
        "Hoi Ruben, we hebben je vandaag gemist.\n\n"
        "Alles oké? Tik op een knop hieronder of stuur ons gewoon een berichtje."
    )
    # His guardian's message is the standard one: the school changed only the pupil's.
    notice = next(m for m in lines if m["kind"] == "guardian_notice")
    assert "Ruben was op maandag 9 november niet op school" in notice["text"]
