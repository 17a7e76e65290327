"""What a pupil or a parent reads after answering, through the real bot (issue 13, items 3
and 4): when a person will read a pupil's words and where to go when it cannot wait, with the
school's own helpline; an interpreter for a parent who does not speak Dutch, and the
spilfiguur told the language. End to end through the local Bot API server."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import HelpLines
from scheduler.clock import BRUSSELS
from tests.helpers.telegram import plain, telegram_world

TUESDAY = dt.date(2026, 11, 17)
LINES = HelpLines(line="Awel", phone="102", chat="awel.be/chat", emergency="112")


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path, help_lines=LINES) as world:
        world.emir = await world.link("pupil", "P0003")
        world.ayse = await world.link("guardian", "G005", language_code="tr")
        world.koen = await world.link("staff", "S02")  # Emir's spilfiguur
        await world.feed("P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\n")
        yield world


async def test_a_pupil_writing_in_school_hours_hears_it_is_read_today(world):
    await world.run_until(at(11, 0))
    [thanks] = await world.say(world.emir, "Het gaat niet zo goed thuis.")

    text = plain(thanks.text)
    assert "Iemand van de school leest dit vandaag nog." in text
    assert "Praat dan meteen met Awel: bel 102 of chat op awel.be/chat." in text
    assert "Ben je in gevaar? Bel 112." in text


async def test_a_pupil_writing_at_night_hears_it_is_read_the_next_school_day(world):
    await world.run_until(at(21, 30))
    [thanks] = await world.say(world.emir, "Ik kan niet slapen.")

    text = plain(thanks.text)
    assert "Iemand van de school leest dit op de volgende schooldag." in text
    assert "vandaag nog" not in text
    assert "awel.be/chat" in text


async def test_a_turkish_parent_who_asks_to_be_called_hears_of_an_interpreter(world):
    await world.run_until(at(13, 0))  # the grace period is over: the notice went out
    notice = world.api.messages_to(world.ayse)[-1]
    assert [button.split(" / ")[0] for button in _labels(notice)] == _labels(notice)  # one language

    _edited, thanks = await world.tap(world.ayse, notice, "want_a_call", replies=2)
    assert "tercüman" in plain(thanks.text)
    assert "tolk" in plain(thanks.text)  # and in the Dutch original below it
    await world.conversation.settled()
    nudges = [m for m in world.api.messages_to(world.koen) if "vraagt om gebeld" in m.text]
    assert len(nudges) == 1
    assert "Deze ouder spreekt Turks." in plain(nudges[0].text)


def _labels(message) -> list[str]:
    markup = message.reply_markup or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]
