"""A Dutch-speaking parent who asks to be called: the spilfiguur's nudge says that the parent
asked, and which one, so that they phone the parent instead of writing to the child; the
pupil's own wish to talk keeps its text (pure: no database)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import UTC
from typing import Any

import pytest

from bot.engine.attention import line
from bot.engine.facts import GuardianFacts, ReplyFacts, SenderRole, SentFacts
from messages import render_outreach, template_for
from tests.helpers.engine import whole_days
from tests.helpers.planner import guardian, local, plan, pupil, staff

COORDINATOR = staff("C", 1)
EPISODE = "2026-11-17-am"
KATRIEN = dataclasses.replace(guardian(1), name="Katrien Peeters", relation="moeder")
CONTEXT = {"first_name": "Lotte", "class_name": "3B", "sender": "x", "contact": "x", "school": "x"}


def answer(role: SenderRole, key: str, at: str, sender: str | None) -> ReplyFacts:
    return ReplyFacts(local(f"11-17 {at}").astimezone(UTC), role, key, EPISODE, sender)


def talks(*replies: ReplyFacts, parent: GuardianFacts = KATRIEN) -> list[dict[str, Any]]:
    """The payloads of the coordinator's messages of 17 November that say an asks-to-talk."""
    facts = pupil(
        whole_days("11-17"),
        guardians=(parent, guardian(2)),
        replies=replies,
        spilfiguur=COORDINATOR,
    )
    return [
        dict(item.payload)
        for item in plan(facts, "11-17 23:00")
        if item.kind == "coordinator_nudge" and item.payload.get("reason") == "asks_to_talk"
    ]


def calls(parent: GuardianFacts = KATRIEN, sender: str | None = "G1") -> dict[str, Any]:
    [payload] = talks(answer(SenderRole.GUARDIAN, "want_a_call", "14:00", sender), parent=parent)
    return payload


def text(payload: Mapping[str, Any], lang: str) -> str:
    return render_outreach("coordinator_nudge", lang, {**payload, **CONTEXT}).text


def test_a_dutch_speaking_parent_is_named_with_their_tie_to_the_pupil() -> None:
    payload = calls()
    assert payload["variant"] == "parent_call"
    assert (payload["person"], payload["relation"]) == ("Katrien Peeters", "moeder")
    assert "language" not in payload
    assert template_for("coordinator_nudge", payload) == "coordinator_nudge.parent_call"


def test_a_parent_of_another_language_still_gets_the_interpreter_nudge() -> None:
    payload = calls(dataclasses.replace(KATRIEN, language="ar"))
    assert (payload["variant"], payload["language"]) == ("call_interpreter", "ar")


def test_a_parent_without_a_relation_in_the_roster_is_named_alone() -> None:
    payload = calls(dataclasses.replace(KATRIEN, relation=None))
    assert payload["variant"] == "parent_call_no_relation"
    assert payload["person"] == "Katrien Peeters"
    assert "relation" not in payload


def test_a_parent_no_longer_in_the_roster_is_still_a_parent() -> None:
    payload = calls(sender="G9")
    assert payload["variant"] == "parent_call_unnamed"
    assert "person" not in payload


def test_the_pupils_own_wish_to_talk_keeps_the_plain_nudge() -> None:
    [payload] = talks(answer(SenderRole.PUPIL, "want_to_talk", "11:00", None))
    assert "variant" not in payload
    assert template_for("coordinator_nudge", payload) == "coordinator_nudge.asks_to_talk"
    assert text(payload, "nl").startswith("Lotte (3B) wil graag met iemand praten")


@pytest.mark.parametrize(
    ("lang", "opening", "told"),
    [
        (
            "nl",
            "Katrien Peeters (moeder van Lotte, 3B) vraagt om gebeld te worden (bericht van "
            "dinsdag 17 november).",
            "We hebben de ouder gezegd dat jij zo snel mogelijk belt",
        ),
        (
            "fr",
            "Katrien Peeters (moeder de Lotte, 3B) demande qu'on l'appelle (message du "
            "mardi 17 novembre).",
            "Nous avons dit au parent que vous l'appellerez dès que possible",
        ),
        (
            "en",
            "Katrien Peeters (moeder of Lotte, 3B) asks to be called (message of "
            "Tuesday 17 November).",
            "We told the parent that you will call them as soon as you can",
        ),
    ],
)
def test_the_spilfiguur_reads_that_the_parent_asked_for_a_call(
    lang: str, opening: str, told: str
) -> None:
    said = text(calls(), lang)
    assert said.startswith(opening)
    assert told in said
    # The pupil's text would have them write to the child.
    plain = text({**calls(), "variant": None}, lang)
    assert plain.split("\n")[0] not in said


@pytest.mark.parametrize(
    ("variant", "nl", "en"),
    [
        (
            "parent_call_no_relation",
            "Katrien Peeters, een ouder van Lotte (3B), vraagt om gebeld te worden",
            "Katrien Peeters, a parent of Lotte (3B), asks to be called",
        ),
        (
            "parent_call_unnamed",
            "Een ouder van Lotte (3B) vraagt om gebeld te worden",
            "A parent of Lotte (3B) asks to be called",
        ),
    ],
)
def test_the_other_parent_call_texts(variant: str, nl: str, en: str) -> None:
    payload = {**calls(), "variant": variant}
    assert text(payload, "nl").startswith(nl)
    assert text(payload, "en").startswith(en)


def test_no_phone_number_travels_in_the_nudge() -> None:
    payload = calls()
    assert not {"phone", "telephone", "number"} & payload.keys()
    assert "Het telefoonnummer staat in de gegevens van de school." in text(payload, "nl")


def test_a_message_that_says_both_tells_the_pupil_from_the_parent() -> None:
    """The pupil asks to talk and the mother asks for a call the same evening: one message the
    next morning, whose lines do not make the mother's call the child's wish."""
    [message] = talks(
        answer(SenderRole.PUPIL, "want_to_talk", "21:00", None),
        answer(SenderRole.GUARDIAN, "want_a_call", "21:05", "G1"),
    )
    said = text(message, "nl")
    assert said.startswith("Lotte (3B) wil graag met iemand praten")
    assert "• Katrien Peeters (moeder) vraagt om gebeld te worden (bericht van" in said


@pytest.mark.parametrize(
    ("lang", "bullet"),
    [
        ("nl", "• Lotte (3B): Katrien Peeters (moeder) vraagt om gebeld te worden (bericht van"),
        ("fr", "• Lotte (3B)\u00a0: Katrien Peeters (moeder) demande qu'on l'appelle (message du"),
        ("en", "• Lotte (3B): Katrien Peeters (moeder) asks to be called (message of"),
    ],
)
def test_the_daily_message_names_the_parent_who_asked(lang: str, bullet: str) -> None:
    item = {"first_name": "Lotte", "class_name": "3B", "group": "you", "lines": [line(calls())]}
    digest = {"date": "2026-11-18", "items": [item]}
    said = render_outreach("coordinator_digest", lang, {**CONTEXT, **digest}).text
    assert bullet in said


@pytest.mark.parametrize(
    ("lang", "reminded"),
    [
        ("nl", "nog open sinds dinsdag 17 november: een ouder vraagt om gebeld te worden"),
        ("fr", "ouvert depuis le mardi 17 novembre\u00a0: un parent demande à être appelé"),
        ("en", "still open since Tuesday 17 November: a parent asks to be called"),
    ],
)
def test_a_reminder_of_the_call_says_a_parent_asked(lang: str, reminded: str) -> None:
    """Nobody marked the nudge as seen: the reminder's line in the daily message still says
    that a parent asked for the call (the plain reason would read "wil praten")."""
    facts = pupil(whole_days("11-17"), guardians=(KATRIEN,), spilfiguur=COORDINATOR)
    went_out = SentFacts(
        key="2026-11-17-am:20261117T130000Z-guardian",
        kind="coordinator_nudge",
        recipient_role="staff",
        recipient_id=COORDINATOR.id,
        sent_at=local("11-17 14:00").astimezone(UTC),
        date=local("11-17 14:00").date(),
        reason="asks_to_talk",
        variant="parent_call",
    )
    [reminder] = [
        item
        for item in plan(dataclasses.replace(facts, sent=(went_out,)), "11-19 23:00")
        if item.payload.get("reason") == "unacknowledged"
    ]
    assert reminder.payload["about_variant"] == "parent_call"
    item = {"first_name": "Lotte", "class_name": "3B", "group": "you"}
    digest = {"date": "2026-11-20", "items": [{**item, "lines": [line(reminder.payload)]}]}
    said = render_outreach("coordinator_digest", lang, {**CONTEXT, **digest}).text
    assert said.endswith(reminded)
