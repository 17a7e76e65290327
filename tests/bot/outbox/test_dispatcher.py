"""The dispatcher on both backends, with the recording channel and a virtual clock."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from bot.outbox import (
    Channel,
    ChannelRouter,
    DeliveryOutcome,
    Dispatcher,
    Outcome,
    Outgoing,
    RecordingChannel,
    RetryPolicy,
    Status,
    claim,
)
from tests.bot.outbox.support import DAY, item, plan_items, rows, statuses, trail

SECOND = dt.timedelta(seconds=1)
MINUTE = dt.timedelta(minutes=1)

pytestmark = pytest.mark.usefixtures("school")


def sent_keys(channel: RecordingChannel) -> list[str]:
    return [record.message.idempotency_key for record in channel.deliveries]


async def test_due_messages_go_out_earliest_first_and_are_marked_sent(engine, clock):
    now = clock.now()
    ids = await plan_items(
        engine,
        [
            item("b", now - MINUTE),
            item("a", now - 2 * MINUTE),
            item("c", now),
            item("x", now + SECOND),
        ],
        now,
    )
    channel = RecordingChannel(clock)
    dispatcher = Dispatcher(engine, channel, clock, "w1")

    report = await dispatcher.run_once()

    assert sent_keys(channel) == ["a", "b", "c"]
    assert [record.at for record in channel.deliveries] == [now] * 3
    assert report.sent == [ids["a"], ids["b"], ids["c"]]
    assert report.claimed == 3
    stored = await rows(engine)
    assert [stored[key]["status"] for key in "abcx"] == ["sent", "sent", "sent", "planned"]
    assert stored["a"]["sent_at"] == now
    assert stored["a"]["attempts"] == 1
    assert (await dispatcher.run_once()).idle


async def test_temporary_failures_back_off_then_become_a_dead_letter(engine, clock):
    policy = RetryPolicy(max_attempts=4)
    now = clock.now()
    ids = await plan_items(engine, [item("flaky", now)], now)
    channel = RecordingChannel(clock, fail=lambda _: DeliveryOutcome.failed_temporarily("502"))
    dispatcher = Dispatcher(engine, channel, clock, "w1", policy=policy)

    waits = []
    for _ in range(3):
        report = await dispatcher.run_once()
        assert report.retried == [ids["flaky"]]
        retry_at = (await rows(engine))["flaky"]["next_attempt_at"]
        waits.append(retry_at - clock.now())
        clock.set(retry_at)
    report = await dispatcher.run_once()

    assert waits == [policy.delay(n, "flaky") for n in (1, 2, 3)]
    assert waits[0] < waits[1] < waits[2]
    (dead,) = report.dead
    assert (dead.message.id, dead.status, dead.outcome.kind) == (
        ids["flaky"],
        Status.DEAD,
        Outcome.FAILED_TEMPORARILY,
    )
    stored = (await rows(engine))["flaky"]
    assert (stored["status"], stored["attempts"]) == ("dead", 4)
    assert stored["last_error"] == "failed_temporarily: 502 (after 4 attempts)"
    clock.advance(DAY / 2)
    assert (await dispatcher.run_once()).idle
    assert channel.deliveries == []


async def test_the_channel_s_retry_after_is_honoured(engine, clock):
    now = clock.now()
    await plan_items(engine, [item("busy", now)], now)
    answers = [DeliveryOutcome.retry_after(7, "429")]
    channel = RecordingChannel(clock, fail=lambda _: answers.pop() if answers else None)
    dispatcher = Dispatcher(engine, channel, clock, "w1")

    assert (await dispatcher.run_once()).retried
    assert (await rows(engine))["busy"]["next_attempt_at"] == now + 7 * SECOND
    clock.advance(6 * SECOND)
    assert (await dispatcher.run_once()).idle
    clock.advance(SECOND)
    assert (await dispatcher.run_once()).sent
    assert [record.at for record in channel.deliveries] == [now + 7 * SECOND]


@pytest.mark.parametrize(
    "outcome",
    [
        DeliveryOutcome.blocked_by_user(),
        DeliveryOutcome.invalid_recipient("chat not found"),
        DeliveryOutcome.failed_permanently("message too long"),
    ],
)
async def test_a_message_that_cannot_arrive_fails_at_once_and_is_reported(engine, clock, outcome):
    now = clock.now()
    ids = await plan_items(engine, [item("gone", now), item("fine", now, recipient_id=2)], now)
    channel = RecordingChannel(clock, fail=lambda m: outcome if m.recipient_id == 1 else None)
    dispatcher = Dispatcher(engine, channel, clock, "w1")

    report = await dispatcher.run_once()

    (failed,) = report.failed
    assert (failed.message.id, failed.status, failed.outcome) == (ids["gone"], "failed", outcome)
    assert report.sent == [ids["fine"]]
    assert await statuses(engine) == {"gone": "failed", "fine": "sent"}
    assert (await rows(engine))["gone"]["last_error"] == outcome.describe()
    clock.advance(DAY / 2)
    assert (await dispatcher.run_once()).idle


async def test_the_gate_postpones_a_message_to_the_time_it_names(engine, clock):
    now = clock.now()
    quiet_until: dt.datetime = clock.localize(
        clock.today(), 10
    )  # a guardian who asked for 10:00 or later

    async def gate(message: Outgoing, at: dt.datetime) -> dt.datetime | None:
        if message.recipient_role == "guardian" and at < quiet_until:
            return quiet_until
        return None

    ids = await plan_items(
        engine, [item("pupil", now), item("guardian", now, recipient_role="guardian")], now
    )
    channel = RecordingChannel(clock)
    dispatcher = Dispatcher(engine, channel, clock, "w1", gate=gate)

    report = await dispatcher.run_once()
    assert (report.sent, report.postponed) == ([ids["pupil"]], [ids["guardian"]])
    stored = (await rows(engine))["guardian"]
    assert (stored["status"], stored["next_attempt_at"], stored["due_at"]) == (
        "planned",
        quiet_until,
        now,
    )
    assert stored["attempts"] == 0  # postponing is not an attempt

    clock.set(quiet_until - SECOND)
    assert (await dispatcher.run_once()).idle
    clock.set(quiet_until)
    assert (await dispatcher.run_once()).sent == [ids["guardian"]]
    assert sent_keys(channel) == ["pupil", "guardian"]
    assert ("sending", "planned", "postponed to 2026-11-17T09:00:00+00:00") in await trail(
        engine, ids["guardian"]
    )


async def test_the_rate_limiter_is_asked_before_each_send(engine, clock):
    now = clock.now()
    await plan_items(engine, [item(key, now) for key in "abc"], now)
    channel = RecordingChannel(clock)
    asked: list[tuple[str, int]] = []

    async def acquire(message: Outgoing) -> None:
        asked.append((message.idempotency_key, len(channel.deliveries)))

    await Dispatcher(engine, channel, clock, "w1", acquire=acquire).run_once()

    assert asked == [("a", 0), ("b", 1), ("c", 2)]


async def test_a_batch_that_outlives_half_its_lease_hands_the_rest_back(engine, clock):
    now = clock.now()
    ids = await plan_items(engine, [item(key, now) for key in "abcd"], now)
    channel = RecordingChannel(clock)

    async def slow_limiter(message: Outgoing) -> None:
        clock.advance(20 * SECOND)  # waiting for the rate limiter takes time

    dispatcher = Dispatcher(engine, channel, clock, "w1", lease=MINUTE, acquire=slow_limiter)
    report = await dispatcher.run_once()

    assert report.sent == [ids["a"]]  # at +20 s; b would go at +40 s, past half the lease
    assert report.released == [ids["b"], ids["c"], ids["d"]]
    assert await statuses(engine) == {"a": "sent", "b": "planned", "c": "planned", "d": "planned"}
    assert (await rows(engine))["b"]["attempts"] == 0
    assert (await trail(engine, ids["b"]))[-1] == ("sending", "planned", "lease running out")


async def test_a_channel_that_raises_is_a_temporary_failure_and_its_text_is_not_kept(
    engine, clock, caplog
):
    class Broken(Channel):
        async def deliver(self, message: Outgoing) -> DeliveryOutcome:
            raise RuntimeError("Beste ouder van Yasmine, 0470 12 34 56")

    now = clock.now()
    ids = await plan_items(engine, [item("a", now)], now)
    with caplog.at_level(logging.DEBUG, logger="bot.outbox"):
        report = await Dispatcher(engine, Broken(), clock, "w1").run_once()

    assert report.retried == [ids["a"]]
    stored = (await rows(engine))["a"]
    assert (stored["status"], stored["last_error"]) == (
        "planned",
        "failed_temporarily: channel raised RuntimeError",
    )
    assert "Yasmine" not in caplog.text
    assert "0470" not in caplog.text
    assert "RuntimeError" in caplog.text


async def test_the_router_sends_each_row_over_its_own_channel(engine, clock):
    now = clock.now()
    ids = await plan_items(
        engine,
        [item("tg", now), item("mail", now, channel="email"), item("sms", now, channel="sms")],
        now,
    )
    telegram, email = RecordingChannel(clock), RecordingChannel(clock)
    router = ChannelRouter({"telegram": telegram, "email": email})

    report = await Dispatcher(engine, router, clock, "w1").run_once()

    assert (sent_keys(telegram), sent_keys(email)) == (["tg"], ["mail"])
    (failed,) = report.failed
    assert failed.message.id == ids["sms"]
    assert failed.outcome.detail == "no channel 'sms' (configured: email, telegram)"


async def test_a_dead_worker_s_rows_are_recovered_and_sent_by_the_next_run(engine, clock):
    now = clock.now()
    ids = await plan_items(engine, [item("a", now)], now)
    await claim(engine, "ghost", now, limit=1)
    channel = RecordingChannel(clock)
    dispatcher = Dispatcher(engine, channel, clock, "w1", lease=MINUTE)

    assert (await dispatcher.run_once()).idle  # the ghost's lease still runs
    clock.advance(MINUTE)
    report = await dispatcher.run_once()

    assert (report.recovered, report.sent) == ([ids["a"]], [ids["a"]])
    assert sent_keys(channel) == ["a"]


async def test_drain_runs_batch_after_batch_until_nothing_is_due(engine, clock):
    now = clock.now()
    stale = item("stale", now - 2 * DAY, expires=now - DAY)
    await plan_items(engine, [stale, *(item(f"m{n}", now) for n in range(7))], now)
    channel = RecordingChannel(clock)

    report = await Dispatcher(engine, channel, clock, "w1", batch=3).drain()

    assert (len(report.sent), report.claimed, len(report.expired)) == (7, 7, 1)
    assert sent_keys(channel) == [f"m{n}" for n in range(7)]


def test_a_dispatcher_needs_a_batch_and_a_lease(engine, clock):
    channel = RecordingChannel(clock)
    with pytest.raises(ValueError, match="batch"):
        Dispatcher(engine, channel, clock, "w1", batch=0)
    with pytest.raises(ValueError, match="lease"):
        Dispatcher(engine, channel, clock, "w1", lease=dt.timedelta(0))


async def test_a_chat_that_must_wait_does_not_hold_up_the_others(engine, clock):
    """The channel says chat 1 can take its next message only in a second (Telegram's per-chat
    limit): the dispatcher sends to chats 2 and 3 first, then comes back to chat 1."""
    now = clock.now()
    await plan_items(
        engine,
        [
            item("1a", now - 3 * MINUTE, recipient_id=1),
            item("1b", now - 2 * MINUTE, recipient_id=1),
            item("2", now - MINUTE, recipient_id=2),
            item("3", now, recipient_id=3),
        ],
        now,
    )

    class OneASecond(RecordingChannel):
        def ready_in(self, message: Outgoing) -> float:
            seen = {record.message.recipient_id for record in self.deliveries}
            return 1.0 if message.recipient_id in seen else 0.0

    channel = OneASecond(clock)
    router = ChannelRouter({"telegram": channel})

    await Dispatcher(engine, router, clock, "w1").run_once()

    assert sent_keys(channel) == ["1a", "2", "3", "1b"]
