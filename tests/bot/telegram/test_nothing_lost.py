"""No answer is lost (issue 13, item 2): a tap Telegram no longer lets the bot acknowledge is
still stored, thanked and its buttons taken off; a block is noticed when it happens, from
Telegram's ``my_chat_member`` update, before any message is refused; an edited reply reaches
the spilfiguur as a correction. End to end through the local Bot API server,
python-telegram-bot, the planner and the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.models import Guardian, Outreach, Pupil, Staff
from bot.telegram._blocks import BLOCK_KIND
from integrations.telegram.local_server import QUERY_TOO_OLD
from scheduler.clock import BRUSSELS
from tests.helpers.contacts import telegram_state
from tests.helpers.telegram import button_keys, plain, replies, telegram_world

TUESDAY = dt.date(2026, 11, 17)
LATE = 60.0
"""Seconds: a tap made while the bot was down; Telegram refuses to acknowledge it."""
UNREACHABLE = "krijgt geen berichten meer van Gemist via Telegram"


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        world.emir = await world.link("pupil", "P0003")
        world.ayse = await world.link("guardian", "G005", language_code="tr")
        world.koen = await world.link("staff", "S02")  # Emir's spilfiguur
        await world.feed("P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\n")
        yield world


def refused_acknowledgements(world) -> list[str]:
    return [r.description for r in world.api.rejections if r.method == "answercallbackquery"]


async def test_a_tap_too_old_to_acknowledge_is_still_stored_thanked_and_its_buttons_removed(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]

    edited, thanks = await world.tap(world.emir, checkin, "sick", replies=2, age=LATE)

    assert refused_acknowledgements(world) == [QUERY_TOO_OLD]
    assert await replies(world) == [("pupil", "P0003", "sick")]
    assert edited.edited
    assert edited.message_id == checkin.message_id
    assert edited.reply_markup is None
    assert "beterschap" in thanks.text.lower()


async def test_a_coordinators_late_tap_and_a_late_stop_are_stored_too(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]
    await world.tap(world.emir, checkin, "want_to_talk", replies=2)
    [nudge] = world.api.messages_to(world.koen)[1:]

    edited, noted = await world.tap(world.koen, nudge, "ack", replies=2, age=LATE)

    assert edited.reply_markup is None
    assert noted.text.startswith("Genoteerd")
    async with world.engine.connect() as conn:
        seen = await conn.scalar(
            sa.select(col(Outreach.acknowledged_by)).where(
                col(Outreach.kind) == "coordinator_nudge"
            )
        )
    assert seen == "telegram:S02"

    [question] = await world.say(world.ayse, "/stop")
    await world.tap(world.ayse, question, "stop_yes", replies=2, age=LATE)

    assert await world.chat_of(Guardian, Guardian.guardian_id, "G005") is None
    assert refused_acknowledgements(world) == [QUERY_TOO_OLD, QUERY_TOO_OLD]


async def test_a_block_is_noticed_when_it_happens_and_the_spilfiguur_told_once(world):
    greeted = len(world.api.messages_to(world.ayse))

    await world.api.block(world.ayse)  # Telegram: my_chat_member, new status "kicked"
    await world.say(world.koen, "/taal")  # handled after the block
    await world.conversation.settled()

    assert await world.chat_of(Guardian, Guardian.guardian_id, "G005") is None
    async with world.engine.connect() as conn:  # the block is the contact's own state
        assert await telegram_state(conn, "guardian", "G005") == "blocked"
    [told] = [plain(m.text) for m in world.api.messages_to(world.koen) if UNREACHABLE in m.text]
    assert told.startswith("Ayşe Yılmaz (moeder van Emir, 1A) " + UNREACHABLE)
    assert world.api.rejections == []  # no message had to be refused first

    await world.run_until(at(17, 0))  # Emir does not answer: the notice would go to Ayşe

    assert len(world.api.messages_to(world.ayse)) == greeted
    assert world.api.rejections == []
    assert len([m for m in world.api.messages_to(world.koen) if UNREACHABLE in m.text]) == 1
    async with world.engine.connect() as conn:
        traces = (
            await conn.execute(
                sa.select(col(Outreach.status), col(Outreach.last_error)).where(
                    col(Outreach.kind) == BLOCK_KIND
                )
            )
        ).all()
    assert [tuple(trace) for trace in traces] == [
        ("failed", "blocked_by_user: my_chat_member: kicked")
    ]


async def test_a_pupil_and_a_coordinator_who_block_the_bot_are_unlinked(world):
    await world.api.block(world.emir)
    await world.api.block(world.koen)
    await world.say(world.ayse, "/taal")
    await world.conversation.settled()

    assert await world.chat_of(Pupil, Pupil.pupil_id, "P0003") is None
    assert await world.chat_of(Staff, Staff.staff_id, "S02") is None
    async with world.engine.connect() as conn:
        states = [
            await telegram_state(conn, *who) for who in (("pupil", "P0003"), ("staff", "S02"))
        ]
    assert states == ["blocked", "blocked"]
    async with world.engine.connect() as conn:
        traced = (
            await conn.execute(
                sa.select(col(Outreach.recipient_role)).where(col(Outreach.kind) == BLOCK_KIND)
            )
        ).scalars()
        assert list(traced) == ["pupil"]  # staff need no spilfiguur told


async def test_an_edited_reply_reaches_the_spilfiguur_as_a_correction(world):
    await world.say(world.ayse, "Emir hasta, yarın okula gelmeyecek.")
    await world.conversation.settled()
    before = len(world.api.messages_to(world.ayse))

    await world.api.edit_text(world.ayse, "Emir hasta, perşembe günü okula gelecek.")
    await world.say(world.ayse, "/taal")  # handled after the edit
    await world.conversation.settled()

    first, correction = world.api.messages_to(world.koen)[1:]
    assert "yarın okula gelmeyecek" in first.text
    assert correction.text.startswith(
        "Ayşe Yılmaz (moeder) heeft een eerder bericht over Emir (1A) aangepast, in het Turks."
    )
    assert "perşembe günü okula gelecek" in correction.text
    assert [answer for _, _, answer in await replies(world)] == [
        "Emir hasta, yarın okula gelmeyecek.",
        "Emir hasta, perşembe günü okula gelecek.",
    ]
    # No second thanks: only the answer to /taal came after the edit.
    assert len(world.api.messages_to(world.ayse)) == before + 1


async def test_an_edited_command_is_not_run_again(world):
    await world.say(world.ayse, "/taal")
    before = len(world.api.sent)

    await world.api.edit_text(world.ayse, "/stop")
    await world.say(world.ayse, "/momenten")
    await world.conversation.settled()

    assert len(world.api.sent) == before + 1  # only the answer to /momenten
    assert await world.chat_of(Guardian, Guardian.guardian_id, "G005") == world.ayse
    assert button_keys(world.api.sent[-1])[0].startswith("moment")


async def test_through_a_webhook_a_block_and_an_edit_arrive_too(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path, webhook_secret="s3cret") as world:
        ayse = await world.link("guardian", "G005")
        koen = await world.link("staff", "S02")
        await world.say(ayse, "Emir is ziek.")
        await world.conversation.settled()  # the spilfiguur has the first version
        await world.api.edit_text(ayse, "Emir is ziek, morgen is hij terug.")
        await world.api.block(ayse)
        await world.say(koen, "/taal")
        await world.conversation.settled()

        assert await world.chat_of(Guardian, Guardian.guardian_id, "G005") is None
        texts = [plain(m.text) for m in world.api.messages_to(koen)]
        assert any("morgen is hij terug" in text and "aangepast" in text for text in texts)
        assert any(UNREACHABLE in text for text in texts)


async def test_words_edited_before_the_spilfiguur_got_them_take_their_place(world):
    world.clock.set(at(20, 0))  # in the evening: the staff's sending hours are over
    await world.say(world.ayse, "Emir hasta, yarın okula gelmeyecek.")
    later = ("Emir hasta, perşembe günü okula gelecek.", "Emir hasta, cuma günü okula gelecek.")
    for words in later:
        await world.conversation.settled()  # a person takes a moment to edit
        await world.api.edit_text(world.ayse, words)
    await world.say(world.ayse, "/taal")
    await world.conversation.settled()
    assert world.api.messages_to(world.koen)[1:] == []

    await world.run_until(at(9, 0, dt.date(2026, 11, 18)), step=dt.timedelta(hours=1))

    [forwarded] = [m for m in world.api.messages_to(world.koen) if "Emir hasta" in m.text]
    assert forwarded.text.startswith("Ayşe Yılmaz (moeder) schreef over Emir (1A), in het Turks:")
    assert "cuma günü okula gelecek" in forwarded.text
    assert "yarın" not in forwarded.text
    assert "perşembe" not in forwarded.text
    assert len(await replies(world)) == 3  # every version is kept as an answer
