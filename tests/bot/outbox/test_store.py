"""The outbox store on both backends: planning, claiming, expiry, cancelling, leases, audit."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import replace

import pytest
import sqlalchemy as sa

from bot.db import connect
from bot.outbox import DeliveryOutcome, RetryPolicy, Status, cancel, claim, complete, recover
from bot.outbox.tables import OUTREACH
from tests.bot.outbox.support import DAY, item, plan_items, rows, statuses, trail
from tests.helpers.seed import seed_pupils

MINUTE = dt.timedelta(minutes=1)
LEASE = dt.timedelta(minutes=5)
POLICY = RetryPolicy()

pytestmark = pytest.mark.usefixtures("school")


async def test_planning_the_same_key_again_stores_nothing_new(engine, clock):
    now = clock.now()
    first = await plan_items(engine, [item("a", now), item("b", now)], now)
    again = await plan_items(engine, [item("b", now), item("c", now), item("c", now)], now)

    assert sorted(first) == ["a", "b"]
    assert list(again) == ["c"]
    stored = await rows(engine)
    assert sorted(stored) == ["a", "b", "c"]
    assert stored["a"]["next_attempt_at"] == now
    assert stored["a"]["payload"] == {"first_name": "Yasmine", "count": 3}
    assert await trail(engine, again["c"]) == [(None, "planned", None)]
    assert await trail(engine, first["b"]) == [(None, "planned", None)]  # the same proposal


async def test_a_planned_row_follows_what_is_proposed_now(engine, clock):
    now = clock.now()
    ids = await plan_items(engine, [item("moved", now), item("gentler", now)], now)
    gentler = replace(item("gentler", now), payload={"first_name": "Yasmine", "soft": True})

    again = await plan_items(engine, [item("moved", now + DAY), gentler], now + MINUTE)

    assert again == {}  # nothing new: two rows brought up to date
    stored = await rows(engine)
    assert stored["moved"]["due_at"] == now + DAY
    assert stored["moved"]["next_attempt_at"] == now + DAY
    assert stored["moved"]["expires_at"] == now + 2 * DAY
    assert stored["gentler"]["payload"] == {"first_name": "Yasmine", "soft": True}
    assert stored["gentler"]["due_at"] == now
    assert await trail(engine, ids["moved"]) == [
        (None, "planned", None),
        ("planned", "planned", "replanned"),
    ]


async def test_a_row_put_off_by_the_gate_keeps_its_next_attempt_when_only_words_change(
    engine, clock
):
    now = clock.now()
    ids = await plan_items(engine, [item("capped", now)], now)
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(OUTREACH)
            .where(OUTREACH.c.id == ids["capped"])
            .values(next_attempt_at=now + DAY)
        )
    await plan_items(engine, [replace(item("capped", now), lang="fr")], now + MINUTE)

    stored = (await rows(engine))["capped"]
    assert stored["lang"] == "fr"
    assert stored["next_attempt_at"] == now + DAY


async def test_a_row_that_went_out_is_never_replanned(engine, clock):
    now = clock.now()
    ids = await plan_items(engine, [item("sent", now)], now)
    (first,) = (await claim(engine, "w1", now, limit=1)).messages
    await complete(engine, first, DeliveryOutcome.sent(), now, POLICY)

    await plan_items(engine, [item("sent", now + DAY)], now + MINUTE)

    stored = (await rows(engine))["sent"]
    assert (stored["status"], stored["due_at"]) == ("sent", now)
    assert [event[1] for event in await trail(engine, ids["sent"])] == [
        "planned",
        "sending",
        "sent",
    ]


async def test_claim_takes_due_rows_earliest_first_and_nothing_early(engine, clock):
    now = clock.now()
    offsets = {"later": 10, "five_ago": -5, "ten_ago": -10, "now": 0, "one_ago": -1}
    await plan_items(engine, [item(k, now + m * MINUTE) for k, m in offsets.items()], now)

    first = await claim(engine, "w1", now, limit=2)
    rest = await claim(engine, "w1", now, limit=10)

    assert [m.idempotency_key for m in first.messages] == ["ten_ago", "five_ago"]
    assert [m.idempotency_key for m in rest.messages] == ["one_ago", "now"]
    assert all(m.claimed_by == "w1" and m.claimed_at == now for m in first.messages)
    stored = await rows(engine)
    assert stored["ten_ago"]["status"] == "sending"
    assert stored["ten_ago"]["claimed_by"] == "w1"
    assert stored["later"]["status"] == "planned"


async def test_a_stale_row_expires_instead_of_being_sent_late(engine, clock):
    now = clock.now()
    ids = await plan_items(
        engine,
        [item("stale", now - 2 * DAY, expires=now - DAY), item("fresh", now - MINUTE)],
        now - 2 * DAY,
    )

    claimed = await claim(engine, "w1", now, limit=10)

    assert [m.idempotency_key for m in claimed.messages] == ["fresh"]
    assert claimed.expired == [ids["stale"]]
    assert (await statuses(engine))["stale"] == "expired"
    assert (await trail(engine, ids["stale"]))[-1] == (
        "planned",
        "expired",
        "not sent before it expired",
    )


async def test_cancel_takes_back_planned_rows_only(engine, clock):
    now = clock.now()
    await seed_pupils(engine, clock, ["P1", "P2"])
    async with engine.connect() as conn:
        p1, p2 = (await conn.execute(sa.text("SELECT id FROM pupil ORDER BY pupil_id"))).scalars()
    await plan_items(
        engine,
        [
            item("sent", now - 2 * MINUTE, pupil_id=p1),
            item("sending", now - MINUTE, pupil_id=p1),
            item("planned", now + MINUTE, pupil_id=p1),
            item("teacher", now + MINUTE, pupil_id=p1, kind="teacher_welcome"),
            item("other pupil", now + MINUTE, pupil_id=p2),
        ],
        now,
    )
    first, _ = (await claim(engine, "w1", now, limit=2)).messages
    await complete(engine, first, DeliveryOutcome.sent(), now, POLICY)

    async with engine.begin() as conn:
        cancelled = await cancel(conn, now, "mark corrected", pupil_id=p1, kinds=["pupil_checkin"])
        with pytest.raises(ValueError, match="needs ids, keys"):
            await cancel(conn, now, "everything", kinds=["pupil_checkin"])

    stored = await rows(engine)
    assert cancelled == [stored["planned"]["id"]]
    assert {key: row["status"] for key, row in stored.items()} == {
        "sent": "sent",
        "sending": "sending",
        "planned": "cancelled",
        "teacher": "planned",
        "other pupil": "planned",
    }
    assert stored["planned"]["cancelled_reason"] == "mark corrected"
    assert (await trail(engine, cancelled[0]))[-1] == ("planned", "cancelled", "mark corrected")


async def test_rows_of_a_dead_worker_come_back_when_the_lease_runs_out(engine, clock):
    now = clock.now()
    ids = await plan_items(engine, [item("a", now), item("b", now)], now)
    await claim(engine, "dead", now, limit=10)

    assert await recover(engine, now + LEASE - dt.timedelta(seconds=1), LEASE) == []
    assert await recover(engine, now + LEASE, LEASE) == sorted(ids.values())
    assert await statuses(engine) == {"a": "planned", "b": "planned"}
    assert (await rows(engine))["a"]["claimed_by"] is None
    assert (await trail(engine, ids["a"]))[-1] == ("sending", "planned", "recovered from dead")


async def test_a_restarted_worker_takes_back_its_own_rows_at_once(engine, clock):
    now = clock.now()
    ids = await plan_items(engine, [item("mine", now), item("theirs", now + MINUTE)], now)
    await claim(engine, "w1", now, limit=1)
    await claim(engine, "w2", now + MINUTE, limit=1)

    assert await recover(engine, now + MINUTE, LEASE, worker="w1") == [ids["mine"]]
    assert await statuses(engine) == {"mine": "planned", "theirs": "sending"}


async def test_an_outcome_from_a_worker_that_lost_its_lease_is_not_recorded(engine, clock):
    now = clock.now()
    await plan_items(engine, [item("a", now)], now)
    (slow,) = (await claim(engine, "slow", now, limit=1)).messages
    await recover(engine, now + LEASE, LEASE)
    (fast,) = (await claim(engine, "fast", now + LEASE, limit=1)).messages

    late = await complete(engine, slow, DeliveryOutcome.failed_temporarily(), now + LEASE, POLICY)
    done = await complete(engine, fast, DeliveryOutcome.sent(), now + LEASE, POLICY)

    assert late is None
    assert done is not None
    assert done.status is Status.SENT
    stored = (await rows(engine))["a"]
    assert (stored["status"], stored["attempts"], stored["claimed_by"]) == ("sent", 1, "fast")


async def test_a_late_sent_still_counts_when_nobody_took_the_row_over(engine, clock):
    # The slow worker's message did go out; marking it sent spares a second copy.
    now = clock.now()
    ids = await plan_items(engine, [item("a", now)], now)
    (slow,) = (await claim(engine, "slow", now, limit=1)).messages
    await recover(engine, now + LEASE, LEASE)

    done = await complete(engine, slow, DeliveryOutcome.sent(), now + LEASE, POLICY)

    assert done is not None
    assert done.status is Status.SENT
    assert (await statuses(engine))["a"] == "sent"
    assert (await trail(engine, ids["a"]))[-1] == ("planned", "sent", "slow")


async def test_two_workers_claiming_at_once_never_get_the_same_row(db_url, clock, school):
    now = clock.now()
    engines = [connect(db_url), connect(db_url)]
    try:
        await plan_items(engines[0], [item(f"m{n:03}", now) for n in range(300)], now)

        # Both claim at the same moment, round after round, so that every claim races the
        # other worker's (left to the scheduler, one worker could drain all before the other
        # started, and the race would not be tested). 25 rounds x 2 x 7 > 300 rows.
        barrier = asyncio.Barrier(2)

        async def worker(index: int) -> list[int]:
            taken: list[int] = []
            for _ in range(25):
                await barrier.wait()
                batch = (await claim(engines[index], f"w{index}", now, limit=7)).messages
                taken += [message.id for message in batch]
            return taken

        first, second = await asyncio.gather(worker(0), worker(1))
    finally:
        for engine in engines:
            await engine.dispose()

    assert not set(first) & set(second)
    assert len(first) + len(second) == 300
    assert first
    assert second  # both workers took part


async def test_the_audit_trail_tells_a_row_s_whole_life(engine, clock):
    now = clock.now()
    ids = await plan_items(engine, [item("a", now)], now)
    (message,) = (await claim(engine, "w1", now, limit=1)).messages
    retry = await complete(
        engine, message, DeliveryOutcome.failed_temporarily("HTTP 502"), now, POLICY
    )
    assert retry is not None
    assert retry.next_attempt_at is not None
    (again,) = (await claim(engine, "w2", retry.next_attempt_at, limit=1)).messages
    await complete(engine, again, DeliveryOutcome.sent(), retry.next_attempt_at, POLICY)

    assert await trail(engine, ids["a"]) == [
        (None, "planned", None),
        ("planned", "sending", "w1"),
        ("sending", "planned", "failed_temporarily: HTTP 502"),
        ("planned", "sending", "w2"),
        ("sending", "sent", "w2"),
    ]
    stored = (await rows(engine))["a"]
    assert stored["attempts"] == 2
    assert stored["sent_at"] == retry.next_attempt_at
    assert stored["last_error"] == "failed_temporarily: HTTP 502"
    async with engine.connect() as conn:
        events = await conn.scalar(sa.text("SELECT count(*) FROM outreach_event"))
    assert events == 5
