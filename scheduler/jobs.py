"""The recurring ticks of live mode, as data, and the one APScheduler that runs them.

APScheduler runs the recurring ticks only; a message waits as an outbox row (docs/architecture.md):

- :data:`FEED_POLL`: read the absence feed at the school's local wall times (09:15 and 13:45 by
  default) on weekdays. The trigger cannot know the school calendar, so the job itself skips
  the weekdays that are not school days (holidays, the school's free days).
- :data:`PLANNER`: the planner tick, every few minutes (5 by default).
- :data:`DISPATCH`: the dispatch tick, every 30 s.
- :data:`RETENTION`: the retention purge (:mod:`bot.privacy.purge`), daily at 03:00 local time,
  every day of the week (data ages on holidays too).
- :data:`ROSTER_SYNC`: the roster read from the school's platform (Smartschool), daily at
  06:30 local time by default (``[smartschool] roster_time``): before the first feed poll.

There are no jobs for the morning teacher reminders or the coordinator digest: the planner plans
them as outbox rows with a due time, and the dispatch tick sends them when that time comes. A
message's timer is a row in the outbox, never an APScheduler job, so it survives restarts and can
be cancelled when the facts change.

Cron triggers reason in the school's timezone, so a poll at 09:15 stays at 09:15 on the wall
clock on both sides of a DST change; interval triggers count elapsed time. The scheduler keeps
its jobs in memory only: everything that must survive a restart is in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from scheduler.clock import BRUSSELS

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = [
    "DISPATCH",
    "FEED_POLL",
    "MISFIRE_GRACE",
    "PLANNER",
    "RETENTION",
    "ROSTER_SYNC",
    "Schedule",
    "build_scheduler",
]

FEED_POLL = "feed_poll"
PLANNER = "planner"
DISPATCH = "dispatch"
RETENTION = "retention"
ROSTER_SYNC = "roster_sync"

WEEKDAYS = "mon-fri"
MISFIRE_GRACE = dt.timedelta(minutes=10)
"""A tick that could not start on time (a busy loop, a suspended VM) still runs this late;
later than that it is skipped, and several missed runs of one job run once (coalescing)."""

Job = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Schedule:
    """When each recurring job runs; the triggers are APScheduler 3.x's own."""

    tz: ZoneInfo = BRUSSELS
    feed_poll_times: tuple[dt.time, ...] = (dt.time(9, 15), dt.time(13, 45))
    planner_every: dt.timedelta = dt.timedelta(minutes=5)
    dispatch_every: dt.timedelta = dt.timedelta(seconds=30)
    retention_at: dt.time = dt.time(3, 0)
    roster_at: dt.time = dt.time(6, 30)

    def __post_init__(self) -> None:
        if not self.feed_poll_times:
            raise ValueError("a schedule needs at least one feed poll time")
        for every in (self.planner_every, self.dispatch_every):
            if every <= dt.timedelta(0):
                raise ValueError(f"an interval must be positive, not {every}")

    @classmethod
    def from_settings(cls, settings: Settings) -> Schedule:
        return cls(
            tz=settings.timezone,
            feed_poll_times=settings.feed_poll_times,
            planner_every=dt.timedelta(minutes=settings.planner_interval_minutes),
        )

    def feed_poll_trigger(self) -> BaseTrigger:
        """Weekdays at every poll time, local wall time."""
        crons: list[BaseTrigger] = [
            CronTrigger(day_of_week=WEEKDAYS, hour=at.hour, minute=at.minute, timezone=self.tz)
            for at in self.feed_poll_times
        ]
        return crons[0] if len(crons) == 1 else OrTrigger(crons)

    def planner_trigger(self, start: dt.datetime) -> BaseTrigger:
        """Every :attr:`planner_every`, the first one that long after ``start``."""
        return _every(self.planner_every, start, self.tz)

    def dispatch_trigger(self, start: dt.datetime) -> BaseTrigger:
        """Every :attr:`dispatch_every`, the first one that long after ``start``."""
        return _every(self.dispatch_every, start, self.tz)

    def retention_trigger(self) -> BaseTrigger:
        """Every day at :attr:`retention_at`, local wall time."""
        return CronTrigger(
            hour=self.retention_at.hour, minute=self.retention_at.minute, timezone=self.tz
        )

    def roster_trigger(self) -> BaseTrigger:
        """Every day at :attr:`roster_at`, local wall time."""
        return CronTrigger(hour=self.roster_at.hour, minute=self.roster_at.minute, timezone=self.tz)

    def triggers(self, start: dt.datetime) -> dict[str, BaseTrigger]:
        """Every recurring job's trigger, by job id; ``start`` is the clock's now."""
        return {
            FEED_POLL: self.feed_poll_trigger(),
            PLANNER: self.planner_trigger(start),
            DISPATCH: self.dispatch_trigger(start),
            RETENTION: self.retention_trigger(),
            ROSTER_SYNC: self.roster_trigger(),
        }


def _every(interval: dt.timedelta, start: dt.datetime, tz: ZoneInfo) -> IntervalTrigger:
    if start.tzinfo is None:
        raise ValueError(f"naive start {start!r}: give a timezone")
    return IntervalTrigger(
        seconds=interval.total_seconds(), start_date=start + interval, timezone=tz
    )


def build_scheduler(
    schedule: Schedule, jobs: Mapping[str, Job], start: dt.datetime
) -> AsyncIOScheduler:
    """One scheduler running ``jobs`` (by job id, see :meth:`Schedule.triggers`) on the running
    event loop once started; a job id without a function is left out.

    Each job runs at most once at a time, missed runs are coalesced, and jobs live in memory.
    """
    scheduler = AsyncIOScheduler(
        jobstores={"default": MemoryJobStore()},
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": int(MISFIRE_GRACE.total_seconds()),
        },
        timezone=schedule.tz,
    )
    triggers = schedule.triggers(start)
    for job_id, func in jobs.items():
        if job_id not in triggers:
            known = ", ".join(sorted(triggers))
            raise LookupError(f"no recurring job {job_id!r} (known: {known})")
        scheduler.add_job(func, triggers[job_id], id=job_id, name=job_id)
    return scheduler
