"""A parent who asks to be called and does not speak Dutch at home: the spilfiguur's nudge
names their language, so that an interpreter can be arranged (issue 13, item 4; pure)."""

from __future__ import annotations

import dataclasses
from datetime import UTC

import pytest

from bot.engine.facts import ReplyFacts, SenderRole
from messages import render_outreach, template_for
from tests.helpers.engine import marks
from tests.helpers.planner import guardian, local, plan, pupil, staff

COORDINATOR = staff("C", 1)


def asks_for_a_call(language: str, *, sender: str | None = "G1") -> list[dict[str, object]]:
    """The payloads of the nudges after guardian G1 (of that language) tapped "call me"."""
    parent = dataclasses.replace(
        guardian(1), language=language, name="Fatima El Amrani", relation="moeder"
    )
    answer = ReplyFacts(
        local("11-17 14:00").astimezone(UTC),
        SenderRole.GUARDIAN,
        "want_a_call",
        "2026-11-17-am",
        sender,
    )
    facts = pupil(
        marks("11-17 am B"),
        guardians=(parent, guardian(2)),
        replies=(answer,),
        spilfiguur=COORDINATOR,
    )
    planned = plan(facts, "11-17 23:00")
    return [
        dict(item.payload)
        for item in planned
        if item.kind == "coordinator_nudge" and item.payload.get("reason") == "asks_to_talk"
    ]


@pytest.mark.parametrize(
    ("language", "variant"),
    [
        ("tr", "call_interpreter"),
        ("ar", "call_interpreter"),
        ("nl", "parent_call"),
        ("nl-BE", "parent_call"),
    ],
)
def test_the_nudge_names_the_language_of_a_parent_who_does_not_speak_dutch(
    language: str, variant: str
) -> None:
    [payload] = asks_for_a_call(language)
    assert payload.get("variant") == variant
    assert payload.get("language") == (language if variant == "call_interpreter" else None)


def test_an_answer_whose_sender_is_not_known_still_says_a_parent_asked() -> None:
    [payload] = asks_for_a_call("tr", sender=None)
    assert payload["variant"] == "parent_call_unnamed"
    assert "language" not in payload


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("nl", "Deze ouder spreekt Turks."),
        ("fr", "Ce parent parle turc."),
        ("en", "This parent speaks Turkish."),
    ],
)
def test_the_spilfiguur_reads_the_language_in_their_own(lang: str, line: str) -> None:
    [payload] = asks_for_a_call("tr")
    assert template_for("coordinator_nudge", payload) == "coordinator_nudge.call_interpreter"
    context = {**payload, "class_name": "2A", "sender": "x", "contact": "x", "school": "x"}
    assert line in render_outreach("coordinator_nudge", lang, context).text
