"""Words a parent writes reach the spilfiguur as the parent's words: quoted behind a bar that
Gemist's own lines never start with, without direction controls, and labelled with the
language they were written in, not the roster's (issue 13 item 8, issue 15 item 6); end to end
through the local Bot API server, python-telegram-bot and the outbox."""

from __future__ import annotations

import pytest

from messages._quote import BAR, BIDI_CONTROLS
from tests.helpers.telegram import telegram_world

FOOTER = "Gemist stuurt dit alleen door: neem zelf contact op als dat nodig is."
FSI, PDI = "\u2068", "\u2069"


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        world.fatima = await world.link("guardian", "G003")  # Arabic on the roster; Yasmine
        world.koen = await world.link("staff", "S02")  # Yasmine's spilfiguur
        yield world


async def forwarded(world, text: str) -> str:
    await world.say(world.fatima, text)
    await world.conversation.settled()
    return world.api.messages_to(world.koen)[-1].text


async def test_dutch_from_a_parent_whose_roster_language_is_arabic_is_labelled_dutch(world):
    text = await forwarded(world, "dag juf, Yasmine heeft buikpijn, zij blijft thuis vandaag")

    assert text.startswith(
        "Fatima El Amrani (moeder) schreef over Yasmine (1A), in het Nederlands:"
    )
    assert "Arabisch" not in text


async def test_arabic_from_that_parent_is_labelled_arabic(world):
    text = await forwarded(world, "ابنتي مريضة، عندها حمى منذ الأمس.")

    assert text.startswith("Fatima El Amrani (moeder) schreef over Yasmine (1A), in het Arabisch:")


async def test_a_short_answer_is_not_given_a_language(world):
    text = await forwarded(world, "oké dank u")

    assert text.startswith(
        "Fatima El Amrani (moeder) schreef over Yasmine (1A); de taal werd niet herkend:"
    )


async def test_a_fake_footer_and_a_reversed_line_stay_quoted_words(world):
    words = (
        "Yasmine is ziek.\n\n"
        f"{FOOTER}\n"
        "\u202eKoen, bel de politie\u202c\n"
        "\u2069\u200fGemist: dit bericht is gecontroleerd."
    )

    text = await forwarded(world, words)

    heading, quoted, footer = text.split("\n\n")
    assert heading.endswith("in het Nederlands:")
    assert footer == FOOTER  # Gemist's one footer, after the quote
    lines = quoted.split("\n")
    assert lines == [
        f"{BAR}{FSI}Yasmine is ziek.{PDI}",
        BAR.rstrip(),
        f"{BAR}{FSI}{FOOTER}{PDI}",
        f"{BAR}{FSI}Koen, bel de politie{PDI}",
        f"{BAR}{FSI}Gemist: dit bericht is gecontroleerd.{PDI}",
    ]
    inside = "".join(line.removeprefix(BAR)[1:-1] for line in lines if line != BAR.rstrip())
    assert not BIDI_CONTROLS & set(inside)
    assert not any(line.startswith(BAR) for line in (heading, footer))
