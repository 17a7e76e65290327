"""A guardian who blocked the bot: Telegram answers 403, the chat is unlinked, the spilfiguur
is told once, and nothing is sent to that chat again; end to end through the local Bot API
server, python-telegram-bot, the planner and the outbox (issue 5)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.models import Guardian, Outreach
from scheduler.clock import BRUSSELS
from tests.helpers.contacts import telegram_state
from tests.helpers.telegram import button_keys, plain, telegram_world

TUESDAY = dt.date(2026, 11, 17)
UNREACHABLE = "krijgt geen berichten meer van Gemist via Telegram"


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


def absent(pupil: str, day: dt.date) -> str:
    return f"{pupil},{day.isoformat()},am,B,\n{pupil},{day.isoformat()},pm,B,\n"


def told(world, chat: int) -> list[str]:
    return [plain(m.text) for m in world.api.messages_to(chat) if UNREACHABLE in m.text]


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        yield world


async def test_the_spilfiguur_is_told_once_and_the_blocked_chat_gets_nothing_more(world):
    emir = await world.link("pupil", "P0003")
    ayse = await world.link("guardian", "G005", language_code="tr")
    koen = await world.link("staff", "S02")  # Emir's spilfiguur
    await world.feed(absent("P0003", TUESDAY))
    await world.api.block(ayse, notify=False)  # a block Gemist did not hear of: the 403 tells
    greeted = len(world.api.messages_to(ayse))

    await world.run_until(at(13, 0))  # Emir did not answer: the notice to Ayşe is due

    [notice] = await _rows(world, "guardian_notice")
    assert notice.status == "failed"
    assert notice.last_error.startswith("blocked_by_user: 403")
    assert await world.chat_of(Guardian, Guardian.guardian_id, "G005") is None
    async with world.engine.connect() as conn:  # the 403 left the contact blocked
        assert await telegram_state(conn, "guardian", "G005") == "blocked"
    [nudge] = [m for m in world.api.messages_to(koen) if UNREACHABLE in m.text]
    assert plain(nudge.text).startswith(
        "Ayşe Yılmaz (moeder van Emir, 1A) krijgt geen berichten meer van Gemist via Telegram"
    )
    assert "gemist invite" in nudge.text
    assert button_keys(nudge) == ["ack", "snooze", "return", "pause"]

    # Emir stays absent all week: follow-ups would go to Ayşe, but she cannot be reached.
    for day in (18, 19, 20):
        morning = at(9, 0, dt.date(2026, 11, day))
        await world.run_until(morning, step=dt.timedelta(hours=2))
        await world.feed(absent("P0003", morning.date()))
    await world.run_until(at(17, 0, dt.date(2026, 11, 20)), step=dt.timedelta(minutes=30))

    assert len(world.api.messages_to(ayse)) == greeted
    refused = [r for r in world.api.rejections if r.chat_id == ayse]
    assert [(r.status, r.method) for r in refused] == [(403, "sendmessage")]
    assert len(told(world, koen)) == 1
    assert len(world.api.messages_to(emir)) > 1  # the pupil's own check-ins still went out


async def test_a_chat_telegram_no_longer_knows_bounces_and_is_not_tried_again(world):
    """Telegram answers "chat not found" for Ayşe's chat: her contact ends as ``bounced`` (the
    address is no good), not ``blocked``, and Koen is told once, with that cause."""
    await world.link("pupil", "P0003")
    ayse = await world.link("guardian", "G005", language_code="tr")
    koen = await world.link("staff", "S02")
    await world.feed(absent("P0003", TUESDAY))
    world.api.refuse_chat(ayse, "Bad Request: chat not found")

    await world.run_until(at(13, 0))
    await world.feed(absent("P0003", dt.date(2026, 11, 18)))
    await world.run_until(at(13, 0, dt.date(2026, 11, 18)), step=dt.timedelta(hours=1))

    [notice] = await _rows(world, "guardian_notice")
    assert (notice.status, notice.last_error) == (
        "failed",
        "invalid_recipient: 400 chat not found",
    )
    async with world.engine.connect() as conn:
        assert await telegram_state(conn, "guardian", "G005") == "bounced"
        causes = await conn.scalars(
            sa.select(col(Outreach.payload)).where(col(Outreach.kind) == "coordinator_nudge")
        )
        told_of = [p["cause"] for p in causes if p.get("reason") == "unreachable"]
    assert told_of == ["bounced"]
    assert len(told(world, koen)) == 1
    refused = [r for r in world.api.rejections if r.chat_id == ayse]
    assert [(r.status, r.method) for r in refused] == [(400, "sendmessage")]


async def test_a_parent_of_two_is_unreachable_about_both_children(world):
    """Fatima is the mother of Yasmine (spilfiguur Koen) and Ilyas (spilfiguur Hanne): a
    message about Yasmine was refused, and both coordinators need to know. So does Karim, their
    father: the roster gives him a chat id (52000004) that Telegram has no chat for (he never
    opened the bot), so his notice is refused too, and his contact bounces."""
    fatima = await world.link("guardian", "G003")
    koen = await world.link("staff", "S02")
    hanne = await world.link("staff", "S03")
    await world.feed(absent("P0002", TUESDAY))
    await world.api.block(fatima)

    await world.run_until(at(11, 0))  # Yasmine has no chat: her parents are asked at 10:30

    assert [t.split(" krijgt")[0] for t in told(world, koen)] == [
        "Fatima El Amrani (moeder van Yasmine, 1A)",
        "Karim El Amrani (vader van Yasmine, 1A)",
    ]
    assert [t.split(" krijgt")[0] for t in told(world, hanne)] == [
        "Fatima El Amrani (moeder van Ilyas, 3A)",
        "Karim El Amrani (vader van Ilyas, 3A)",
    ]
    async with world.engine.connect() as conn:
        assert await telegram_state(conn, "guardian", "G003") == "blocked"
        assert await telegram_state(conn, "guardian", "G004") == "bounced"


async def _rows(world, kind: str) -> list[sa.Row]:
    async with world.engine.connect() as conn:
        result = await conn.execute(
            sa.select(col(Outreach.status), col(Outreach.last_error)).where(
                col(Outreach.kind) == kind
            )
        )
        return list(result)
