"""The planner's bulk insert stores what SQLAlchemy's own insert stores, on both backends."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.models import Pupil
from bot.outbox._insert import insert_planned
from bot.outbox.store import _planned_row
from bot.outbox.tables import EVENT, OUTREACH
from scheduler.clock import BRUSSELS
from tests.bot.outbox.support import DAY, item, plan_items, rows, trail
from tests.helpers.seed import seed_pupils

pytestmark = pytest.mark.usefixtures("school")


async def test_a_row_is_stored_as_sqlalchemy_stores_it(engine, clock):
    """Every column, as the database holds it (SQLite's text of an instant included)."""
    await seed_pupils(engine, clock, ["P1"])
    async with engine.connect() as conn:
        pupil = await conn.scalar(sa.select(col(Pupil.id)))
    now = clock.now()  # Brussels time: stored as UTC
    proposed = replace(
        item("k", now + dt.timedelta(hours=2), pupil_id=pupil),
        payload={"first_name": "Zoë", "nested": {"days": [1, 2]}, "none": None},
        text="Dag Zoë",
    )
    plain = replace(proposed, idempotency_key="k-core")
    async with engine.begin() as conn:
        await conn.execute(sa.insert(OUTREACH), [_planned_row(plain, now)])
        new = await insert_planned(conn, [_planned_row(proposed, now)], now)

    columns = [c for c in OUTREACH.c if c.name not in ("id", "idempotency_key")]
    async with engine.connect() as conn:
        raw = {  # as the driver reads them: no type of ours in between
            key: values
            for key, *values in await conn.exec_driver_sql(
                f"SELECT idempotency_key, {', '.join(c.name for c in columns)} FROM outreach"
            )
        }
    assert raw["k"] == raw["k-core"]
    stored = (await rows(engine))["k"]
    assert stored["payload"] == dict(proposed.payload)
    assert stored["due_at"] == stored["next_attempt_at"] == proposed.due_at
    assert stored["created_at"] == stored["updated_at"] == now
    assert (stored["pupil_id"], stored["text"], stored["status"]) == (pupil, "Dag Zoë", "planned")
    assert list(new) == ["k"]
    assert await trail(engine, new["k"]) == [(None, "planned", None)]


async def test_many_rows_get_their_ids_and_events_in_the_order_proposed(engine, clock):
    """More rows than SQLite binds in one statement: several statements, one order."""
    now = clock.now()
    items = [
        item(f"row-{number:05d}", now + (number % 7) * DAY, recipient_id=number)
        for number in reversed(range(2_500))
    ]
    new = await plan_items(engine, items, now)

    assert list(new) == [proposed.idempotency_key for proposed in items]
    assert list(new.values()) == sorted(new.values())
    async with engine.connect() as conn:
        events = list(
            await conn.execute(
                sa.select(EVENT.c.outreach_id, EVENT.c.at, EVENT.c.to_status).order_by(EVENT.c.id)
            )
        )
    assert events == [(row_id, now, "planned") for row_id in new.values()]
    stored = await rows(engine)
    assert [row["recipient_id"] for row in stored.values()] == list(reversed(range(2_500)))
    assert stored["row-00009"]["due_at"] == now + 2 * DAY


async def test_a_key_stored_meanwhile_is_left_alone(engine, clock):
    """Another worker stored the key between the lookup and the insert: not ours, no event."""
    now = clock.now()
    first = await plan_items(engine, [item("theirs", now)], now)
    async with engine.begin() as conn:
        new = await insert_planned(
            conn,
            [
                _planned_row(item("theirs", now + DAY), now),
                _planned_row(item("ours", now), now),
            ],
            now,
        )

    assert list(new) == ["ours"]
    assert (await rows(engine))["theirs"]["due_at"] == now
    assert await trail(engine, first["theirs"]) == [(None, "planned", None)]


async def test_a_naive_instant_is_refused_as_before(engine, clock):
    now = clock.now()
    naive = _planned_row(item("naive", now), now) | {"due_at": now.replace(tzinfo=None)}
    with pytest.raises(ValueError, match="naive datetime"):
        async with engine.begin() as conn:
            await insert_planned(conn, [naive], now)
    assert await rows(engine) == {}


async def test_one_instant_in_two_zones_is_stored_once_as_utc(engine, clock):
    """Instants are processed once per distinct value: equal instants, whatever their zone."""
    brussels = dt.datetime(2026, 11, 17, 10, 30, tzinfo=BRUSSELS)
    utc = brussels.astimezone(dt.UTC)
    await plan_items(engine, [item("utc", utc), item("brussels", brussels)], clock.now())

    async with engine.connect() as conn:
        raw = dict(list(await conn.exec_driver_sql("SELECT idempotency_key, due_at FROM outreach")))
    assert raw["utc"] == raw["brussels"]
    assert {row["due_at"] for row in (await rows(engine)).values()} == {utc}
