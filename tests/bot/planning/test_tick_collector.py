"""The planner tick pauses Python's garbage collector while it runs, and only then."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from bot.imports import import_roster
from bot.planning import tick as tick_module
from bot.planning.tick import planner_tick
from bot.rules import Rules
from integrations.csv import CsvRosterSource
from scheduler.calendar import SchoolCalendar

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"


@pytest.fixture
async def seen(engine, clock, monkeypatch):
    """Whether the collector ran while the tick planned, one entry per tick."""
    roster = CsvRosterSource(EXAMPLE / "roster", today=clock.today())
    await import_roster(engine, roster, school_id=SCHOOL, school_name="SJC", clock=clock)
    found: list[bool] = []
    plan_school = tick_module.plan_school

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        found.append(gc.isenabled())
        return plan_school(*args, **kwargs)

    monkeypatch.setattr(tick_module, "plan_school", watched)
    return found


async def tick(engine, clock) -> int:  # type: ignore[no-untyped-def]
    return await planner_tick(
        engine, school_id=SCHOOL, rules=Rules.default(), calendar=SchoolCalendar(), clock=clock
    )


async def test_the_collector_is_paused_during_a_tick_and_runs_again_after(engine, clock, seen):
    assert gc.isenabled()
    await tick(engine, clock)
    assert seen == [False]
    assert gc.isenabled()


async def test_a_collector_turned_off_by_the_caller_stays_off(engine, clock, seen):
    gc.disable()
    try:
        await tick(engine, clock)
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False]


async def test_a_failing_tick_leaves_the_collector_running(engine, clock, seen, monkeypatch):
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("planner broke")

    monkeypatch.setattr(tick_module, "plan_school", broken)
    with pytest.raises(RuntimeError, match="planner broke"):
        await tick(engine, clock)
    assert gc.isenabled()
