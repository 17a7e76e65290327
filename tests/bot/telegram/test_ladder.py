"""One pupil's ladder through the real bot: the check-in and its answer, the coordinator's
nudge and buttons, the guardian's notice and the return date, forged taps and free text; end
to end through the local Bot API server, python-telegram-bot, the planner and the outbox."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.models import Outreach, PupilPause
from integrations.telegram.callbacks import sign
from scheduler.clock import BRUSSELS
from tests.helpers.telegram import SECRET, button_data, button_keys, plain, replies, telegram_world

TUESDAY = dt.date(2026, 11, 17)


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        world.emir = await world.link("pupil", "P0003")
        world.ayse = await world.link("guardian", "G005", language_code="tr")
        world.koen = await world.link("staff", "S02")  # Emir's spilfiguur
        world.teacher = await world.link("staff", "S05")  # titularis of 1A
        await world.feed("P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\n")
        yield world


async def test_the_check_in_comes_first_and_an_answer_reaches_the_coordinator_at_once(world):
    await world.run_until(at(10, 45))

    [checkin] = world.api.messages_to(world.emir)[1:]
    assert checkin.text.startswith("Hoi Emir")
    assert button_keys(checkin) == [
        "sick",
        "not_good",
        "want_to_talk",
        "rather_not_say",
        "at_school",
    ]
    assert world.api.messages_to(world.ayse)[1:] == []  # the parents wait: the pupil first

    edited, thanks = await world.tap(world.emir, checkin, "want_to_talk", replies=2)

    assert edited.edited
    assert edited.message_id == checkin.message_id
    assert edited.reply_markup is None
    assert "Emir" in thanks.text
    assert await replies(world) == [("pupil", "P0003", "want_to_talk")]
    [nudge] = world.api.messages_to(world.koen)[1:]
    assert "Emir (1A), afwezig op dinsdag 17 november, wil graag met iemand praten" in nudge.text
    # His call for help holds his mother's notice: Koen decides from the same nudge.
    assert button_keys(nudge) == [
        "send_notice",
        "keep_notice",
        "ack",
        "snooze",
        "return",
        "pause",
    ]


async def test_a_second_tap_on_the_same_button_stores_nothing(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]
    data = button_data(checkin, "sick")
    await world.tap(world.emir, checkin, "sick", replies=2)

    await world.api.press(world.emir, checkin.message_id, data)  # a replayed update
    await world.api.press(world.emir, checkin.message_id, data)
    await world.say(world.emir, "/taal")  # the bot has handled the taps before this

    assert await replies(world) == [("pupil", "P0003", "sick")]
    thanks = [m for m in world.api.messages_to(world.emir) if "beterschap" in m.text.lower()]
    assert len(thanks) <= 1


async def test_taps_not_made_for_the_chat_act_on_nobody(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]
    stranger = world.user("Stranger")
    before = len(world.api.sent)

    # Emir's own button data, copied into another chat.
    await world.api.press(stranger, 1, button_data(checkin, "want_to_talk"))
    # Data made up for Emir's message, without the secret.
    await world.api.press(
        world.emir, checkin.message_id, f"o.{checkin.message_id}.sick.AAAAAAAAAAAAAAAA"
    )
    # Correctly signed for the stranger's chat, but about Emir's message.
    forged = sign(SECRET, _outreach_of(checkin), "want_to_talk", stranger)
    await world.api.press(stranger, 1, forged)
    # Ayşe's chat taps an answer the check-in to Emir offered, signed for her chat.
    await world.api.press(world.ayse, 1, sign(SECRET, _outreach_of(checkin), "sick", world.ayse))
    await world.say(stranger, "/start")  # handled after the taps

    assert await replies(world) == []
    new = world.api.sent[before:]
    assert [m.chat_id for m in new] == [stranger]  # only the answer to /start
    assert all(answer.get("text") is None for answer in world.api.callback_answers)


def noted(messages):
    """The staff acknowledgement among the bot's messages ("Genoteerd: ...")."""
    [found] = [message for message in messages if message.text.startswith("Genoteerd")]
    return found


def _outreach_of(message) -> int:
    return int(message.reply_markup["inline_keyboard"][0][0]["callback_data"].split(".")[1])


async def test_the_guardian_gives_a_return_date_and_the_teachers_are_reminded_the_day_before(
    world,
):
    await world.run_until(at(13, 0))  # the pupil did not answer: the grace period is over
    [notice] = world.api.messages_to(world.ayse)[1:]
    assert "Emir" in notice.text
    text = plain(notice.text)
    assert text.index("Değerli velimiz") < text.index("Beste ouder")  # Turkish, then Dutch
    assert "return" in button_keys(notice)

    [choice] = await world.tap(world.ayse, notice, "return")
    days = button_keys(choice)
    assert days[:3] == ["return:2026-11-18", "return:2026-11-19", "return:2026-11-20"]
    assert "Çarşamba" in plain(choice.reply_markup["inline_keyboard"][0][0]["text"]) or (
        "18 Kasım" in plain(choice.reply_markup["inline_keyboard"][0][0]["text"])
    )
    edited, thanks = await world.tap(world.ayse, choice, "return:2026-11-24", replies=2)

    assert edited.message_id == choice.message_id
    assert "dinsdag 24 november" in plain(thanks.text)
    assert await replies(world) == [("guardian", "G005", "return:2026-11-24")]
    # Absent until the return, five school days: the teachers hear it the day before, 15:30.
    for day in (18, 19, 20, 23):
        morning = at(9, 30, dt.date(2026, 11, day))
        await world.run_until(morning, step=dt.timedelta(hours=2))
        await world.feed(f"P0003,2026-11-{day},am,B,\nP0003,2026-11-{day},pm,B,\n")
    await world.run_until(at(15, 45, dt.date(2026, 11, 23)))
    welcomes = [m for m in world.api.messages_to(world.teacher) if "Emir (1A)" in m.text]
    assert len(welcomes) == 1
    assert "dinsdag 24 november" in welcomes[0].text
    assert button_keys(welcomes[0]) == ["ack"]
    _edited, thanks = await world.tap(world.teacher, welcomes[0], "ack", replies=2)
    assert thanks.text == "Dank je! Een warm onthaal maakt echt een verschil."
    async with world.engine.connect() as conn:
        acknowledged = await conn.scalars(
            sa.select(col(Outreach.acknowledged_by)).where(
                col(Outreach.kind) == "teacher_welcome", col(Outreach.acknowledged_by).is_not(None)
            )
        )
        assert list(acknowledged) == ["telegram:S05"]


async def test_the_coordinator_acknowledges_snoozes_pauses_and_gives_a_return_date(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]
    await world.tap(world.emir, checkin, "want_to_talk", replies=2)
    [nudge] = world.api.messages_to(world.koen)[1:]

    [choice] = await world.tap(world.koen, nudge, "snooze")
    assert button_keys(choice) == ["snooze:1", "snooze:3"]
    snoozed = noted(await world.tap(world.koen, choice, "snooze:3", replies=2))
    assert "vrijdag 20 november" in snoozed.text  # three school days after Tuesday 17

    [choice] = await world.tap(world.koen, nudge, "pause")
    assert button_keys(choice) == ["pause:5", "pause:10", "pause:20"]
    paused = noted(await world.tap(world.koen, choice, "pause:5", replies=2))
    assert "maandag 23 november" in paused.text  # five school days from today on

    [choice] = await world.tap(world.koen, nudge, "return")
    back = noted(await world.tap(world.koen, choice, "return:2026-11-24", replies=2))
    assert "Emir wordt terug verwacht op dinsdag 24 november" in back.text

    seen = noted(await world.tap(world.koen, nudge, "ack", replies=2))
    assert seen.text.startswith("Genoteerd: je volgt dit op.")

    async with world.engine.connect() as conn:
        nudge_row = (
            await conn.execute(
                sa.select(col(Outreach.snoozed_until), col(Outreach.acknowledged_by)).where(
                    col(Outreach.kind) == "coordinator_nudge"
                )
            )
        ).one()
        pause = (await conn.execute(sa.select(col(PupilPause.starts), col(PupilPause.ends)))).one()
    assert tuple(nudge_row) == (dt.date(2026, 11, 20), "telegram:S02")
    assert tuple(pause) == (TUESDAY, dt.date(2026, 11, 23))
    assert ("coordinator", "S02", "return:2026-11-24") in await replies(world)
    # Paused: the grace period ends, yet the guardian hears nothing.
    await world.run_until(at(16, 0))
    assert world.api.messages_to(world.ayse)[1:] == []


async def test_free_text_reaches_the_spilfiguur_with_its_language_and_the_writer_is_thanked(
    world,
):
    [thanks] = await world.say(world.ayse, "Emir hasta, yarın gelir.")
    await world.conversation.settled()

    assert "Koen De Backer" in plain(thanks.text)
    [forwarded] = world.api.messages_to(world.koen)[1:]
    assert forwarded.text.startswith("Ayşe Yılmaz (moeder) schreef over Emir (1A), in het Turks:")
    assert "Emir hasta, yarın gelir." in forwarded.text
    assert await replies(world) == [("guardian", "G005", "Emir hasta, yarın gelir.")]


async def test_a_colleague_writing_to_the_bot_is_reminded_what_it_is_for(world):
    [answer] = await world.say(world.teacher, "Hallo?")

    assert "Welkom bij Gemist" in answer.text
    assert await replies(world) == []


async def test_a_snoozed_nudge_is_reminded_of_on_the_day_chosen_not_before(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]
    await world.tap(world.emir, checkin, "want_to_talk", replies=2)
    [nudge] = world.api.messages_to(world.koen)[1:]
    [choice] = await world.tap(world.koen, nudge, "snooze")
    await world.tap(world.koen, choice, "snooze:3", replies=2)  # Friday 20 November

    def reminders():  # in the daily message (issue 14), saying what it reminds of
        return [m for m in world.api.messages_to(world.koen) if "nog open sinds" in m.text]

    await world.run_until(at(23, 0, dt.date(2026, 11, 19)), step=dt.timedelta(hours=1))
    assert reminders() == []  # Thursday: the reminder would have come today, unsnoozed
    await world.run_until(at(11, 0, dt.date(2026, 11, 20)))
    assert len(reminders()) == 1


async def test_snoozing_a_reminder_brings_another_on_the_day_chosen(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]
    await world.tap(world.emir, checkin, "want_to_talk", replies=2)

    def reminders():  # in the daily message (issue 14), saying what it reminds of
        return [m for m in world.api.messages_to(world.koen) if "nog open sinds" in m.text]

    await world.run_until(at(11, 0, dt.date(2026, 11, 19)), step=dt.timedelta(hours=1))
    [reminder] = reminders()  # Thursday, two school days after the nudge
    assert "Emir (1A): nog open sinds dinsdag 17 november: het bericht aan de ouders wacht" in (
        reminder.text
    )
    [noted] = await world.tap(world.koen, reminder, "snooze:0")  # one school day: Friday 20
    assert "vrijdag 20 november" in noted.text
    await world.run_until(at(11, 0, dt.date(2026, 11, 20)))

    assert len(reminders()) == 2


async def test_a_nudge_and_its_reminder_are_one_case_in_the_digest_and_one_tap_closes_it(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]
    await world.tap(world.emir, checkin, "want_to_talk", replies=2)
    await world.run_until(at(11, 0, dt.date(2026, 11, 19)), step=dt.timedelta(hours=1))
    [digest] = [m for m in world.api.messages_to(world.koen) if "nog open sinds" in m.text]
    # One line for Emir, with his buttons: the nudge and its reminder are one case.
    assert button_keys(digest) == ["ack:0", "snooze:0"]
    [noted] = await world.tap(world.koen, digest, "ack:0")
    assert noted.text.startswith("Genoteerd: je volgt dit op.")
    async with world.engine.connect() as conn:
        seen = await conn.scalars(
            sa.select(col(Outreach.acknowledged_by)).where(
                col(Outreach.kind) == "coordinator_nudge"
            )
        )
        assert set(seen) == {"telegram:S02"}  # the reminder and the nudge it reminded of


async def test_i_want_to_talk_under_the_thanks_is_an_answer_to_the_check_in(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]
    _edited, thanks = await world.tap(world.emir, checkin, "not_good", replies=2)
    assert button_keys(thanks) == ["want_to_talk"]

    edited, thanked = await world.tap(world.emir, thanks, "want_to_talk", replies=2)

    assert edited.message_id == thanks.message_id
    assert edited.reply_markup is None
    assert "Emir" in thanked.text
    assert await replies(world) == [
        ("pupil", "P0003", "not_good"),
        ("pupil", "P0003", "want_to_talk"),
    ]
