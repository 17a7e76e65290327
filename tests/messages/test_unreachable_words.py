"""What the spilfiguur reads when a pupil or a guardian can no longer be reached: what happened
on which channel (a blocked bot, an address that bounced, a request for no more messages) and
what they can do, in every staff language, from the payload the planner really plans.

A row planned before the planner told the channel and the cause still reads as the blocked
Telegram bot it was about.
"""

from __future__ import annotations

from typing import Any, get_args

import pytest

from bot.engine.facts import Cause
from messages import STAFF_LANGUAGES, TEMPLATES, render, render_outreach, template_for
from tests.bot.engine.test_planner_unreachable import blocked, kid, nudges
from tests.helpers.planner import plan

TICK_CONTEXT = {"class_name": "1A", "school": "Sint-Jozefcollege"}

# (channel, cause) -> per language: what happened, and what the spilfiguur can do.
WORDS: dict[tuple[str, str], dict[str, tuple[str, str]]] = {
    ("telegram", "blocked"): {
        "nl": ("via Telegram: de bot werd geblokkeerd", "gemist invite"),
        "fr": ("sur Telegram\xa0: le bot a été bloqué", "gemist invite"),
        "en": ("on Telegram: the bot was blocked", "gemist invite"),
    },
    ("telegram", "unsubscribed"): {
        "nl": ("vroeg om geen berichten meer van Gemist te krijgen via Telegram.", "keuze"),
        "fr": ("a demandé à ne plus recevoir de messages de Gemist via Telegram.", "choix"),
        "en": ("asked for no more messages from Gemist via Telegram.", "choice"),
    },
    ("email", "bounced"): {
        "nl": ("via e-mail: het adres klopt niet of bestaat niet meer", "secretariaat"),
        "fr": ("via e-mail\xa0: l'adresse est erronée ou n'existe plus", "secrétariat"),
        "en": ("via email: the address is wrong or no longer exists", "school office"),
    },
    ("email", "unsubscribed"): {
        "nl": ("vroeg om geen berichten meer van Gemist te krijgen via e-mail.", "keuze"),
        "fr": ("a demandé à ne plus recevoir de messages de Gemist via e-mail.", "choix"),
        "en": ("asked for no more messages from Gemist via email.", "choice"),
    },
    # A channel Gemist has no word for is named as the platform it is.
    ("smartschool", "bounced"): {
        "nl": ("via Smartschool: het adres klopt niet", "secretariaat"),
        "fr": ("via Smartschool\xa0: l'adresse est erronée", "secrétariat"),
        "en": ("via Smartschool: the address is wrong", "school office"),
    },
}
# (channel, cause) -> per language: the line of the daily message, or under another nudge.
LINES: dict[tuple[str, str], dict[str, str]] = {
    ("telegram", "blocked"): {
        "nl": "krijgt geen berichten meer via Telegram",
        "fr": "ne reçoit plus de messages via Telegram",
        "en": "no longer gets messages on Telegram",
    },
    ("telegram", "unsubscribed"): {
        "nl": "vroeg om geen berichten meer via Telegram",
        "fr": "a demandé à ne plus recevoir de messages via Telegram",
        "en": "asked for no more messages via Telegram",
    },
    ("email", "bounced"): {
        "nl": "krijgt geen berichten meer via e-mail: het adres klopt niet of bestaat niet meer",
        "fr": "ne reçoit plus de messages via e-mail\xa0: l'adresse est erronée ou n'existe plus",
        "en": "no longer gets messages via email: the address is wrong or no longer exists",
    },
    ("email", "unsubscribed"): {
        "nl": "vroeg om geen berichten meer via e-mail",
        "fr": "a demandé à ne plus recevoir de messages via e-mail",
        "en": "asked for no more messages via email",
    },
    ("smartschool", "bounced"): {
        "nl": "krijgt geen berichten meer via Smartschool: het adres klopt niet",
        "fr": "ne reçoit plus de messages via Smartschool\xa0: l'adresse est erronée",
        "en": "no longer gets messages via Smartschool: the address is wrong",
    },
}
# The subject names the channel as the text does.
SUBJECT = {"nl": "niet meer bereikbaar", "fr": "plus joignable", "en": "no longer reachable"}
CHANNEL = {"email": {"nl": "e-mail", "fr": "e-mail", "en": "email"}}
# What the pupil's text offers instead of a phone call.
AT_SCHOOL = {"nl": "rustig gesprek op school", "fr": "au calme à l'école", "en": "quiet talk"}
BLOCKED_WORDS = {"nl": "geblokkeerd", "fr": "bloqué", "en": "blocked"}


def planned_payload(role: str, channel: str, cause: str) -> dict[str, Any]:
    """The payload of the unreachable nudge the planner plans, with what the tick adds."""
    person = blocked(role, "P1" if role == "pupil" else "G1", "11-17 12:30", channel, cause)
    facts = kid(person, channel=None) if role == "pupil" else kid(person)
    [nudge] = nudges(plan(facts, "11-17 13:05"))
    return {**TICK_CONTEXT, **nudge.payload}


CASES = [
    (role, channel, cause, lang)
    for role in ("guardian", "pupil")
    for channel, cause in WORDS
    for lang in STAFF_LANGUAGES
]


@pytest.mark.parametrize(("role", "channel", "cause", "lang"), CASES)
def test_the_nudge_says_what_happened_and_what_to_do(
    role: str, channel: str, cause: str, lang: str
) -> None:
    happened, to_do = WORDS[channel, cause][lang]
    rendered = render_outreach("coordinator_nudge", lang, planned_payload(role, channel, cause))

    assert happened in rendered.text
    assert to_do in rendered.text
    assert ("Fatima El Amrani" in rendered.text) == (role == "guardian")
    assert (AT_SCHOOL[lang] in rendered.text) == (role == "pupil")
    if cause != "blocked":
        assert BLOCKED_WORDS[lang] not in rendered.text
    word = CHANNEL.get(channel, {}).get(lang, channel.capitalize())
    assert SUBJECT[lang] in rendered.subject
    assert rendered.subject.endswith(f" {word}")
    if channel != "telegram":
        assert "Telegram" not in rendered.text + rendered.subject


@pytest.mark.parametrize(("role", "channel", "cause", "lang"), CASES)
def test_the_daily_message_and_another_nudge_say_it_on_one_line(
    role: str, channel: str, cause: str, lang: str
) -> None:
    line = planned_payload(role, channel, cause)
    item = {"group": "new", "first_name": "Yasmine", "class_name": "1A", "lines": [line]}
    digest = {"date": "2026-11-17", "items": [item]}
    other = {**TICK_CONTEXT, "reason": "no_answer", "date": "2026-11-17", "also": [line]}
    other |= {"first_name": "Yasmine", "days_without_answer": 3}
    expected = LINES[channel, cause][lang]
    if role == "guardian":
        expected = f"Fatima El Amrani (moeder) {expected}"

    for kind, payload in (("coordinator_digest", digest), ("coordinator_nudge", other)):
        text = render_outreach(kind, lang, payload).text
        assert expected in text, (kind, text)
        if channel != "telegram":
            assert "Telegram" not in text


@pytest.mark.parametrize("variant", ["unreachable", "unreachable_pupil"])
@pytest.mark.parametrize("cause", get_args(Cause))
def test_every_cause_has_its_own_text_for_the_pupil_and_for_a_guardian(
    variant: str, cause: str
) -> None:
    """Without its own template, a pupil's payload would fall back on the guardian's text, or a
    bounce on the blocked bot's: each cause the engine knows is worded for both."""
    payload = {"reason": "unreachable", "cause": cause, "channel": "email"}
    if variant == "unreachable_pupil":
        payload["variant"] = variant
    expected = variant if cause == "blocked" else f"{variant}.{cause}"
    assert template_for("coordinator_nudge", payload) == f"coordinator_nudge.{expected}"
    assert f"coordinator_line.{expected}" in TEMPLATES  # the daily message's line


@pytest.mark.parametrize("lang", STAFF_LANGUAGES)
@pytest.mark.parametrize("variant", ["unreachable", "unreachable_pupil"])
def test_a_row_planned_before_the_upgrade_reads_as_the_blocked_bot(variant: str, lang: str) -> None:
    """Rows in the outbox from before channels and causes were told have neither."""
    old = {**TICK_CONTEXT, "reason": "unreachable", "date": "2026-11-17", "first_name": "Yasmine"}
    old |= {"person": "Fatima El Amrani", "relation": "moeder"}
    if variant == "unreachable_pupil":
        old["variant"] = variant

    rendered = render_outreach("coordinator_nudge", lang, old)

    assert rendered == render(f"coordinator_nudge.{variant}", lang, old)
    assert WORDS["telegram", "blocked"][lang][0] in rendered.text
    line = LINES["telegram", "blocked"][lang]
    if variant == "unreachable":
        line = f"Fatima El Amrani (moeder) {line}"
    item = {"group": "new", "first_name": "Yasmine", "lines": [old]}
    assert line in render_outreach("coordinator_digest", lang, {**old, "items": [item]}).text
