"""A planner tick plans only the pupils something may be due for; that must change nothing.

The same generated school replayed twice through ``gemist simulate``'s engine: once with the
ticks as they run (the pupils with recent news, :func:`~bot.planning.facts_db.read_recent_pupils`),
once planning every pupil at every tick. The messages must be the same, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import pytest

import bot.pipeline
import bot.simulate
from bot.bench.engine import generate_school
from bot.planning import tick
from bot.planning.facts_cache import FactsCache
from bot.rules import Rules
from bot.simulate import simulate
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS


async def _replay(folder: Path) -> list[str]:
    messages = await simulate(
        folder / "roster",
        folder / "absences.csv",
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        replies=folder / "replies.csv",
        start=dt.date(2026, 10, 12),
        end=dt.date(2026, 11, 13),  # the autumn holiday and Armistice Day included
        tz=BRUSSELS,
        school_id="bench",
        school_name="Bench",
    )
    return [json.dumps(message.as_json(), ensure_ascii=False) for message in messages]


@pytest.mark.slow
async def test_planning_the_pupils_with_news_gives_what_planning_everyone_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 40 pupils: since the coordinator's non-urgent nudges became lines of one daily message
    # (issue 14) fewer messages go out, and 30 pupils of this seed gave no coordinator message
    # at all; this school still has nudges and daily messages to compare.
    generate_school(tmp_path, 40, 11, replies=True)
    recent = await _replay(tmp_path)
    monkeypatch.setattr(
        bot.pipeline, "planner_tick", functools.partial(tick.planner_tick, everyone=True)
    )
    everyone = await _replay(tmp_path)
    assert len(recent) > 30  # a school where things happen
    assert any('"coordinator_digest"' in message for message in recent)
    assert recent == everyone


class _NoCache(tick.PlanCache):
    """Plans every pupil afresh at every tick."""

    def rows(self, pupil, context):  # type: ignore[no-untyped-def]
        self.clear()
        return super().rows(pupil, context)


@pytest.mark.slow
async def test_the_replays_shortcuts_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Skipped planner ticks, skipped dispatcher runs and the plan cache against a replay that
    plans and dispatches at every tick with nothing remembered."""
    generate_school(tmp_path, 30, 12, replies=True)
    fast = await _replay(tmp_path)
    runs = iter(range(1_000_000))
    monkeypatch.setattr(bot.simulate._Replay, "planned_from", lambda _self: next(runs))
    monkeypatch.setattr(bot.pipeline, "PlanCache", _NoCache)  # the replay's pipeline's

    async def always(_engine: object) -> dt.datetime:
        return dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

    monkeypatch.setattr(bot.simulate.store, "next_attempt", always)
    slow = await _replay(tmp_path)
    assert len(fast) > 30
    assert fast == slow


class _NoFacts(FactsCache):
    """Keeps no facts: every tick reads every pupil it plans, and the roster."""

    async def roster(self, *args):  # type: ignore[no-untyped-def]
        self.forget_all()
        return await super().roster(*args)

    async def pupils(self, *args):  # type: ignore[no-untyped-def]
        self.forget_all()
        return await super().pupils(*args)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [12, 13])
async def test_the_kept_facts_change_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """The facts kept between ticks (told of each import, reply and notice sent) against a
    replay that reads them afresh at every tick."""
    generate_school(tmp_path, 30, seed, replies=True)
    fast = await _replay(tmp_path)
    monkeypatch.setattr(bot.simulate, "FactsCache", _NoFacts)
    fresh = await _replay(tmp_path)
    assert len(fast) > 30
    assert fast == fresh
