"""Care at the edges (issue 13), end to end through the local Bot API server,
python-telegram-bot, the planner and the outbox: the grace period counts from the check-in that
went out, a pupil who was at school after all or who asks to talk holds the parents' notice,
the spilfiguur decides, a correction brings apologies the same day, and the parents' new
answers reach the spilfiguur."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.imports import import_absences
from bot.models import Reply
from integrations.csv import CsvAbsenceSource
from scheduler.clock import BRUSSELS
from tests.helpers.telegram import SCHOOL, SCHOOL_NAME, button_keys, plain, telegram_world

TUESDAY = dt.date(2026, 11, 17)
EMIR_ABSENT = "P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\n"


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(TUESDAY, dt.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
async def world(engine, clock, tmp_path):
    """Emir (P0003), his mother Ayşe (G005, Turkish) and his spilfiguur Koen (S02), linked; no
    absence imported yet."""
    async with telegram_world(engine, clock, tmp_path) as world:
        world.emir = await world.link("pupil", "P0003")
        world.ayse = await world.link("guardian", "G005", language_code="tr")
        world.koen = await world.link("staff", "S02")
        yield world


def news(world, chat: int) -> list:
    """What the bot sent ``chat`` after the welcome."""
    return world.api.messages_to(chat)[1:]


async def corrected(world) -> None:
    """Today's register again, without Emir: a correction (the whole day's feed, empty)."""
    path = world._tmp / "corrected.csv"
    path.write_text("pupil_id,date,half_day,code,expected_return\n", encoding="utf-8")
    report = await import_absences(
        world.engine,
        CsvAbsenceSource(path, covers=[TUESDAY]),
        school_id=SCHOOL,
        school_name=SCHOOL_NAME,
        clock=world.clock,
        started_by="test",
        calendar=world.calendar,
    )
    assert report.exit_code == 0, report


async def checked_on(world):
    """The feed of 09:30 marks Emir absent; his check-in at 10:30."""
    await world.feed(EMIR_ABSENT)
    await world.run_until(at(10, 45))
    [checkin] = news(world, world.emir)
    return checkin


async def test_an_absence_first_seen_at_13_45_asks_the_pupil_first_and_the_parents_later(world):
    await world.run_until(at(13, 45))
    await world.feed(EMIR_ABSENT)  # the afternoon poll finds it
    await world.tick()
    [checkin] = news(world, world.emir)
    assert checkin.text.startswith("Hoi Emir")
    assert news(world, world.ayse) == []  # not in the same second

    await world.run_until(at(15, 30))
    assert news(world, world.ayse) == []  # the grace period counts from 13:45
    await world.run_until(at(15, 45))
    [notice] = news(world, world.ayse)
    assert "Emir" in notice.text
    assert "informed_school" in button_keys(notice)
    assert "did_not_know" in button_keys(notice)


async def test_i_am_at_school_holds_the_notice_and_a_correction_brings_an_apology(world):
    checkin = await checked_on(world)
    edited, thanks = await world.tap(world.emir, checkin, "at_school", replies=2)
    assert edited.reply_markup is None
    assert "We kijken het vandaag nog na" in thanks.text
    [nudge] = news(world, world.koen)
    assert "Kijk je vandaag de registratie na?" in nudge.text
    assert button_keys(nudge)[:2] == ["send_notice", "keep_notice"]

    await world.run_until(at(14, 0))
    assert news(world, world.ayse) == []  # held: the grace period is long over

    await corrected(world)  # the register: Emir was there
    await world.tick()
    apology = news(world, world.emir)[-1]
    assert "ons foutje in de registratie" in apology.text
    await world.run_until(at(17, 0))
    assert news(world, world.ayse) == []  # the parents never hear of it


async def test_a_call_for_help_holds_the_notice_until_the_spilfiguur_sends_it(world):
    checkin = await checked_on(world)
    await world.tap(world.emir, checkin, "want_to_talk", replies=2)
    await world.run_until(at(13, 0))
    assert news(world, world.ayse) == []  # no notice at 12:30
    [nudge] = news(world, world.koen)
    assert "wil graag met iemand praten" in nudge.text

    noted = await world.tap(world.koen, nudge, "send_notice", replies=2)
    assert any(m.text.startswith("Genoteerd: de ouders van Emir") for m in noted)
    await world.tick()
    [notice] = news(world, world.ayse)
    text = plain(notice.text)
    assert "Beste ouder" in text
    assert "vraag Emir vanavond" not in text  # never asks the parent to question the child
    async with world.engine.connect() as conn:
        decided = await conn.scalar(
            sa.select(col(Reply.answer)).where(col(Reply.sender_role) == "coordinator")
        )
    assert decided == "notice:send"
    [timeline] = await world.say(world.koen, "/pupil P0003")
    assert "Koen De Backer liet het tegengehouden bericht aan de ouders toch vertrekken" in (
        plain(timeline.text)
    )


async def test_not_now_keeps_the_notice_back(world):
    checkin = await checked_on(world)
    await world.tap(world.emir, checkin, "not_good", replies=2)
    [nudge] = news(world, world.koen)
    await world.tap(world.koen, nudge, "keep_notice", replies=2)
    await world.run_until(at(19, 0))
    assert news(world, world.ayse) == []


async def test_a_notice_that_went_out_is_apologised_for_the_same_day_to_parent_and_pupil(world):
    await checked_on(world)
    await world.run_until(at(12, 30))
    assert len(news(world, world.ayse)) == 1

    await world.run_until(at(14, 0))
    await corrected(world)  # in the afternoon
    await world.tick()
    assert "ons foutje in de registratie" in news(world, world.emir)[-1].text
    correction = plain(news(world, world.ayse)[-1].text)
    assert "Sorry voor de ongerustheid" in correction


@pytest.mark.parametrize(
    ("answer", "thanked", "nudged", "urgent"),
    [
        ("informed_school", "U hoeft niets meer te doen", "school verwittigd was", False),
        ("did_not_know", "Wilt u er rustig over praten?", "wist niet dat Emir", True),
    ],
)
async def test_the_parents_new_answers_are_thanked_and_reach_the_spilfiguur(
    world, answer: str, thanked: str, nudged: str, urgent: bool
):
    await checked_on(world)
    await world.run_until(at(12, 30))
    [notice] = news(world, world.ayse)
    edited, thanks = await world.tap(world.ayse, notice, answer, replies=2)
    assert edited.reply_markup is None
    assert thanked in plain(thanks.text)
    if not urgent:
        # Not urgent (issue 14): a line of the spilfiguur's next daily message, Wednesday.
        assert not [m for m in news(world, world.koen) if nudged in m.text]
        wednesday = dt.datetime.combine(TUESDAY + dt.timedelta(days=1), dt.time(11), BRUSSELS)
        await world.run_until(wednesday, step=dt.timedelta(hours=1))
    nudge = news(world, world.koen)[-1]
    assert nudged in nudge.text
    assert ("Emir (1A):" in nudge.text) is not urgent  # the daily message names him
