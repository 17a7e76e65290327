"""A mass absence through the real bot: the coordinator's hold alert and its two buttons."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.models import OutreachHold
from scheduler.clock import BRUSSELS
from tests.helpers.telegram import button_keys, telegram_world

CLASS_1A = ("P0001", "P0002", "P0003", "P0004", "P0005", "P0006")  # 6 of the 8: a trip?


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 17, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        world.emir = await world.link("pupil", "P0003")
        world.koen = await world.link("staff", "S02")
        await world.feed("".join(f"{p},2026-11-17,am,B,\n{p},2026-11-17,pm,B,\n" for p in CLASS_1A))
        await world.run_until(at(10, 45))
        yield world


async def _status(world) -> str:
    async with world.engine.connect() as conn:
        return await conn.scalar(sa.select(col(OutreachHold.status)))


@pytest.mark.parametrize(("key", "status"), [("release", "released"), ("discard", "discarded")])
async def test_the_coordinator_decides_a_held_day_from_the_alert(world, key, status):
    alerts = [m for m in world.api.messages_to(world.koen) if button_keys(m)]
    assert len(alerts) == 1
    [alert] = alerts
    assert button_keys(alert) == ["release", "discard"]
    assert world.api.messages_to(world.emir)[1:] == []  # held: nobody in 1A hears anything

    messages = await world.tap(world.koen, alert, key, replies=2)

    assert messages[0].edited
    assert messages[0].reply_markup is None
    assert "dinsdag 17 november" in messages[-1].text
    assert await _status(world) == status
    await world.run_until(at(11, 30))
    checkins = [m for m in world.api.messages_to(world.emir)[1:] if "Emir" in m.text]
    assert len(checkins) == (1 if key == "release" else 0)  # what was held goes, or not
