"""The example school (``docs/example``) with a few open cases, built the way a school builds
them: the real roster and absence imports, answers stored by the one writer, the planner tick
and the dispatcher (both backends through the ``engine`` fixture).

On Monday 16 November 2026 in Brussels, with a tick and a dispatch at 11:02 and at 11:30:

- Ruben (P0022, 3A, spilfiguur Hanne S03) reached the CLB threshold: five B half-days (told
  at 11:02);
- Omar (P0017, 3A, S03) asked to talk at 11:00 (told at 11:02);
- Yasmine (P0002, 1A, Koen S02): her father Karim (G004, French) asked for a call at 11:05
  (told at 11:30);
- Lotte (P0001, 1A, Pieter S05): her mother Katrien (G001) blocked the bot at 09:45, and her
  father Dirk has only a phone number: nobody in her family is reached any more (told at
  11:02).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.answers import record_reply
from bot.contacts import store as contacts
from bot.engine.facts import SenderRole
from bot.imports import import_absences, import_roster
from bot.outbox import Dispatcher, RecordingChannel, write_transaction
from bot.outbox.rendering import RenderingChannel
from bot.planning.tick import planner_tick
from bot.rules import Rules
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
NAME = "Sint-Jozefcollege"
RULES = Rules.default()
CALENDAR = SchoolCalendar()
MONDAY = dt.date(2026, 11, 16)
HEADER = "pupil_id,date,half_day,code,expected_return,note\n"
RUBEN = "".join(
    f"P0022,{day},{half},B,,\n"
    for day, half in (
        ("2026-11-12", "am"),
        ("2026-11-12", "pm"),
        ("2026-11-13", "am"),
        ("2026-11-13", "pm"),
        ("2026-11-16", "am"),
    )
)


def at(hour: int, minute: int = 0, day: dt.date = MONDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


@dataclass(frozen=True)
class Ids:
    """Database ids of the people the tests look at, by roster id."""

    pupils: dict[str, int]
    guardians: dict[str, int]
    staff: dict[str, int]


async def ids(engine: AsyncEngine) -> Ids:
    async with engine.connect() as conn:
        found = []
        for table, column in (("pupil", "pupil_id"), ("guardian", "guardian_id"),
                              ("staff", "staff_id")):  # fmt: skip
            rows = await conn.execute(sa.text(f"SELECT {column}, id FROM {table}"))
            found.append({str(row[0]): int(row[1]) for row in rows})
    return Ids(*found)


async def roster(engine: AsyncEngine, clock: VirtualClock) -> None:
    report = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name=NAME,
        clock=clock,
    )
    assert report.exit_code == 0, report


async def feed(
    engine: AsyncEngine, clock: VirtualClock, path: Path, rows: str, days: list[dt.date]
) -> None:
    path.write_text(HEADER + rows, encoding="utf-8")  # noqa: ASYNC240 (a test's small file)
    report = await import_absences(
        engine, CsvAbsenceSource(path, covers=days), school_id=SCHOOL, school_name=NAME, clock=clock
    )
    assert report.exit_code == 0, report


async def tick_and_send(engine: AsyncEngine, clock: VirtualClock, when: dt.datetime) -> None:
    clock.set(when)
    await planner_tick(engine, school_id=SCHOOL, rules=RULES, calendar=CALENDAR, clock=clock)
    await Dispatcher(engine, RenderingChannel(RecordingChannel(clock)), clock, "w1").drain()


async def cases_school(engine: AsyncEngine, tmp_path: Path) -> VirtualClock:
    """The school above, its clock at Monday 11:30."""
    clock = VirtualClock(at(8, 0))
    await roster(engine, clock)
    people = await ids(engine)
    clock.set(at(9, 0))
    days = [dt.date(2026, 11, 12), dt.date(2026, 11, 13), MONDAY]
    await feed(engine, clock, tmp_path / "absences.csv", RUBEN, days)
    async with write_transaction(engine) as conn:
        await contacts.refuse(conn, "telegram", "guardian", people.guardians["G001"], at(9, 45))
    for minute, role, sender, pupil, answer in (
        (0, SenderRole.PUPIL, "P0017", "P0017", "want_to_talk"),
        (5, SenderRole.GUARDIAN, "G004", "P0002", "want_a_call"),
    ):
        if minute == 5:  # what is known by then goes at 11:02
            await tick_and_send(engine, clock, at(11, 2))
        stored = await record_reply(
            engine,
            school_id=SCHOOL,
            pupil_id=pupil,
            sender_role=role,
            sender_id=sender,
            answer=answer,
            at=at(11, minute),
        )
        assert stored
    await tick_and_send(engine, clock, at(11, 30))
    return clock
