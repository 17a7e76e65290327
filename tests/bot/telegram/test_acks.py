"""Which thanks a pupil or a parent gets (issue 13, items 3 and 4): honest about when a person
reads a pupil's words, and an interpreter offered to a parent who does not speak Dutch at home
(pure: the real calendar and the rules' sending hours, no Telegram)."""

from __future__ import annotations

import pytest

from bot.answers.thanks import ack_context, ack_template
from bot.config import HelpLines
from bot.engine.window import Window
from bot.rules import Rules
from messages import render
from scheduler.clock import BRUSSELS
from tests.helpers.engine import CALENDAR
from tests.helpers.planner import local

WINDOW = Window(Rules.default().delivery, CALENDAR, BRUSSELS)


@pytest.mark.parametrize(
    ("at", "read"),
    [
        pytest.param("11-17 10:00", "today", id="a school day, in the sending hours"),
        pytest.param("11-17 19:59", "today", id="just before the sending hours end"),
        pytest.param("11-17 20:00", "later", id="the sending hours are over"),
        pytest.param("11-17 07:30", "later", id="before they begin"),
        pytest.param("11-21 11:00", "later", id="a Saturday"),
        pytest.param("11-11 11:00", "later", id="Armistice Day, no school"),
        pytest.param("12-23 11:00", "later", id="the Christmas holiday"),
    ],
)
@pytest.mark.parametrize("key", ["not_good", "want_to_talk", "free_text"])
def test_a_pupil_hears_honestly_when_a_person_will_read_it(key: str, at: str, read: str) -> None:
    chosen = ack_template("pupil", key, "nl", now=local(at), window=WINDOW)
    assert chosen == (f"pupil_ack.{key}" if read == "today" else f"pupil_ack.{key}.later")
    text = render(chosen, "nl", {"first_name": "Yasmine", **ack_context(HelpLines())}).text
    if read == "today":
        assert "Iemand van de school leest dit vandaag nog." in text
    else:
        assert "Iemand van de school leest dit op de volgende schooldag." in text
    assert "Praat dan meteen met Awel: bel 102 of chat op awel.be." in text
    assert "Ben je in gevaar? Bel 112." in text


@pytest.mark.parametrize("key", ["sick", "rather_not_say", "return"])
def test_other_answers_of_a_pupil_get_their_own_thanks(key: str) -> None:
    assert ack_template("pupil", key, "nl", now=local("11-17 22:00"), window=WINDOW) == (
        f"pupil_ack.{key}"
    )


def test_the_help_that_cannot_wait_comes_from_the_configuration() -> None:
    lines = HelpLines(line="Écoute-Enfants", phone="103", chat="103ecoute.be", emergency="112")
    chosen = ack_template("pupil", "not_good", "fr", now=local("11-17 21:00"), window=WINDOW)
    text = render(chosen, "fr", {"first_name": "Yasmine", **ack_context(lines)}).text
    assert "Écoute-Enfants" in text
    assert "103ecoute.be" in text
    assert "Awel" not in text
    assert "102" not in text


@pytest.mark.parametrize(
    ("lang", "interpreter"),
    [("nl", False), ("nl_BE", False), ("NL", False), ("tr", True), ("ar", True), ("fr", True)],
)
def test_only_a_parent_who_does_not_speak_dutch_hears_of_an_interpreter(
    lang: str, interpreter: bool
) -> None:
    chosen = ack_template("guardian", "want_a_call", lang, now=local("11-17 10:00"), window=WINDOW)
    context = {"first_name": "Yasmine", "sender": "mevrouw Claes (leerlingenbegeleiding)"}
    text = render(chosen, lang, context).text
    assert ("tolk" in text) is interpreter
    assert chosen.endswith(".interpreter") is interpreter
