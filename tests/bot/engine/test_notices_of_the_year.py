"""Which notice of the school year a guardian notice is (issue 13, item 5): the planner counts
the notices the same guardian had this school year, the renderer then proposes a conversation
instead of repeating the first notice, and gives the tip once (pure: no database)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

import pytest

from bot.engine.facts import SentFacts
from messages import render_outreach, template_for
from tests.helpers.engine import day, marks
from tests.helpers.planner import local, plan, pupil

B_TUESDAY = marks("11-17 am B, 11-17 pm B")
TIP = "Een tip: vraag Yasmine vanavond eens rustig hoe het op school gaat."


def notice(about: str, to: int = 101, at: str | None = None) -> SentFacts:
    """A notice that went out to guardian ``to`` (101 is G1) about the day ``about``."""
    return SentFacts(
        key=f"S1:P1:P1:2026-{about}:guardian_notice:guardian:G{to - 100}",
        kind="guardian_notice",
        recipient_role="guardian",
        recipient_id=to,
        sent_at=local(at or f"{about} 12:30").astimezone(UTC),
        date=day(about),
    )


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        pytest.param((), {"G1": 0, "G2": 0}, id="the first of the year"),
        pytest.param((notice("10-05"),), {"G1": 1, "G2": 0}, id="one earlier, to one guardian"),
        pytest.param(
            (notice("10-05"), notice("10-20"), notice("10-20", 102)),
            {"G1": 2, "G2": 1},
            id="several earlier, per guardian",
        ),
        pytest.param(
            (notice("2026-06-15"),), {"G1": 0, "G2": 0}, id="last school year does not count"
        ),
        pytest.param(
            (notice("11-17"),), {"G1": 0, "G2": 0}, id="its own row, already sent, does not count"
        ),
        pytest.param(
            (notice("10-05", at="11-17 13:00"),),
            {"G1": 0, "G2": 0},
            id="sent after this one is due does not count",
        ),
    ],
)
def test_a_notice_knows_how_many_the_guardian_had_this_school_year(
    sent: Sequence[SentFacts], expected: dict[str, int]
) -> None:
    planned = plan(pupil(B_TUESDAY, sent=sent), "11-17 23:00")
    notices = [item for item in planned if item.kind == "guardian_notice"]
    found = {item.idempotency_key.rsplit(":", 1)[1]: item for item in notices}
    assert {who: item.payload["earlier_notices"] for who, item in found.items()} == expected


@pytest.mark.parametrize(
    ("payload", "template"),
    [
        ({"earlier_notices": 0}, "guardian_notice.first"),
        ({"earlier_notices": 0, "soft": True}, "guardian_notice.soft"),
        ({"earlier_notices": 1}, "guardian_notice.repeat"),
        ({"earlier_notices": 3, "soft": True}, "guardian_notice.repeat"),
        ({"earlier_notices": 2, "variant": "followup"}, "guardian_notice.followup"),
    ],
)
def test_a_later_notice_of_the_year_has_its_own_text(
    payload: dict[str, object], template: str
) -> None:
    assert template_for("guardian_notice", payload) == template


def test_the_second_notice_proposes_a_conversation_and_the_tip_is_given_once() -> None:
    facts = pupil(B_TUESDAY, sent=(notice("10-05"),))
    planned = plan(facts, "11-17 23:00")
    by_guardian = {
        item.idempotency_key.rsplit(":", 1)[1]: item
        for item in planned
        if item.kind == "guardian_notice"
    }
    context = {"school": "Sint-Jozefcollege", "sender": "mevrouw Claes", "contact": "Claes"}
    first = render_outreach("guardian_notice", "nl", {**by_guardian["G2"].payload, **context})
    second = render_outreach("guardian_notice", "nl", {**by_guardian["G1"].payload, **context})
    assert TIP in first.text
    assert TIP not in second.text
    assert "stellen we voor om eens rustig samen te praten" in second.text
    assert "stellen we voor" not in first.text
    assert "tot nu toe 1 schooldag." in second.text  # the count, in school days, in both
    assert "tot nu toe 1 schooldag." in first.text
