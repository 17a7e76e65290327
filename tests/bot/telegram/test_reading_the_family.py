"""A way to read the family's words (issue 14, item 6), and the thanks of a guardian whom the
school may not contact. End to end through the local Bot API server, python-telegram-bot and
the outbox: Fatima El Amrani (G003, Arabic on the roster) writes about Yasmine (P0002), whose
spilfiguur is Koen De Backer (S02, Dutch)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import col

from bot.models import Guardian, GuardianLink, Outreach
from messages._quote import BAR
from scheduler.clock import BRUSSELS
from tests.bot.test_translation import FakeTranslator
from tests.helpers.telegram import plain, telegram_world

ARABIC = "ابنتي مريضة، عندها حمى منذ الأمس."
EDITED = "ابنتي مريضة، ستعود إلى المدرسة يوم الخميس."
EVENING = dt.datetime(2026, 11, 17, 21, 30, tzinfo=BRUSSELS)
FATIMA = sa.select(col(Guardian.id)).where(col(Guardian.guardian_id) == "G003")
INTERPRETER = (
    "Dit bericht is in het Arabisch geschreven, niet in jouw taal. Vraag zo nodig een tolk om "
    "hulp; de school kan er een regelen."
)
MACHINE = (
    "Dit bericht is in het Arabisch geschreven, niet in jouw taal. Hieronder staat een "
    "machinevertaling. Die kan fouten bevatten: vraag bij twijfel een tolk."
)
FOOTER = "Gemist stuurt dit alleen door: neem zelf contact op als dat nodig is."


async def _linked(world):
    world.fatima = await world.link("guardian", "G003")
    world.koen = await world.link("staff", "S02")


async def forwarded(world, text: str) -> str:
    await world.say(world.fatima, text)
    await world.conversation.settled()
    return plain(world.api.messages_to(world.koen)[-1].text)


async def test_words_in_a_language_the_spilfiguur_does_not_read_suggest_an_interpreter(
    engine, clock, tmp_path
):
    async with telegram_world(engine, clock, tmp_path) as world:
        await _linked(world)
        text = await forwarded(world, ARABIC)

    heading, words, note, footer = text.split("\n\n")
    assert heading.endswith("in het Arabisch:")
    assert words.startswith(BAR)
    assert note.startswith(INTERPRETER)
    assert "vertaalsite" in note
    assert footer == FOOTER
    assert "machinevertaling" not in text


async def test_with_the_schools_engine_a_labelled_translation_follows_the_original(
    engine, clock, tmp_path
):
    translator = FakeTranslator()
    async with telegram_world(engine, clock, tmp_path, translator=translator) as world:
        await _linked(world)
        text = await forwarded(world, ARABIC)

    heading, words, label, translation, footer = text.split("\n\n")
    assert heading.endswith("in het Arabisch:")
    assert ARABIC in words  # the original first, as it was written
    assert label == MACHINE
    assert translation == f"{BAR}[ar>nl] {ARABIC.upper()}"  # quoted like the words themselves
    assert footer == FOOTER
    assert translator.calls == [(ARABIC, "ar", "nl")]


async def test_dutch_words_are_neither_translated_nor_given_a_note(engine, clock, tmp_path):
    translator = FakeTranslator()
    async with telegram_world(engine, clock, tmp_path, translator=translator) as world:
        await _linked(world)
        text = await forwarded(world, "dag juf, Yasmine heeft buikpijn, zij blijft thuis vandaag")

    assert "in het Nederlands:" in text
    assert "tolk" not in text
    assert "machinevertaling" not in text
    assert translator.calls == []


async def test_a_failing_engine_still_passes_the_words_on_with_the_interpreter_note(
    engine, clock, tmp_path
):
    async with telegram_world(
        engine, clock, tmp_path, translator=FakeTranslator(fails=True)
    ) as world:
        await _linked(world)
        text = await forwarded(world, ARABIC)

    assert ARABIC in text
    assert INTERPRETER in text


async def test_an_edit_waiting_for_the_sending_hours_gets_a_new_translation(
    engine, clock, tmp_path
):
    translator = FakeTranslator()
    async with telegram_world(engine, clock, tmp_path, translator=translator) as world:
        await _linked(world)
        world.clock.set(EVENING)  # the staff's sending hours are over: the forward waits
        await world.say(world.fatima, ARABIC)
        await world.api.edit_text(world.fatima, EDITED)
        await world.say(world.fatima, "/taal")  # handled after the edit
        await world.conversation.settled()
        async with engine.connect() as conn:
            payloads = list(
                await conn.scalars(
                    sa.select(col(Outreach.payload)).where(
                        col(Outreach.kind) == "coordinator_forward"
                    )
                )
            )

    [payload] = payloads  # the new words took the place of the old
    assert payload["message"] == EDITED
    assert payload["variant"] == "translated"
    assert payload["translation"] == f"[ar>nl] {EDITED.upper()}"
    assert [call[0] for call in translator.calls] == [ARABIC, EDITED]


async def test_a_guardian_the_school_may_not_contact_is_thanked_without_a_word_of_the_child(
    engine, clock, tmp_path
):
    async with telegram_world(engine, clock, tmp_path) as world:
        await _linked(world)
        async with engine.begin() as conn:  # the roster changed after she linked
            await conn.execute(
                sa.update(GuardianLink)
                .where(col(GuardianLink.guardian_id).in_(FATIMA))
                .values(may_contact=False)
            )
        [thanks] = await world.say(world.fatima, "Hoe gaat het met Yasmine op school?")
        await world.conversation.settled()
        forward = plain(world.api.messages_to(world.koen)[-1].text)

    text = plain(thanks.text)
    assert "Dank u voor uw bericht. Sint-Jozefcollege heeft het goed ontvangen." in text
    for disclosed in ("Yasmine", "Ilyas", "Koen", "De Backer", "contact met u", "@example.org"):
        assert disclosed not in text
    assert "Hoe gaat het met Yasmine op school?" in forward  # her words reach the school


async def test_a_guardian_the_school_may_contact_still_hears_who_reads_her_words(
    engine, clock, tmp_path
):
    async with telegram_world(engine, clock, tmp_path) as world:
        await _linked(world)
        [thanks] = await world.say(world.fatima, "Hoe gaat het met Yasmine op school?")

    assert "Koen De Backer" in plain(thanks.text)
