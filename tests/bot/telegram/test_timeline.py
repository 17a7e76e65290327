"""``/pupil <id>``: the spilfiguur sees the case timeline of their pupil, and nobody else learns
anything; end to end through the local Bot API server, python-telegram-bot, the planner and the
outbox (issue 5, item 4)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.domain import HalfDay
from bot.engine.episodes import Mark
from bot.models import GuardianLink, Pupil, Staff, TimelineView
from bot.rules import DoNotContact, Rules
from bot.telegram._timeline import MAX_LENGTH, _Composer, _fit
from bot.telegram._timeline_db import Case, Hold, Pause, Said, Sent
from messages import render
from scheduler.calendar import SchoolYear
from scheduler.clock import BRUSSELS
from tests.helpers.telegram import plain, telegram_world

TUESDAY = dt.date(2026, 11, 17)
NOT_FOUND = render("timeline.not_found", "nl", {}).text
STRANGER = render("onboarding.stranger", "nl", {}).text


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        world.emir = await world.link("pupil", "P0003")
        world.ayse = await world.link("guardian", "G005", language_code="tr")
        world.koen = await world.link("staff", "S02")  # spilfiguur of Emir (P0003)
        world.hanne = await world.link("staff", "S03")  # spilfiguur of Omar (P0017)
        world.teacher = await world.link("staff", "S05")  # titularis of 1A, Emir's class
        await world.feed("P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\n")
        yield world


async def ask(world, chat: int, text: str) -> str:
    [answer] = await world.say(chat, text)
    return plain(answer.text)


async def test_the_spilfiguur_sees_the_case_as_it_happened(world):
    await world.run_until(at(10, 45))
    [checkin] = world.api.messages_to(world.emir)[1:]
    await world.tap(world.emir, checkin, "want_to_talk", replies=2)
    [nudge] = world.api.messages_to(world.koen)[1:]
    world.clock.advance(dt.timedelta(minutes=5))
    await world.tap(world.koen, nudge, "ack", replies=2)
    world.clock.advance(dt.timedelta(minutes=5))
    await world.say(world.ayse, "Emir hasta, yarın gelir.")
    await world.conversation.settled()
    await world.run_until(at(13, 0))

    timeline = await ask(world, world.koen, "/pupil P0003")

    lines = timeline.splitlines()
    assert lines[0] == "Tijdlijn van Emir (1A, P0003), schooljaar 2026-2027"
    assert lines[2] == (
        "• Problematisch afwezig (code B): 2 halve dagen. Vanaf 5 wordt het CLB betrokken."
    )
    assert lines[3] == "• Nog zonder code: 0 halve dagen"
    assert lines[4] == "• Gewettigd afwezig: 0 halve dagen"
    assert lines[5] == "• Ayşe Yılmaz (moeder): krijgt berichten van Gemist"
    entries = lines[7:]
    assert entries[0] == "di 17 nov · de hele dag afwezig (B)"
    expected = [
        "di 17 nov 10:30 · check-in aan Emir: verstuurd",
        "di 17 nov 10:45 · Emir antwoordde: \u201cIk wil even praten\u201d",
        # Emir asked to talk before his mother's notice: it waits for Koen's decision.
        "di 17 nov 10:45 · melding (bericht aan de ouders wacht) aan Koen De Backer: verstuurd",
        "di 17 nov 10:50 · Koen De Backer heeft de melding gezien en volgt op",
        "di 17 nov 10:55 · Ayşe Yılmaz (moeder) schreef: \u201cEmir hasta, yarın gelir.\u201d",
        "di 17 nov 10:55 · doorgestuurd bericht aan Koen De Backer: verstuurd",
    ]
    assert [line for line in entries if line in expected] == expected  # newest last
    # The notice planned for 12:30 was not needed once Ayşe had written.
    assert any(
        "vraag over de afwezigheid aan Ayşe Yılmaz (moeder): niet meer nodig" in line
        for line in entries
    )
    assert len(timeline) <= MAX_LENGTH


async def test_another_coordinator_s_pupil_and_an_unknown_number_get_the_same_answer(world):
    assert await ask(world, world.hanne, "/pupil P0003") == NOT_FOUND
    assert await ask(world, world.koen, "/pupil P9999") == NOT_FOUND
    assert await ask(world, world.koen, "/pupil") == NOT_FOUND
    own = await ask(world, world.hanne, "/pupil P0017")
    assert own.startswith("Tijdlijn van Omar (3A, P0017)")


async def test_a_teacher_a_parent_and_a_stranger_learn_nothing(world):
    await world.run_until(at(10, 45))  # something happened that could be told

    assert await ask(world, world.teacher, "/pupil P0003") == NOT_FOUND
    assert await ask(world, world.ayse, "/pupil P0003") == NOT_FOUND
    stranger = world.user("Stranger")
    assert await ask(world, stranger, "/pupil P0003") == STRANGER


def test_a_long_timeline_keeps_the_latest_lines_and_counts_the_rest() -> None:
    header = "Tijdlijn van Emir (1A, P0003), schooljaar 2026-2027"
    lines = [f"regel {n:03d} " + "x" * 40 for n in range(300)]

    text = _fit(header, lines, lambda left: f"({left} eerdere regels weggelaten)")

    assert len(text) <= MAX_LENGTH
    assert text.startswith(header + "\n\n(")
    kept = text.split("\n")[3:]
    assert kept == lines[-len(kept) :]
    assert f"({300 - len(kept)} eerdere regels weggelaten)" in text
    assert MAX_LENGTH - len(text) < 60  # no room for one more line


def _utc(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return at(hour, minute, day).astimezone(dt.UTC)


def _sent(kind: str, status: str, due: dt.datetime, **more: object) -> Sent:
    values: dict[str, object] = {
        "recipient_role": "guardian",
        "recipient_id": 5,
        "sent_at": None,
        "updated_at": due,
        "reason": None,
        "date": TUESDAY,
        "acknowledged_at": None,
        "acknowledged_by": None,
    }
    values.update(more)
    return Sent(kind, status=status, due_at=due, **values)  # type: ignore[arg-type]


CASE = Case(
    pupil_id="P0003",
    first_name="Emir",
    class_name="1A",
    school="Sint-Jozefcollege",
    year=SchoolYear(2026),
    marks=(Mark(TUESDAY, HalfDay.AM, "B"), Mark(TUESDAY, HalfDay.PM, "Z")),
    sent=(
        _sent("guardian_notice", "withdrawn", _utc(12, 30)),
        _sent(
            "coordinator_nudge",
            "sent",
            _utc(8, 0, dt.date(2026, 11, 18)),
            recipient_role="coordinator",
            recipient_id=2,
            sent_at=_utc(8, 1, dt.date(2026, 11, 18)),
            reason="unreachable",
            acknowledged_at=_utc(9, 0, dt.date(2026, 11, 18)),
            acknowledged_by="telegram:S02",
        ),
    ),
    replies=(Said(_utc(11, 0), "guardian", "G005", "return:2026-11-19"),),
    holds=(Hold(TUESDAY, "1A", "held", _utc(9, 0)),),
    pauses=(Pause(_utc(10, 0, dt.date(2026, 11, 18)), dt.date(2026, 11, 24), "telegram:S02"),),
    guardians={5: ("G005", "Ayşe Yılmaz (moeder)")},
    staff={2: ("S02", "Koen De Backer")},
)


def test_every_word_of_a_line_comes_from_the_reader_s_catalog() -> None:
    text = _Composer(CASE, "en", BRUSSELS, None).text(dt.date(2026, 11, 18), "2026-2027")

    assert plain(text).splitlines()[6:] == [
        "Tue 17 Nov · absent all day (B/Z)",
        "Tue 17 Nov 09:00 · messages held back: many absent in 1A on Tuesday 17 November; "
        "nothing decided yet",
        "Tue 17 Nov 11:00 · Ayşe Yılmaz (moeder): back at school on Thursday 19 November",
        "Tue 17 Nov 12:30 · question about the absence to Ayşe Yılmaz (moeder): held back",
        "Wed 18 Nov 08:01 · alert (no longer reachable) to Koen De Backer: sent",
        "Wed 18 Nov 09:00 · Koen De Backer saw the alert and is following up",
        "Wed 18 Nov 10:00 · Koen De Backer paused the messages to the family until "
        "Tuesday 24 November inclusive",
    ]
    assert "• Problematic absence (code B): 1 half-day. From 5 on" in text


async def test_the_timeline_shows_each_guardian_s_consent_state(engine, clock, tmp_path):
    rules = Rules(do_not_contact=(DoNotContact(guardian="G005", pupil="P0003"),))
    async with telegram_world(engine, clock, tmp_path, rules=rules) as world:
        koen = await world.link("staff", "S02")
        yasmine = await ask(world, koen, "/pupil P0002")
        async with engine.begin() as conn:
            await conn.execute(
                sa.update(Pupil)
                .where(col(Pupil.pupil_id) == "P0002")
                .values(birth_date=dt.date(2008, 1, 1), guardian_consent=False)
            )
        of_age = await ask(world, koen, "/pupil P0002")
        emir = await ask(world, koen, "/pupil P0003")
        async with engine.begin() as conn:
            await conn.execute(sa.update(GuardianLink).values(may_contact=False))
        roster_no = await ask(world, koen, "/pupil P0002")

    assert "• Fatima El Amrani (moeder): krijgt berichten van Gemist" in yasmine
    assert (
        "• Fatima El Amrani (moeder): geen berichten: de leerling is meerderjarig en gaf geen "
        "toestemming" in of_age
    )
    assert (
        "• Ayşe Yılmaz (moeder): geen berichten: niet te contacteren volgens de regels van de "
        "school" in emir
    )
    assert (
        "• Fatima El Amrani (moeder): geen berichten: volgens de leerlingenlijst niet te "
        "contacteren" in roster_no
    )


async def test_every_timeline_shown_is_logged_with_who_and_when_and_a_refusal_is_not(world):
    await ask(world, world.koen, "/pupil P0003")
    world.clock.advance(dt.timedelta(minutes=7))
    await ask(world, world.koen, "/pupil P0003")
    await ask(world, world.hanne, "/pupil P0003")  # not hers: nothing shown, nothing logged
    await ask(world, world.teacher, "/pupil P0003")

    async with world.engine.connect() as conn:
        views = (
            await conn.execute(
                sa.select(
                    Staff.staff_id, Pupil.pupil_id, TimelineView.channel, TimelineView.viewed_at
                )
                .join(Staff, col(Staff.id) == col(TimelineView.viewer_id))
                .join(Pupil, col(Pupil.id) == col(TimelineView.pupil_id))
                .order_by(col(TimelineView.id))
            )
        ).all()
    now = world.clock.now()
    assert [tuple(view) for view in views] == [
        ("S02", "P0003", "telegram", now - dt.timedelta(minutes=7)),
        ("S02", "P0003", "telegram", now),
    ]
