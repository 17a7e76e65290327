"""Linking a chat through the real bot: valid, wrong, reused and expired codes, throttling,
strangers, /stop (after which the chat is a stranger's), and the language choice; end to end
through the local Bot API server and python-telegram-bot."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.models import Guardian, Pupil, Staff
from tests.helpers.telegram import button_keys, plain, telegram_world


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        yield world


async def test_a_valid_code_links_the_chat_and_welcomes_the_guardian_in_her_language(world):
    invited = await world.invite("guardian", "G003")  # Fatima El Amrani, Arabic, mother of Yasmine
    chat = world.user("Fatima")

    welcome, second = await world.say(chat, f"/start {invited.code}", replies=2)

    assert await world.chat_of(Guardian, Guardian.guardian_id, "G003") == chat
    text = plain(welcome.text)
    assert "Welkom! U bent nu verbonden met Sint-Jozefcollege voor Yasmine." in text
    # Her second child has a welcome of its own: the text speaks of one child.
    assert "Welkom! U bent nu verbonden met Sint-Jozefcollege voor Ilyas." in plain(second.text)
    assert "أهلًا وسهلًا" in text  # the Arabic translation comes first, the Dutch below it
    assert text.index("أهلًا وسهلًا") < text.index("Welkom!")
    assert button_keys(welcome) == ["language", "moment"]


async def test_a_pupil_and_a_teacher_get_their_own_welcome(world):
    pupil = await world.link("pupil", "P0003")
    teacher = await world.link("staff", "S05")

    [to_pupil] = world.api.messages_to(pupil)
    [to_teacher] = world.api.messages_to(teacher)
    assert to_pupil.text.startswith("Hoi Emir, welkom!")
    assert "Wil je geen berichten meer? Stuur dan /stop." in to_pupil.text
    assert "Welkom bij Gemist" in to_teacher.text
    assert await world.chat_of(Staff, Staff.staff_id, "S05") == teacher


@pytest.mark.parametrize("how", ["wrong", "reused", "expired", "revoked"])
async def test_a_code_that_does_not_work_gets_one_friendly_answer_and_links_nobody(world, how):
    invited = await world.invite("pupil", "P0003")
    code = invited.code
    if how == "wrong":
        code = "x" * 32
    elif how == "reused":
        await world.say(world.user("First"), f"/start {code}")
    elif how == "expired":
        world.clock.advance(dt.timedelta(days=31))
    else:  # a newer letter was printed for the same pupil
        await world.invite("pupil", "P0003")
    chat = world.user("Someone")

    [answer] = await world.say(chat, f"/start {code}")

    assert answer.text.startswith("Deze code werkt niet.")
    assert "Emir" not in answer.text
    assert answer.reply_markup is None
    linked = await world.chat_of(Pupil, Pupil.pupil_id, "P0003")
    assert linked != chat


async def test_a_code_can_also_be_typed_as_a_message(world):
    invited = await world.invite("pupil", "P0003")
    chat = world.user("Emir")

    [welcome] = await world.say(chat, invited.code)

    assert welcome.text.startswith("Hoi Emir, welkom!")
    assert await world.chat_of(Pupil, Pupil.pupil_id, "P0003") == chat


async def test_repeated_wrong_codes_from_one_chat_are_not_even_looked_up_for_a_while(world):
    invited = await world.invite("pupil", "P0003")
    chat = world.user("Guesser")
    for attempt in range(5):
        await world.say(chat, f"/start wrongcode{attempt:02d}xxxxxxxxxxxxxxxxxx")

    [answer] = await world.say(chat, f"/start {invited.code}")  # the right one, too late

    assert answer.text.startswith("Deze code werkt niet.")
    assert await world.chat_of(Pupil, Pupil.pupil_id, "P0003") is None
    world.clock.advance(dt.timedelta(minutes=16))
    [welcome] = await world.say(chat, f"/start {invited.code}")
    assert welcome.text.startswith("Hoi Emir, welkom!")


async def test_the_throttle_is_per_chat(world):
    invited = await world.invite("pupil", "P0003")
    guesser = world.user("Guesser")
    for attempt in range(6):
        await world.say(guesser, f"/start wrongcode{attempt:02d}xxxxxxxxxxxxxxxxxx")

    [welcome] = await world.say(world.user("Emir"), f"/start {invited.code}")

    assert welcome.text.startswith("Hoi Emir, welkom!")


@pytest.mark.parametrize("text", ["/start", "hallo, is Yasmine ziek?", "/stop", "/taal"])
async def test_a_stranger_learns_nothing_about_anyone(world, text):
    await world.link("guardian", "G003")
    chat = world.user("Stranger", language_code="fr")

    [answer] = await world.say(chat, text)

    assert "Gemist" in answer.text
    assert "code" in answer.text
    for name in ("Yasmine", "El Amrani", "Fatima", "Sint-Jozefcollege"):
        assert name not in answer.text
    assert answer.text.startswith("Bonjour")  # in the language their Telegram app uses


async def test_stop_asks_first_and_then_unlinks_and_a_bare_start_learns_nothing(world):
    chat = await world.link("guardian", "G001")  # Katrien Peeters, Dutch

    [question] = await world.say(chat, "/stop")
    assert button_keys(question) == ["stop_yes", "stop_no"]
    [edited, stopped] = await world.tap(chat, question, "stop_yes", replies=2)

    assert edited.edited
    assert edited.reply_markup is None
    assert stopped.text.startswith("Gestopt: er komen geen berichten meer van Gemist.")
    assert "vraag een nieuwe uitnodiging" in stopped.text  # a bare /start no longer links
    assert "/start" not in stopped.text
    assert await world.chat_of(Guardian, Guardian.guardian_id, "G001") is None

    [answer] = await world.say(chat, "/start")
    assert answer.text.startswith("Hallo! Dit is Gemist")  # the stranger's text: ask for a code
    for name in ("Lotte", "Peeters", "Katrien", "Sint-Jozefcollege"):
        assert name not in answer.text
    assert await world.chat_of(Guardian, Guardian.guardian_id, "G001") is None


async def test_no_to_stop_keeps_the_link(world):
    chat = await world.link("guardian", "G001")
    [question] = await world.say(chat, "/stop")

    [edited] = await world.tap(chat, question, "stop_no")

    assert edited.edited
    assert edited.reply_markup is None
    assert await world.chat_of(Guardian, Guardian.guardian_id, "G001") == chat


async def test_a_guardian_chooses_another_language(world):
    chat = await world.link("guardian", "G001")
    [welcome] = world.api.messages_to(chat)

    [choice] = await world.tap(chat, welcome, "language")
    assert "lang:tr" in button_keys(choice)
    [edited, again] = await world.tap(chat, choice, "lang:tr", replies=2)

    assert edited.reply_markup is None
    assert "Hoş geldiniz" in again.text
    assert "Welkom!" in again.text  # the Dutch original stays
    async with world.engine.connect() as conn:
        lang = await conn.scalar(
            Guardian.__table__.select()  # type: ignore[attr-defined]
            .with_only_columns(Guardian.__table__.c.language)  # type: ignore[attr-defined]
            .where(Guardian.__table__.c.guardian_id == "G001")  # type: ignore[attr-defined]
        )
    assert lang == "tr"


async def test_a_guardian_chooses_the_part_of_the_day_for_messages(world):
    chat = await world.link("guardian", "G001")
    [welcome] = world.api.messages_to(chat)
    assert button_keys(welcome) == ["language", "moment"]

    [choice] = await world.tap(chat, welcome, "moment")
    assert button_keys(choice) == [
        "moment:morning",
        "moment:afternoon",
        "moment:evening",
        "moment:any",
    ]
    [edited, saved] = await world.tap(chat, choice, "moment:evening", replies=2)

    assert edited.reply_markup is None
    assert saved.text.startswith("Dank u, dat is genoteerd.")
    assert await _moment(world, "G001") == "evening"
    [choice] = await world.say(chat, "/momenten")
    await world.tap(chat, choice, "moment:any", replies=2)
    assert await _moment(world, "G001") is None


async def test_a_pupil_has_no_moments_to_choose(world):
    chat = await world.link("pupil", "P0003")

    [answer] = await world.say(chat, "/momenten")

    assert answer.text.startswith("Hoi Emir, welkom!")


async def _moment(world, guardian_id):
    async with world.engine.connect() as conn:
        return await conn.scalar(
            sa.select(col(Guardian.contact_moment)).where(col(Guardian.guardian_id) == guardian_id)
        )


async def test_a_colleague_asking_for_the_language_choice_gets_their_welcome(world):
    chat = await world.link("staff", "S05")

    [answer] = await world.say(chat, "/taal")

    assert "Welkom bij Gemist" in answer.text  # not the stranger's "you need a code"
