"""The ``unreachable`` nudge: the spilfiguur hears once when Telegram refused a message to the
pupil or a guardian because they blocked the bot (issue 5), on the real calendar of November
2026 with the default rules (delivery 08:00-20:00 on school days, expiry after 24 hours).

November 2026 (Wednesday afternoons free)
Mo Tu We Th Fr
16 17 18 19 20
23 24 25 26 27
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import pytest

from bot.engine.facts import PupilFacts, UnreachableFacts
from bot.outbox.records import PlannedOutreach
from tests.helpers.engine import whole_days
from tests.helpers.planner import guardian, local, plan, pupil, rows, staff

C1 = staff("C", 1)
TUESDAY = whole_days("11-17", "B")


def blocked(
    role: str, person: str, at: str, channel: str = "telegram", cause: str = "blocked"
) -> UnreachableFacts:
    """``person`` (``G1``, ``P1``) can no longer be reached on ``channel`` from local time
    ``at`` (Telegram refused a message because of a block, by default)."""
    relation = "moeder" if role == "guardian" else None
    name = "Fatima El Amrani" if role == "guardian" else "Yasmine El Amrani"
    return UnreachableFacts(role, person, local(at), name, relation, channel, cause)  # type: ignore[arg-type]


def kid(
    *people: UnreachableFacts,
    guardians: Sequence[str | None] = (None, "telegram"),
    channel: str | None = "telegram",
    spilfiguur: object = C1,
) -> PupilFacts:
    """Pupil P1 with guardians G1 (unlinked by default) and G2, spilfiguur C1."""
    facts = pupil(
        TUESDAY,
        channel=channel,
        guardians=[guardian(n, channel=c) for n, c in enumerate(guardians, 1)],
        spilfiguur=spilfiguur,  # type: ignore[arg-type]
    )
    return dataclasses.replace(facts, unreachable=tuple(people))


def nudges(planned: Sequence[PlannedOutreach]) -> list[PlannedOutreach]:
    return [item for item in planned if item.payload.get("reason") == "unreachable"]


G1_TUESDAY = blocked("guardian", "G1", "11-17 13:00")
BOUNCED = blocked("guardian", "G1", "11-17 12:30", "email", "bounced")

# (name, facts, now, expected rows of the unreachable nudges)
SCENARIOS: list[tuple[str, PupilFacts, str, list[tuple[str, str, str]]]] = [
    (
        "a guardian blocked: the spilfiguur hears at once",
        kid(G1_TUESDAY),
        "11-17 13:05",
        [("coordinator_nudge", "C1", "11-17 13:00")],
    ),
    (
        "refused twice the same day: one nudge",
        kid(G1_TUESDAY, blocked("guardian", "G1", "11-17 15:00")),
        "11-17 16:00",
        [("coordinator_nudge", "C1", "11-17 13:00")],
    ),
    (
        "refused in the evening: the next school morning",
        kid(blocked("guardian", "G1", "11-20 21:30")),
        "11-21 10:00",
        [("coordinator_nudge", "C1", "11-23 08:00")],
    ),
    (
        "the pupil blocked",
        kid(blocked("pupil", "P1", "11-17 10:30"), channel=None),
        "11-17 11:00",
        [("coordinator_nudge", "C1", "11-17 10:30")],
    ),
    (
        "the guardian has linked a chat again meanwhile: nothing to tell",
        kid(G1_TUESDAY, guardians=("telegram", "telegram")),
        "11-17 13:05",
        [],
    ),
    ("no spilfiguur: nobody to tell", kid(G1_TUESDAY, spilfiguur=None), "11-17 13:05", []),
    (
        "a spilfiguur without a channel",
        kid(G1_TUESDAY, spilfiguur=staff("C", 1, channel=None)),
        "11-17 13:05",
        [],
    ),
    ("expired: not planned again days later", kid(G1_TUESDAY), "11-19 10:00", []),
    (
        "blocked again on another day after linking again: told again",
        kid(G1_TUESDAY, blocked("guardian", "G1", "11-24 09:00")),
        "11-24 09:30",
        [("coordinator_nudge", "C1", "11-24 09:00")],
    ),
    (
        "two people blocked: one nudge each",
        kid(G1_TUESDAY, blocked("pupil", "P1", "11-17 10:30"), channel=None),
        "11-17 13:05",
        [("coordinator_nudge", "C1", "11-17 10:30"), ("coordinator_nudge", "C1", "11-17 13:00")],
    ),
    (
        "an e-mail that bounced, the guardian still on Telegram: told all the same",
        kid(BOUNCED, guardians=("telegram", "telegram")),
        "11-17 13:05",
        [("coordinator_nudge", "C1", "11-17 12:30")],
    ),
    (
        "blocked on Telegram, reached on e-mail now: told all the same",
        kid(G1_TUESDAY, guardians=("email", "telegram")),
        "11-17 13:05",
        [("coordinator_nudge", "C1", "11-17 13:00")],
    ),
    (
        "the same day on two channels: one nudge for each",
        kid(G1_TUESDAY, BOUNCED),
        "11-17 13:05",
        [("coordinator_nudge", "C1", "11-17 12:30"), ("coordinator_nudge", "C1", "11-17 13:00")],
    ),
    (
        "the e-mail address works again (a new one): nothing to tell",
        kid(BOUNCED, guardians=("email", "telegram")),
        "11-17 13:05",
        [],
    ),
]


@pytest.mark.parametrize(
    ("facts", "now", "expected"),
    [case[1:] for case in SCENARIOS],
    ids=[case[0] for case in SCENARIOS],
)
def test_unreachable_nudges(facts: PupilFacts, now: str, expected: list[tuple[str, ...]]) -> None:
    assert rows(nudges(plan(facts, now))) == expected


def test_the_nudge_names_the_person_and_is_keyed_per_person_and_day() -> None:
    [nudge] = nudges(plan(kid(G1_TUESDAY), "11-17 13:05"))
    assert nudge.idempotency_key == (
        "S1:P1:unreachable-guardian-G1-2026-11-17:coordinator_nudge:unreachable:coordinator:C1"
    )
    assert nudge.recipient_role == "coordinator"
    assert nudge.payload["person"] == "Fatima El Amrani"
    assert nudge.payload["relation"] == "moeder"
    assert nudge.payload["date"] == "2026-11-17"
    assert "variant" not in nudge.payload  # the guardian's text: coordinator_nudge.unreachable


def test_a_pupil_gets_the_pupil_s_text() -> None:
    [nudge] = nudges(plan(kid(blocked("pupil", "P1", "11-17 10:30"), channel=None), "11-17 11:00"))
    assert nudge.payload["variant"] == "unreachable_pupil"
    assert nudge.idempotency_key.startswith("S1:P1:unreachable-pupil-P1-2026-11-17:")


def test_the_family_is_planned_as_unreachable_once_unlinked() -> None:
    """The chat is unlinked by the channel: no notice is planned for G1 any more, only for G2,
    and the nudge tells the spilfiguur why."""
    planned = plan(kid(G1_TUESDAY), "11-17 23:00")
    notices = [item for item in planned if item.kind == "guardian_notice"]
    assert [item.idempotency_key.rsplit(":", 1)[1] for item in notices] == ["G2"]
    assert len(nudges(planned)) == 1


def test_the_same_facts_give_the_same_rows() -> None:
    facts = kid(G1_TUESDAY, blocked("pupil", "P1", "11-17 10:30"), channel=None)
    assert plan(facts, "11-17 13:05") == plan(facts, "11-17 19:00")


def test_the_nudge_says_the_channel_and_why_and_telegram_keeps_its_keys() -> None:
    """Telegram's keys are those from before other channels (an upgrade tells nobody twice);
    another channel's name the channel."""
    unsubscribed = blocked("guardian", "G1", "11-17 12:30", "email", "unsubscribed")
    planned = nudges(plan(kid(G1_TUESDAY, unsubscribed), "11-17 13:05"))

    assert [(n.payload["channel"], n.payload["cause"]) for n in planned] == [
        ("email", "unsubscribed"),
        ("telegram", "blocked"),
    ]
    assert [n.idempotency_key.split(":")[2] for n in planned] == [
        "unreachable-guardian-G1-email-2026-11-17",
        "unreachable-guardian-G1-2026-11-17",
    ]
