"""A channel that cannot send at all for now (Smartschool refused its access code) pauses:
its rows go back to ``planned`` unsent, their attempts as they were, due again when the pause
ends; none turns into a dead letter however long the pause lasts, and a row whose pause would
outlast it expires. Both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.outbox import (
    DeliveryOutcome,
    Dispatcher,
    Outcome,
    Outgoing,
    RecordingChannel,
    RetryPolicy,
    Status,
)
from bot.outbox.policy import decide
from tests.bot.outbox.support import DAY, item, plan_items, rows, trail

MINUTE = dt.timedelta(minutes=1)
PAUSE = 15 * 60

pytestmark = pytest.mark.usefixtures("school")


async def test_a_paused_channel_s_rows_wait_without_counting_an_attempt_then_go(engine, clock):
    now = clock.now()
    ids = await plan_items(engine, [item("a", now), item("b", now, recipient_id=2)], now)
    broken = [True]

    def refused(_message):
        return DeliveryOutcome.channel_paused(PAUSE, "access code refused") if broken[0] else None

    channel = RecordingChannel(clock, fail=refused)
    dispatcher = Dispatcher(engine, channel, clock, "w1", policy=RetryPolicy(max_attempts=2))

    # Far more pauses than the policy allows attempts: nothing dies.
    for _ in range(6):
        report = await dispatcher.run_once()
        assert sorted(report.postponed) == sorted(ids.values())
        assert report.undelivered == []
        assert report.retried == []
        stored = await rows(engine)
        assert {key: (row["status"], row["attempts"]) for key, row in stored.items()} == {
            "a": ("planned", 0),
            "b": ("planned", 0),
        }
        assert stored["a"]["next_attempt_at"] == clock.now() + PAUSE * dt.timedelta(seconds=1)
        clock.advance(PAUSE * dt.timedelta(seconds=1) - MINUTE)
        assert (await dispatcher.run_once()).idle  # not before the pause ends
        clock.advance(MINUTE)

    broken[0] = False  # someone fixed the access code
    report = await dispatcher.run_once()

    assert sorted(report.sent) == sorted(ids.values())
    assert [row["attempts"] for row in (await rows(engine)).values()] == [1, 1]
    assert ("sending", "planned", "channel_paused: access code refused") in [
        tuple(step) for step in await trail(engine, ids["a"])
    ]


async def test_a_pause_that_would_outlast_the_row_expires_it(engine, clock):
    now = clock.now()
    await plan_items(engine, [item("late", now, expires=now + 10 * MINUTE)], now)
    channel = RecordingChannel(
        clock, fail=lambda _: DeliveryOutcome.channel_paused(PAUSE, "access code refused")
    )

    report = await Dispatcher(engine, channel, clock, "w1").run_once()

    assert report.postponed == []
    stored = (await rows(engine))["late"]
    assert stored["status"] == "expired"
    assert "channel_paused: access code refused" in stored["last_error"]


def test_the_policy_plans_a_paused_row_for_the_end_of_the_pause_whatever_its_attempts(clock):
    now = clock.now()
    message = _outgoing(now, attempts=99)
    decision = decide(
        message, DeliveryOutcome.channel_paused(60, "x"), now, RetryPolicy(max_attempts=3)
    )

    assert (decision.status, decision.next_attempt_at) == (Status.PLANNED, now + MINUTE)


def test_a_pause_must_last_a_while():
    with pytest.raises(ValueError, match="positive"):
        DeliveryOutcome.channel_paused(0)
    assert DeliveryOutcome.channel_paused(5, "why").describe() == "channel_paused: why"
    assert DeliveryOutcome.channel_paused(5).kind is Outcome.CHANNEL_PAUSED


def _outgoing(now: dt.datetime, *, attempts: int) -> Outgoing:
    return Outgoing(
        id=1, school_id="s", idempotency_key="k", kind="pupil_checkin", recipient_role="pupil",
        recipient_id=1, channel="smartschool", pupil_id=None, lang="nl", payload={}, text=None,
        due_at=now, expires_at=now + DAY, attempts=attempts, claimed_by="w1", claimed_at=now,
    )  # fmt: skip
