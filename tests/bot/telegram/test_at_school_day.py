""" "Ik ben wel op school" is answered honestly about the day it concerns: the day of the absence
is named when the tap comes on a later day, and the register is checked "vandaag nog" only
while someone can still do it today. The choice is pure (the real calendar, the rules' sending
hours); the end-to-end tests tap the check-in through the local Bot API server."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers.thanks import ack_template
from bot.engine.window import Window
from bot.rules import Rules
from messages import FAMILY_LANGUAGES, render
from scheduler.clock import BRUSSELS
from tests.helpers.engine import CALENDAR
from tests.helpers.planner import local
from tests.helpers.telegram import plain, telegram_world

WINDOW = Window(Rules.default().delivery, CALENDAR, BRUSSELS)
TUESDAY = dt.date(2026, 11, 17)


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        pytest.param("11-17 10:45", "pupil_ack.at_school", id="the same school day"),
        pytest.param("11-17 21:00", "pupil_ack.at_school.later", id="the same evening"),
        pytest.param("11-18 10:00", "pupil_ack.at_school.on_date", id="the next school day"),
        pytest.param("11-18 21:00", "pupil_ack.at_school.on_date.later", id="the next evening"),
        pytest.param("11-21 11:00", "pupil_ack.at_school.on_date.later", id="on the Saturday"),
    ],
)
def test_the_thanks_fits_the_day_of_the_absence_and_the_moment_of_the_tap(at, expected) -> None:
    chosen = ack_template(
        "pupil", "at_school", "nl", now=local(at), window=WINDOW, about_day=TUESDAY
    )
    assert chosen == expected


def test_without_the_day_of_the_absence_only_the_moment_counts() -> None:
    # A check-in stored before its day was kept: the day cannot be named, never wrongly.
    assert ack_template("pupil", "at_school", "nl", now=local("11-18 21:00"), window=WINDOW) == (
        "pupil_ack.at_school.later"
    )


@pytest.mark.parametrize("lang", FAMILY_LANGUAGES)
def test_only_the_same_school_day_speaks_of_checking_today(lang: str) -> None:
    context = {"first_name": "Emir", "date": TUESDAY}
    today = render("pupil_ack.at_school", lang, context)
    for variant in (".later", ".on_date", ".on_date.later"):
        other = render(f"pupil_ack.at_school{variant}", lang, context)
        assert other.lang == lang  # translated, not Dutch in its place
        assert other.text != today.text
    named = render("pupil_ack.at_school.on_date.later", lang, context).text
    assert render("pupil_ack.at_school.later", lang, context).text not in named


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        world.emir = await world.link("pupil", "P0003")
        await world.feed("P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\n")
        await world.run_until(at(TUESDAY, 10, 45))
        world.checkin = world.api.messages_to(world.emir)[-1]
        assert world.checkin.text.startswith("Hoi Emir")
        yield world


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


async def thanks_at(world, when: dt.datetime) -> str:
    world.clock.set(when)
    _edited, thanks = await world.tap(world.emir, world.checkin, "at_school", replies=2)
    return plain(thanks.text)


async def test_a_tap_in_the_morning_is_checked_today(world):
    text = await thanks_at(world, at(TUESDAY, 11, 0))

    assert "Dan hebben we ons misschien vergist. We kijken het vandaag nog na." in text


async def test_a_tap_in_the_evening_is_checked_on_the_next_school_day(world):
    text = await thanks_at(world, at(TUESDAY, 21, 0))

    assert "We kijken het na op de volgende schooldag." in text
    assert "vandaag" not in text


async def test_a_tap_the_next_day_names_the_day_of_the_absence(world):
    text = await thanks_at(world, at(dt.date(2026, 11, 18), 10, 0))

    assert "Dan hebben we ons op dinsdag 17 november misschien vergist." in text
    assert "We kijken het vandaag nog na." in text
