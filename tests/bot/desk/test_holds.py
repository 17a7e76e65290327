"""*Wachtrij* (:mod:`bot.desk.holds`) on the example school (both backends): mass-absence holds
found by the real planner tick, waiting and decided, scoped by spilfiguur, decided through the
one writer.

Six of the eight pupils of 3A are marked absent on Friday 13 November and six of the eight of
1A on Monday 16 November: more than 60 % of a class, so the Monday tick holds both days. The
3A day is released at 10:45.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from bot.desk import Scope, decide_hold, hold_queue
from bot.engine.hold import HoldState
from scheduler.clock import VirtualClock
from tests.bot.desk.school import MONDAY, SCHOOL, at, feed, ids, roster, tick_and_send

FRIDAY = dt.date(2026, 11, 13)
ONE_A = ("P0001", "P0002", "P0003", "P0004", "P0005", "P0006")  # 3 of Koen's (S02), 3 of S05
THREE_A = ("P0016", "P0017", "P0018", "P0019", "P0020", "P0021")  # 3 of Hanne's (S03), 3 of S07
WHOLE = Scope.school(SCHOOL)


async def school(engine, tmp_path) -> None:
    clock = VirtualClock(at(8, 0))
    await roster(engine, clock)
    clock.set(at(9, 0))
    rows = "".join(f"{pupil},{FRIDAY},am,Z,,\n" for pupil in THREE_A)
    rows += "".join(f"{pupil},{MONDAY},am,B,,\n" for pupil in ONE_A)
    await feed(engine, clock, tmp_path / "absences.csv", rows, [FRIDAY, MONDAY])
    await tick_and_send(engine, clock, at(10, 30))
    three_a = await hold_id(engine, FRIDAY, "3A")
    async with engine.begin() as conn:
        decided = await decide_hold(
            conn, WHOLE, three_a, HoldState.RELEASED, by="web:S03", at=at(10, 45)
        )
    assert decided is True


async def hold_id(engine, day: dt.date, scope: str) -> int:
    async with engine.connect() as conn:
        found = await conn.scalar(
            sa.text("SELECT id FROM outreach_hold WHERE date = :d AND scope = :s"),
            {"d": day, "s": scope},
        )
    assert isinstance(found, int)
    return found


async def read(engine, scope=WHOLE, **kwargs):
    async with engine.connect() as conn:
        return await hold_queue(conn, scope, now=at(11, 0), **kwargs)


async def staff(engine, staff_id: str) -> Scope:
    return Scope.of_spilfiguur(SCHOOL, (await ids(engine)).staff[staff_id])


async def test_the_waiting_holds_and_the_decided_ones(engine, tmp_path):
    await school(engine, tmp_path)

    found = await read(engine)

    [waiting] = found.waiting
    assert (waiting.date, waiting.scope, waiting.whole_school, waiting.status) == (
        MONDAY,
        "1A",
        False,
        "held",
    )
    assert (waiting.absent, waiting.pupils, waiting.mine) == (6, 8, None)
    # The first message about each pupil whose family is reached: Lotte, Yasmine, Zofia, Wout
    # (Emir's and Mahdi's families have no address).
    assert waiting.held_messages == 4
    assert waiting.decided_at is None
    [released] = found.decided.items
    assert (released.date, released.scope, released.status, released.decided_by) == (
        FRIDAY,
        "3A",
        "released",
        "web:S03",
    )
    assert released.decided_at == at(10, 45).astimezone(dt.UTC)


async def test_a_spilfiguur_sees_the_holds_of_days_their_pupils_were_absent(engine, tmp_path):
    await school(engine, tmp_path)

    koen = await read(engine, await staff(engine, "S02"))
    assert [(hold.scope, hold.mine) for hold in koen.waiting] == [("1A", 3)]
    assert koen.decided.items == ()
    hanne = await read(engine, await staff(engine, "S03"))
    assert (hanne.waiting, [(h.scope, h.mine) for h in hanne.decided.items]) == ((), [("3A", 3)])
    nadia = await read(engine, await staff(engine, "S08"))  # 5B: nobody absent
    assert (nadia.waiting, nadia.decided.total) == ((), 0)


async def test_a_hold_is_decided_once_and_only_in_scope(engine, tmp_path):
    await school(engine, tmp_path)
    one_a = await hold_id(engine, MONDAY, "1A")

    async def decide(scope: Scope, state: HoldState) -> bool | None:
        async with engine.begin() as conn:
            return await decide_hold(conn, scope, one_a, state, by="web:S02", at=at(11, 0))

    assert await decide(await staff(engine, "S08"), HoldState.RELEASED) is None  # not hers
    assert await decide(Scope.school("another school"), HoldState.RELEASED) is None
    assert [hold.scope for hold in (await read(engine)).waiting] == ["1A"]

    assert await decide(await staff(engine, "S02"), HoldState.DISCARDED) is True
    assert await decide(WHOLE, HoldState.RELEASED) is False  # decided already

    found = await read(engine)
    assert found.waiting == ()
    assert [(h.scope, h.status) for h in found.decided.items] == [
        ("1A", "discarded"),  # the latest decision first
        ("3A", "released"),
    ]


async def test_decided_holds_come_in_pages_and_leave_after_a_while(engine, tmp_path):
    await school(engine, tmp_path)

    page = await read(engine, page=1, size=1)
    assert (page.decided.total, [h.scope for h in page.decided.items]) == (1, ["3A"])
    async with engine.connect() as conn:
        later = await hold_queue(conn, WHOLE, now=at(11, 0) + dt.timedelta(days=31))
    assert later.decided.total == 0
    assert [hold.scope for hold in later.waiting] == ["1A"]  # a waiting hold stays
