"""Who the planner's facts say is reached how (both backends), from the contacts and the
school's order of channels: e-mail reaches nobody until Gemist has an e-mail channel."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.contacts import ChannelOrder
from bot.imports import import_absences, import_roster
from bot.planning.facts_db import load_school_facts, read_pupils, read_staff
from bot.planning.tick import planner_tick
from bot.rules import Rules
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from tests.helpers.contacts import link

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
# Ruben (P0022, 14) has only an e-mail address here (:func:`_email_only`); so have his mother
# (G029) and his spilfiguur (S03); his father (G030) has only a phone number.
FEED = "pupil_id,date,half_day,code\nP0022,2026-11-17,am,B\nP0022,2026-11-17,pm,B\n"
WITH_EMAIL = ChannelOrder(("telegram", "email"), frozenset({"telegram", "email"}))


def _email_only(folder: Path) -> Path:
    """The example roster, but Ruben, his mother and his spilfiguur have no chat: e-mail only."""
    shutil.copytree(EXAMPLE / "roster", folder)
    for name, row, chat in (
        ("pupils.csv", "P0022;", ";51000022"),
        ("guardians.csv", "G029;", ";52000029"),
        ("staff.csv", "S03,", ",53000003"),
    ):
        path = folder / name
        text = path.read_bytes().decode("utf-8")
        line = next(line for line in text.splitlines() if line.lstrip("\ufeff").startswith(row))
        # The column stays, empty: only the chat id goes.
        text = text.replace(line, line.replace(chat, chat[0]))
        path.write_bytes(text.encode("utf-8"))
    return folder


async def _seed(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path) -> None:
    roster = CsvRosterSource(_email_only(tmp_path / "roster"), today=clock.today())
    await import_roster(engine, roster, school_id=SCHOOL, school_name="SJC", clock=clock)
    (tmp_path / "feed.csv").write_text(FEED, encoding="utf-8")
    feed = CsvAbsenceSource(tmp_path / "feed.csv")
    await import_absences(engine, feed, school_id=SCHOOL, school_name="SJC", clock=clock)


async def test_a_person_with_only_an_e_mail_address_is_unreachable(engine, clock, tmp_path):
    await _seed(engine, clock, tmp_path)

    async with engine.connect() as conn:
        today = await load_school_facts(conn, SCHOOL)
        once_email_exists = await load_school_facts(conn, SCHOOL, channels=WITH_EMAIL)

    ruben = next(p for p in today.pupils if p.pupil_id == "P0022")
    assert ruben.channel is None
    assert [(g.guardian_id, g.channel) for g in ruben.guardians] == [("G029", None), ("G030", None)]
    assert ruben.spilfiguur is not None
    assert ruben.spilfiguur.channel is None  # S03 has an e-mail address only
    ruben = next(p for p in once_email_exists.pupils if p.pupil_id == "P0022")
    assert ruben.channel == "email"
    assert [(g.guardian_id, g.channel) for g in ruben.guardians] == [
        ("G029", "email"),
        ("G030", None),  # a phone number is for calling, never a channel
    ]


async def test_an_e_mail_only_pupil_is_planned_around_as_unreachable(engine, clock, tmp_path):
    """Before contacts, Ruben got a check-in "by e-mail" that ``gemist run`` could not send;
    now he is unreachable, so his father, who linked a chat, is told at once."""
    await _seed(engine, clock, tmp_path)
    async with engine.begin() as conn:
        await link(conn, "guardian", "G030", 6030, chosen=True)
    clock.set(datetime(2026, 11, 17, 10, 30, tzinfo=BRUSSELS))

    await planner_tick(
        engine, school_id=SCHOOL, rules=Rules.default(), calendar=SchoolCalendar(), clock=clock
    )

    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT o.kind, o.recipient_role, o.channel, g.guardian_id FROM outreach o"
                " LEFT JOIN guardian g ON g.id = o.recipient_id AND o.recipient_role = 'guardian'"
                " ORDER BY o.id"
            )
        )
        planned = [tuple(row) for row in rows]
    assert ("guardian_notice", "guardian", "telegram", "G030") in planned
    assert all(kind != "pupil_checkin" for kind, *_rest in planned)
    assert all(channel == "telegram" for _kind, _role, channel, _g in planned)


async def test_chosen_pupils_read_the_same_contacts_as_everyone(engine, clock, tmp_path):
    await _seed(engine, clock, tmp_path)
    async with engine.begin() as conn:
        await link(conn, "pupil", "P0022", 5022)
        await link(conn, "guardian", "G029", 6029)
        await link(conn, "staff", "S03", 7003)

    async with engine.connect() as conn:
        staff = await read_staff(conn, SCHOOL, WITH_EMAIL)
        everyone = await read_pupils(conn, SCHOOL, "SJC", staff, None, WITH_EMAIL)
        ids = {facts.pupil_id: facts.id for facts, _context in everyone}
        chosen = await read_pupils(conn, SCHOOL, "SJC", staff, [ids["P0022"]], WITH_EMAIL)

    [(ruben, _context)] = chosen
    assert (ruben, _context) in everyone
    assert ruben.channel == "telegram"  # a chat before e-mail, in the school's order
    assert [(g.guardian_id, g.channel) for g in ruben.guardians] == [
        ("G029", "telegram"),
        ("G030", None),
    ]
    assert ruben.spilfiguur is not None
    assert ruben.spilfiguur.channel == "telegram"
