"""The recurring jobs' triggers, as APScheduler itself computes them, across DST and holidays."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS
from scheduler.jobs import (
    DISPATCH,
    FEED_POLL,
    MISFIRE_GRACE,
    PLANNER,
    RETENTION,
    Schedule,
    build_scheduler,
)

SCHEDULE = Schedule(tz=BRUSSELS, feed_poll_times=(time(9, 15), time(13, 45)))
CALENDAR = SchoolCalendar()


def fire_times(trigger, start: datetime, until: datetime) -> list[datetime]:
    """Every fire time from ``start`` up to ``until``, the way the scheduler walks them."""
    found: list[datetime] = []
    previous = None
    now = start
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire > until:
            return found
        found.append(fire)
        previous = now = fire


def local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # Summer time ends on Sunday 25 October 2026: 09:15 is 07:15 UTC before, 08:15 after.
        (date(2026, 10, 23), date(2026, 10, 26)),
        # Summer time starts on Sunday 28 March 2027: 09:15 is 08:15 UTC before, 07:15 after.
        (date(2027, 3, 26), date(2027, 3, 29)),
    ],
)
def test_feed_polls_stay_at_the_local_wall_times_across_a_dst_change(before, after):
    fires = fire_times(
        SCHEDULE.feed_poll_trigger(), local(before, time(0, 0)), local(after, time(23, 59))
    )

    assert [(f.astimezone(BRUSSELS).date(), f.astimezone(BRUSSELS).time()) for f in fires] == [
        (before, time(9, 15)),
        (before, time(13, 45)),
        (after, time(9, 15)),
        (after, time(13, 45)),
    ]  # nothing on the weekend of the change
    offsets = {f.astimezone(BRUSSELS).date(): f.astimezone(BRUSSELS).utcoffset() for f in fires}
    summer, winter = timedelta(hours=2), timedelta(hours=1)
    assert (offsets[before], offsets[after]) in {(summer, winter), (winter, summer)}


def test_the_first_poll_after_the_autumn_change_is_0815_utc():
    trigger = SCHEDULE.feed_poll_trigger()

    fire = trigger.get_next_fire_time(None, local(date(2026, 10, 24), time(12, 0)))

    assert fire.astimezone(UTC) == datetime(2026, 10, 26, 8, 15, tzinfo=UTC)


def test_polls_fire_on_holiday_weekdays_and_the_calendar_says_which_to_skip():
    # The Easter holiday of 2027 starts on Monday 29 March, the day after the spring change.
    fires = fire_times(
        SCHEDULE.feed_poll_trigger(),
        local(date(2027, 3, 25), time(12, 0)),
        local(date(2027, 3, 30), time(23, 0)),
    )
    days = [f.astimezone(BRUSSELS).date() for f in fires]

    assert sorted(set(days)) == [
        date(2027, 3, 25),
        date(2027, 3, 26),
        date(2027, 3, 29),
        date(2027, 3, 30),
    ]
    assert [d for d in sorted(set(days)) if CALENDAR.is_school_day(d)] == [
        date(2027, 3, 25),
        date(2027, 3, 26),
    ]


def test_one_poll_time_is_one_cron_trigger():
    schedule = Schedule(feed_poll_times=(time(8, 30),))

    fire = schedule.feed_poll_trigger().get_next_fire_time(None, local(date(2026, 11, 13), time(9)))

    assert fire.astimezone(BRUSSELS) == local(date(2026, 11, 16), time(8, 30))


@pytest.mark.parametrize("night", [date(2026, 10, 25), date(2027, 3, 28)])
def test_interval_ticks_count_elapsed_time_through_the_dst_night(night):
    start = local(night - timedelta(days=1), time(23, 0))
    trigger = SCHEDULE.planner_trigger(start)

    # Six hours of elapsed time (in UTC: adding to a local time would add wall time).
    fires = fire_times(trigger, start, start.astimezone(UTC) + timedelta(hours=6))

    assert fires[0] == start + timedelta(minutes=5)
    gaps = {b.astimezone(UTC) - a.astimezone(UTC) for a, b in itertools.pairwise(fires)}
    assert gaps == {timedelta(minutes=5)}
    assert len(fires) == 6 * 12


def test_the_dispatch_tick_runs_every_30_seconds():
    start = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)

    fires = fire_times(SCHEDULE.dispatch_trigger(start), start, start + timedelta(minutes=2))

    assert fires == [start + timedelta(seconds=30 * n) for n in range(1, 5)]


def test_bad_schedules_are_refused():
    with pytest.raises(ValueError, match="at least one feed poll"):
        Schedule(feed_poll_times=())
    with pytest.raises(ValueError, match="positive"):
        Schedule(planner_every=timedelta(0))
    with pytest.raises(ValueError, match="naive"):
        SCHEDULE.planner_trigger(datetime(2026, 11, 17, 9))  # noqa: DTZ001


async def _nothing() -> None:
    return None


async def test_one_scheduler_runs_each_job_once_at_a_time_in_memory():
    start = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
    scheduler = build_scheduler(
        SCHEDULE, {FEED_POLL: _nothing, PLANNER: _nothing, DISPATCH: _nothing}, start
    )
    scheduler.start(paused=True)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {FEED_POLL, PLANNER, DISPATCH}
        for job in jobs.values():
            assert job.coalesce is True
            assert job.max_instances == 1
            assert job.misfire_grace_time == MISFIRE_GRACE.total_seconds()
        assert type(scheduler._jobstores["default"]).__name__ == "MemoryJobStore"
        assert str(scheduler.timezone) == "Europe/Brussels"
        # The start is in the past: the next tick is on the same 5-minute grid from it.
        assert (jobs[PLANNER].next_run_time - start) % timedelta(minutes=5) == timedelta(0)
        assert (jobs[DISPATCH].next_run_time - start) % timedelta(seconds=30) == timedelta(0)
    finally:
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0)


def test_an_unknown_job_is_named():
    with pytest.raises(LookupError, match="no recurring job 'digest'"):
        build_scheduler(SCHEDULE, {"digest": _nothing}, datetime(2026, 11, 17, tzinfo=UTC))


def test_the_retention_purge_runs_every_day_at_three_at_night_local_time():
    trigger = SCHEDULE.triggers(datetime(2026, 10, 23, 12, tzinfo=UTC))[RETENTION]
    fires = fire_times(
        trigger, local(date(2026, 10, 23), time(12)), local(date(2026, 10, 27), time(12))
    )
    # Saturday and Sunday too, and at 03:00 on the wall clock on both sides of the DST change.
    assert fires == [datetime(2026, 10, day, 3, tzinfo=BRUSSELS) for day in (24, 25, 26, 27)]
    assert {f.astimezone(BRUSSELS).hour for f in fires} == {3}
