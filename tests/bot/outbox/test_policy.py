"""The failure policy and the backoff, without a database."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.outbox import DeliveryOutcome, Outgoing, RetryPolicy, Status, decide

NOW = dt.datetime(2026, 11, 17, 9, 30, tzinfo=dt.UTC)
SECOND = dt.timedelta(seconds=1)

MESSAGE = Outgoing(
    id=1,
    school_id="school",
    idempotency_key="ep:7:pupil_checkin:pupil:42",
    kind="pupil_checkin",
    recipient_role="pupil",
    recipient_id=42,
    channel="telegram",
    pupil_id=42,
    lang="nl",
    payload={},
    text=None,
    due_at=NOW,
    expires_at=NOW + dt.timedelta(days=1),
    attempts=0,
    claimed_by="w1",
    claimed_at=NOW,
)


def test_the_backoff_doubles_with_jitter_in_the_upper_half():
    policy = RetryPolicy(base=dt.timedelta(seconds=30), factor=2, jitter=0.5)
    for attempt in range(1, 8):
        ceiling = 30 * 2 ** (attempt - 1)
        delay = policy.delay(attempt, MESSAGE.idempotency_key).total_seconds()
        assert ceiling / 2 <= delay <= ceiling


def test_the_backoff_stops_at_the_cap_even_after_very_many_attempts():
    policy = RetryPolicy(cap=dt.timedelta(hours=1), jitter=0)
    assert policy.delay(12, "k") == dt.timedelta(hours=1)
    assert policy.delay(10_000, "k") == dt.timedelta(hours=1)


def test_the_jitter_depends_only_on_the_key_and_the_attempt():
    policy = RetryPolicy()
    assert policy.delay(3, "a") == policy.delay(3, "a") == RetryPolicy().delay(3, "a")
    spread = {policy.delay(3, f"key {n}") for n in range(50)}
    assert len(spread) == 50  # messages of one outage come back at different moments


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"base": dt.timedelta(0)}, "base"),
        ({"cap": dt.timedelta(seconds=1)}, "cap"),
        ({"factor": 0.5}, "factor"),
        ({"jitter": 1.5}, "jitter"),
    ],
)
def test_a_retry_policy_that_makes_no_sense_is_refused(changes, problem):
    with pytest.raises(ValueError, match=problem):
        RetryPolicy(**changes)


@pytest.mark.parametrize(
    ("outcome", "status", "error"),
    [
        (DeliveryOutcome.sent(), Status.SENT, None),
        (DeliveryOutcome.blocked_by_user(), Status.FAILED, "blocked_by_user"),
        (
            DeliveryOutcome.invalid_recipient("chat not found"),
            Status.FAILED,
            "invalid_recipient: chat not found",
        ),
        (DeliveryOutcome.failed_permanently("403"), Status.FAILED, "failed_permanently: 403"),
        (DeliveryOutcome.failed_temporarily("502"), Status.PLANNED, "failed_temporarily: 502"),
        (DeliveryOutcome.retry_after(7, "429"), Status.PLANNED, "retry_after: 429"),
    ],
)
def test_each_outcome_leads_to_its_status(outcome, status, error):
    decision = decide(MESSAGE, outcome, NOW, RetryPolicy())
    assert (decision.status, decision.error) == (status, error)
    assert (decision.next_attempt_at is not None) == (status is Status.PLANNED)


def test_a_temporary_failure_waits_the_backoff_of_its_attempt():
    policy = RetryPolicy()
    third = dataclasses.replace(MESSAGE, attempts=2)
    decision = decide(third, DeliveryOutcome.failed_temporarily(), NOW, policy)
    assert decision.next_attempt_at == NOW + policy.delay(3, MESSAGE.idempotency_key)


def test_the_channel_s_retry_after_is_honoured_over_the_backoff():
    decision = decide(MESSAGE, DeliveryOutcome.retry_after(7), NOW, RetryPolicy())
    assert decision.next_attempt_at == NOW + 7 * SECOND


def test_the_last_allowed_attempt_makes_a_dead_letter():
    policy = RetryPolicy(max_attempts=3)
    second = dataclasses.replace(MESSAGE, attempts=1)
    third = dataclasses.replace(MESSAGE, attempts=2)
    assert decide(second, DeliveryOutcome.retry_after(1), NOW, policy).status is Status.PLANNED
    dead = decide(third, DeliveryOutcome.retry_after(1, "429"), NOW, policy)
    assert (dead.status, dead.error) == (Status.DEAD, "retry_after: 429 (after 3 attempts)")


def test_a_retry_that_would_come_after_expiry_expires_the_message_now():
    soon = dataclasses.replace(MESSAGE, expires_at=NOW + 10 * SECOND)
    assert decide(soon, DeliveryOutcome.retry_after(9), NOW, RetryPolicy()).status is (
        Status.PLANNED
    )
    late = decide(soon, DeliveryOutcome.retry_after(10), NOW, RetryPolicy())
    assert late.status is Status.EXPIRED


def test_a_negative_retry_after_is_a_channel_bug():
    with pytest.raises(ValueError, match="negative"):
        DeliveryOutcome.retry_after(-1)
