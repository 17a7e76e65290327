"""``gemist hold``: a coordinator lists the held days and releases or discards them."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.cli import main
from bot.engine.hold import Suspect
from bot.imports.runs import ensure_school
from bot.outbox import write_transaction
from bot.planning.decisions import list_holds, store_suspects
from scheduler.clock import VirtualClock

SCHOOL = "school"  # the id without a configuration


@pytest.fixture
def gemist(db_url, monkeypatch):
    for name in ("GEMIST_CONFIG", "GEMIST_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GEMIST_ACTOR", "an.claes")
    return lambda *args: main(["--db", db_url, *args])


async def _held(engine: AsyncEngine, clock: VirtualClock) -> None:
    async with write_transaction(engine) as conn:
        await ensure_school(conn, SCHOOL, "Testschool", clock)
        await store_suspects(
            conn, SCHOOL, [Suspect(dt.date(2026, 11, 17), "2B", 20, 22)], clock.now()
        )


async def test_list_release_and_a_second_decision(gemist, engine, clock, capsys):
    await _held(engine, clock)

    assert await _run(gemist, "hold", "list") == 0
    assert "2026-11-17  class 2B: 20 of 22 absent; held" in capsys.readouterr().out

    assert await _run(gemist, "hold", "release", "2026-11-17", "--class", "2B") == 0
    assert "2026-11-17, class 2B: released" in capsys.readouterr().out
    async with engine.connect() as conn:
        (hold,) = await list_holds(conn, SCHOOL)
    assert (hold.status, hold.decided_by) == ("released", "an.claes")

    assert await _run(gemist, "hold", "discard", "2026-11-17", "--class", "2B") == 1
    assert "no undecided hold for class 2B on 2026-11-17" in capsys.readouterr().err
    assert await _run(gemist, "hold", "release", "2026-11-17") == 1  # no school-wide hold


async def _run(gemist, *args: str) -> int:
    # main() runs its own event loop: off this test's loop, in a thread.
    return await asyncio.to_thread(gemist, *args)
