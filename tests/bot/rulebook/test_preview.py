"""The preview of a rule change on a small school's own history (both backends): the
difference by kind and by recipient, examples side by side, nothing written to the school's
database; and the default period of four school weeks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.answers import record_reply
from bot.engine.facts import SenderRole
from bot.imports import import_roster
from bot.rulebook.preview import Preview, forget_replays, last_school_weeks, preview, report
from bot.rules import Rules, parse_rules
from bot.simulate import read_feed, replay_store
from integrations.csv import CsvRosterSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from tests.helpers.dump import dump

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
START, END = dt.date(2026, 11, 16), dt.date(2026, 11, 27)


async def school_with_history(engine: AsyncEngine, school: str = SCHOOL) -> None:
    """The example school's database after three weeks of ``gemist run`` (replayed into it)."""
    clock = VirtualClock(dt.datetime(2026, 11, 8, 12, tzinfo=BRUSSELS))
    roster = CsvRosterSource(EXAMPLE / "roster", today=clock.today())
    await import_roster(engine, roster, school_id=school, school_name="SJC", clock=clock)
    await replay_store(
        engine,
        await read_feed(EXAMPLE / "absences.csv"),
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        start=dt.date(2026, 11, 9),
        end=dt.date(2026, 12, 4),
        tz=BRUSSELS,
        school_id=school,
    )


async def preview_of(engine: AsyncEngine, proposed: str, *, parallel: bool = False) -> Preview:
    return await preview(
        engine,
        school_id=SCHOOL,
        current=Rules.default(),
        proposed=parse_rules(proposed),
        calendar=SchoolCalendar(),
        tz=BRUSSELS,
        start=START,
        end=END,
        parallel=parallel,
    )


def counts(rows) -> dict[str, tuple[int, int]]:  # type: ignore[no-untyped-def]
    return {row.name: (row.current, row.proposed) for row in rows}


async def test_the_same_rules_make_no_difference(engine):
    await school_with_history(engine)

    result = await preview_of(engine, "")

    assert result.unchanged
    assert len(result.current) > 0
    assert all(row.change == 0 for row in [*result.by_kind, *result.by_role])
    assert result.examples == ()
    assert list(report(result))[-1] == (
        "The proposed rules send exactly the same messages in this period."
    )


async def test_a_check_in_turned_off_for_b_sends_fewer_check_ins_and_nothing_else_less(engine):
    await school_with_history(engine)
    before = await dump(engine)

    result = await preview_of(engine, "codes:\n  B: {pupil_checkin: false}\n")

    by_kind, by_role = counts(result.by_kind), counts(result.by_role)
    # P0022 (B on the 16th and the 23rd) and P0023 (B on the 20th) hear nothing themselves.
    assert by_kind["pupil_checkin"] == (8, 5)
    assert by_role["pupil"] == (8, 5)
    assert {name: pair for name, pair in by_kind.items() if pair[0] != pair[1]} == {
        "pupil_checkin": (8, 5)
    }
    first = result.examples[0]
    assert (first.about, first.day) == ("P0022", START)
    assert [m.kind for m in first.current] == ["pupil_checkin", "guardian_notice"]
    assert [m.kind for m in first.proposed] == ["guardian_notice"]
    # Without a check-in the guardians hear at check-in time, not after the grace period.
    assert first.proposed[0].at.time() == dt.time(10, 30)
    assert first.current[1].at.time() == dt.time(12, 30)
    assert {example.about for example in result.examples} == {"P0022", "P0023"}
    assert await dump(engine) == before  # the school's database is only read


async def test_a_lower_clb_threshold_adds_coordinator_nudges(engine):
    await school_with_history(engine)

    result = await preview_of(engine, "nudges: {problematic_half_days: 2}")

    by_kind = counts(result.by_kind)
    assert by_kind["coordinator_nudge"] == (0, 2)
    assert counts(result.by_role)["coordinator"][1] > counts(result.by_role)["coordinator"][0]
    assert by_kind["pupil_checkin"] == (8, 8)
    nudges = [m for m in result.proposed if m.kind == "coordinator_nudge"]
    assert sorted(m.pupil_id for m in nudges) == ["P0022", "P0023"]
    assert all("2 halve dagen problematische afwezigheid" in m.text for m in nudges)
    lines = list(report(result))
    assert "  coordinator_nudge                 0         2      +2" in lines


async def test_messages_before_the_period_are_history_not_preview(engine):
    await school_with_history(engine)

    result = await preview_of(engine, "codes:\n  B: {pupil_checkin: false}\n")

    # P0022's first B (9 November) was answered in the history: no message of it comes back.
    assert all(START <= m.at.date() <= END for m in [*result.current, *result.proposed])


async def test_the_replays_in_worker_processes_give_what_one_process_gives(engine):
    await school_with_history(engine)

    alone = await preview_of(engine, "nudges: {problematic_half_days: 2}")
    apart = await preview_of(engine, "nudges: {problematic_half_days: 2}", parallel=True)

    assert (apart.current, apart.proposed) == (alone.current, alone.proposed)
    assert apart.examples == alone.examples


async def test_the_rules_in_force_are_replayed_once_while_nothing_else_changes(engine):
    await school_with_history(engine)

    first = await preview_of(engine, "codes:\n  B: {pupil_checkin: false}\n")
    second = await preview_of(engine, "nudges: {problematic_half_days: 2}")
    same = await preview_of(engine, "")
    forget_replays()
    fresh = await preview_of(engine, "nudges: {problematic_half_days: 2}")

    assert first.replayed == {"current", "proposed"}
    assert second.replayed == {"proposed"}
    assert same.replayed == frozenset()  # the same rules as in force: nothing to replay
    assert fresh.replayed == {"current", "proposed"}
    assert (second.current, second.proposed) == (fresh.current, fresh.proposed)
    assert same.unchanged


async def test_a_new_answer_in_the_school_is_a_new_replay(engine):
    await school_with_history(engine)
    await preview_of(engine, "")
    await record_reply(
        engine,
        school_id=SCHOOL,
        pupil_id="P0022",
        sender_role=SenderRole.PUPIL,
        sender_id="P0022",
        answer="want_to_talk",
        at=dt.datetime(2026, 11, 16, 11, 0, tzinfo=BRUSSELS),
    )

    again = await preview_of(engine, "")

    assert again.replayed == {"current"}
    talk = [m for m in again.current if m.kind == "coordinator_nudge" and m.pupil_id == "P0022"]
    assert talk[0].at.date() == START  # "I want to talk" reaches the spilfiguur that day


def test_the_default_period_is_the_last_four_school_weeks_up_to_today():
    calendar = SchoolCalendar()

    start, end = last_school_weeks(dt.date(2026, 11, 18), calendar)
    after_autumn = last_school_weeks(dt.date(2026, 11, 4), calendar)

    assert end == dt.date(2026, 11, 18)
    assert start == dt.date(2026, 10, 19)  # the autumn holiday (2 to 8 November) is skipped
    assert start.weekday() == 0
    assert after_autumn[0] == dt.date(2026, 10, 5)  # the holiday week itself counts for nothing


async def test_a_period_that_ends_before_it_starts_is_refused(engine):
    with pytest.raises(ValueError, match="ends"):
        await preview(
            engine,
            school_id=SCHOOL,
            current=Rules.default(),
            proposed=Rules.default(),
            calendar=SchoolCalendar(),
            tz=BRUSSELS,
            start=END,
            end=START,
        )


async def test_the_scratch_store_is_migrated_once_per_process(engine, monkeypatch):
    import bot.rulebook.preview as module

    await school_with_history(engine)
    migrations = []
    migrate = module.migrate

    async def counted(target):  # type: ignore[no-untyped-def]
        migrations.append(target)
        await migrate(target)

    monkeypatch.setattr(module, "migrate", counted)
    monkeypatch.setattr(module, "_MIGRATED", None, raising=False)
    first = await preview_of(engine, "nudges: {problematic_half_days: 2}")
    forget_replays()
    again = await preview_of(engine, "nudges: {problematic_half_days: 2}")

    assert len(migrations) == 1  # the second preview starts from the first one's empty store
    assert again.replayed == {"current", "proposed"}
    assert (again.current, again.proposed) == (first.current, first.proposed)
