"""The live service behind ``gemist run``: the recurring ticks on one scheduler, one clock.

On start the service brings the database up to date, takes back what an earlier run of this
worker left in ``sending`` (:meth:`~bot.outbox.Dispatcher.resume`), runs each job once (so that a
restart at 10:00 does not wait until tomorrow for the 09:15 feed), and then lets the scheduler
(:mod:`scheduler.jobs`) run them:

- :meth:`Service.poll_feed` imports the configured feed file, on school days, when its contents
  changed since the last poll (size and modification time, then a SHA-256 of the contents);
  without a feed file, a school *platform* (:class:`Platform`: Smartschool) is read at the same
  times, and its roster synced daily (:data:`~scheduler.jobs.ROSTER_SYNC`, and once at the
  start, before the first poll, so that the poll knows today's pupils);
- :meth:`Service.plan` is the planner tick, under the rules in force: the latest version saved
  in the database (:mod:`bot.rulebook.versions`), else the rules file;
- :meth:`Service.dispatch` delivers what is due, batch after batch, until nothing is, through
  the school's delivery gate (:class:`~bot.planning.gate.DeliveryGate`: the sending hours and the
  caps, checked again at the moment of sending), rendered as each channel can show it: the
  pipeline of :mod:`bot.pipeline`, the same as ``simulate`` and ``demo`` use;
- :meth:`Service.purge` removes what the retention policy no longer keeps (daily at 03:00, and
  once at the start, beside the other jobs: :mod:`bot.privacy.purge`), and notes it in the
  privacy log; it stops between two of its short transactions when the service stops;
- :meth:`Service.news` is both at once, when someone has just answered on Telegram (so that the
  coordinator hears "I want to talk" now, not at the next ticks).

A planner tick and a dispatch batch never run at the same time, whoever started them: one lock
is held for each tick and each batch (not for a whole dispatch, so that an answer's nudge does
not wait behind a long one).

Every job reads "now" from the :class:`~scheduler.clock.Clock`. A job that raises is logged
with the error's type and the first line of its message (never a traceback, which could quote
message texts or personal data) and the scheduler carries on. :meth:`Service.stop` lets the
jobs in flight finish (the dispatcher stops after its current batch) before it returns.

:meth:`Service.run` also starts and stops an :class:`Inbound`, the side where people's messages
come in (the Telegram bot), in the order that loses nothing: the inbound side starts after the
service (the database is migrated, the jobs have run once) and on a stop it stops receiving
first, finishes the updates in hand and what they set off, and is closed only after the
service has stopped (the outbox sends through the same client).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import errno
import hashlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels import registry
from bot.config import Settings
from bot.db import migrate
from bot.imports import ImportReport, import_absences
from bot.outbox import Channel, DispatchReport, write_transaction
from bot.pipeline import assemble
from bot.privacy.audit import describe, record
from bot.privacy.purge import purge_in_steps
from bot.redaction import describe_error
from bot.rulebook.versions import CurrentRules
from bot.rules import Rules
from integrations.csv import CsvAbsenceSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock
from scheduler.jobs import (
    DISPATCH,
    FEED_POLL,
    PLANNER,
    RETENTION,
    ROSTER_SYNC,
    Schedule,
    build_scheduler,
)

__all__ = ["NEWS", "FeedFingerprint", "Inbound", "Platform", "Service"]

log = logging.getLogger(__name__)

STARTED_BY = "run"
NEWS = "news"
"""The name under which acting on an answer is logged, like a job."""
MAX_DISPATCH_RUNS = 100
"""Batches one dispatch tick sends at most; the next tick goes on with the rest."""
_HASH_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class FeedFingerprint:
    """What tells one version of the feed file from another."""

    mtime_ns: int
    size: int
    sha256: str


def fingerprint(path: Path, previous: FeedFingerprint | None = None) -> FeedFingerprint:
    """The file's fingerprint; the contents are hashed only when size or time changed;
    ``OSError`` for anything but a regular file, before it is opened."""
    stat = path.stat()
    if not S_ISREG(stat.st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a FIFO, a device or a folder?)")
    if previous is not None and (stat.st_mtime_ns, stat.st_size) == (
        previous.mtime_ns,
        previous.size,
    ):
        return previous
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return FeedFingerprint(stat.st_mtime_ns, stat.st_size, digest.hexdigest())


class Inbound(Protocol):
    """Where people's messages come in while the service runs (the Telegram bot)."""

    async def start(self) -> None:
        """Receive from now on."""

    async def stop_receiving(self) -> None:
        """Receive no more; return once what was received is handled, and what that set off
        (:meth:`Service.news`) has finished."""

    async def close(self) -> None:
        """Release the connection; after the service has stopped, which may still send."""


class Platform(Protocol):
    """A school platform the absences and the roster are read from (Smartschool:
    :class:`bot.imports.smartschool.SmartschoolFeed`), built by ``gemist run``: the service
    names no platform, as it names no channel."""

    roster_time: dt.time
    """The local time of the daily roster sync."""

    async def poll(self) -> object:
        """Import the absences of today and the days read again (on a school day)."""

    async def sync_roster(self) -> object:
        """Import the roster."""

    async def close(self) -> None:
        """Let go of the connection, once the service has stopped."""


class Service:
    """Gemist in live mode for one school: feed polls, planner ticks and dispatch ticks."""

    def __init__(
        self,
        settings: Settings,
        *,
        rules: Rules,
        calendar: SchoolCalendar,
        engine: AsyncEngine,
        clock: Clock,
        channel: Channel,
        worker_id: str,
        schedule: Schedule | None = None,
        platform: Platform | None = None,
    ) -> None:
        self.settings = settings
        # A feed file wins: the school chose it.
        self.platform = platform if settings.absence_feed is None else None
        self.rules = rules
        self.calendar = calendar
        self.engine = engine
        self.clock = clock
        self.schedule = schedule or Schedule.from_settings(settings)
        if self.platform is not None and schedule is None:
            self.schedule = dataclasses.replace(self.schedule, roster_at=self.platform.roster_time)
        self.pipeline = assemble(
            engine,
            school_id=settings.school_id,
            rules=rules,
            calendar=calendar,
            clock=clock,
            channels=channel,
            worker_id=worker_id,
            overrides=settings.messages,
            reach=settings.channel_order(frozenset(registry.usable(settings))),
        )
        """Planner tick, gate, rendering and dispatcher over ``channel`` (the school's router)."""
        self.dispatcher = self.pipeline.dispatcher
        self.current_rules = CurrentRules(engine, settings.school_id, rules)
        """The latest saved version of the rules, else ``rules`` (the file's): read each tick."""
        self._rules_listeners: list[Callable[[Rules], None]] = []
        self._feed_seen: FeedFingerprint | None = None
        self._feed_missing = False
        self._stopping = False
        self._winding_down = False
        self._ticks = asyncio.Lock()
        self._in_flight: set[asyncio.Task[object]] = set()
        self._scheduler: AsyncIOScheduler | None = None
        self._first_purge: asyncio.Task[None] | None = None

    # -- the jobs ------------------------------------------------------------------------------

    async def poll_feed(self) -> ImportReport | None:
        """Import the feed file if today is a school day and the file changed; the report, or
        ``None`` when nothing was imported."""
        path = self.settings.absence_feed
        if path is None:
            return None
        today = self.clock.today()
        if not self.calendar.is_school_day(today):
            log.debug("feed poll: %s is not a school day", today.isoformat())
            return None
        try:
            seen = await asyncio.to_thread(fingerprint, path, self._feed_seen)
        except FileNotFoundError:
            if not self._feed_missing:
                log.warning("feed poll: no file %s yet", path)
            self._feed_missing = True
            return None
        except OSError as err:  # a FIFO or a device: reading it could block the poll forever
            log.warning("feed poll: %s cannot be imported: %s", path, describe_error(err))
            return None
        self._feed_missing = False
        if self._feed_seen is not None and seen.sha256 == self._feed_seen.sha256:
            self._feed_seen = seen
            log.debug("feed poll: %s unchanged", path.name)
            return None
        report = await import_absences(
            self.engine,
            CsvAbsenceSource(path, code_map=self.settings.code_map),
            school_id=self.settings.school_id,
            school_name=self.settings.school_name,
            clock=self.clock,
            started_by=STARTED_BY,
            calendar=self.calendar,
            waiting=lambda other: log.info("feed poll: %s; waiting", other.describe(self.clock.tz)),
        )
        # Also after an unusable file: importing the same bytes again would not help.
        self._feed_seen = seen
        if report.error is not None:
            log.warning("feed %s unusable, nothing imported: %s", path.name, report.error)
        else:
            log.info(
                "feed %s imported (%s): %d rows, %d new, %d corrections, %d rejected",
                path.name,
                report.status,
                report.total("rows"),
                report.total("imported"),
                report.total("corrections"),
                report.total("rejected"),
            )
        return report

    async def plan(self) -> int:
        """The planner tick, under the rules in force (a version saved since the last tick
        counts from this one); returns the rows newly planned."""
        async with self._ticks:
            self.use_rules(await self.current_rules.refresh())
            planned = await self.pipeline.plan()
        if planned:
            log.info("planner: %d new outreach planned", planned)
        return planned

    def use_rules(self, rules: Rules) -> None:
        """Plan, gate and answer under ``rules`` from now on."""
        if rules is self.rules:
            return
        self.rules = rules
        self.pipeline.use_rules(rules)
        for listener in self._rules_listeners:
            listener(rules)

    def on_new_rules(self, listener: Callable[[Rules], None]) -> None:
        """Tell ``listener`` (the bot's conversations) of every new set of rules in force."""
        self._rules_listeners.append(listener)

    async def dispatch(self) -> DispatchReport:
        """Deliver what is due, batch after batch, until nothing is or the service stops."""
        total = DispatchReport()
        for _ in range(MAX_DISPATCH_RUNS):
            async with self._ticks:
                report = await self.dispatcher.run_once()
            total.add(report)
            if report.idle or self._winding_down:
                break
        if not total.idle:
            log.info(
                "dispatch: %d sent, %d to retry, %d undelivered, %d expired",
                len(total.sent),
                len(total.retried),
                len(total.undelivered),
                len(total.expired),
            )
        return total

    async def purge(self) -> int:
        """The retention purge, in short transactions; the rows removed. Logged in counts,
        never whose."""
        school = self.settings.school_id
        async with self._ticks:
            now = self.clock.now()
            removed = await purge_in_steps(
                self.engine,
                school,
                self.settings.retention,
                now,
                self.clock.tz,
                stopping=lambda: self._winding_down,
            )
            if removed.total():
                summary = f"removed {describe(removed)}"
                async with write_transaction(self.engine) as conn:
                    await record(conn, school, "purge", summary, "gemist run", now)
                # A pupil who left may have been erased: plan from the stored facts again.
                self.pipeline.forget_plans()
                log.info("retention purge: %s", summary)
        return removed.total()

    async def news(self) -> None:
        """Someone answered: plan and send now, as the jobs would at their next run. Its errors
        are logged, never raised (the person's thanks do not depend on it)."""
        await self.guarded(NEWS, self._plan_and_dispatch)()

    async def _plan_and_dispatch(self) -> None:
        await self.plan()
        await self.dispatch()

    def guarded(
        self, name: str, job: Callable[[], Awaitable[object]]
    ) -> Callable[[], Awaitable[None]]:
        """``job`` as the scheduler runs it: skipped once stopping, its errors logged, never
        raised, and waited for by :meth:`stop`."""

        async def run() -> None:
            if self._stopping:
                return
            task = asyncio.current_task()
            if task is not None:
                self._in_flight.add(task)
            try:
                await job()
            except Exception as err:
                log.error("%s job failed: %s", name, describe_error(err))
            finally:
                if task is not None:
                    self._in_flight.discard(task)

        return run

    def jobs(self) -> dict[str, Callable[[], Awaitable[None]]]:
        """The recurring jobs by id (:mod:`scheduler.jobs`); no feed poll without a feed or a
        platform, no roster sync without a platform."""
        jobs = {
            PLANNER: self.guarded(PLANNER, self.plan),
            DISPATCH: self.guarded(DISPATCH, self.dispatch),
            RETENTION: self.guarded(RETENTION, self.purge),
        }
        if self.settings.absence_feed is not None:
            jobs[FEED_POLL] = self.guarded(FEED_POLL, self.poll_feed)
        elif self.platform is not None:
            jobs[FEED_POLL] = self.guarded(FEED_POLL, self.platform.poll)
            jobs[ROSTER_SYNC] = self.guarded(ROSTER_SYNC, self.platform.sync_roster)
        return jobs

    # -- the life cycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Migrate, resume, run every job once, then start the scheduler on this loop."""
        await migrate(self.engine)
        recovered = await self.dispatcher.resume()
        if recovered:
            log.info("resumed: %d messages an earlier run left unsent", len(recovered))
        if self.settings.absence_feed is None and self.platform is None:
            log.warning("no absence_feed configured: the feed is not polled")
        jobs = self.jobs()
        for name in (ROSTER_SYNC, FEED_POLL, PLANNER, DISPATCH):
            if name in jobs:
                await jobs[name]()
        # The first purge after an upgrade can take minutes: it runs beside the bot.
        self._first_purge = asyncio.create_task(self._run_job(jobs[RETENTION]))
        self._scheduler = build_scheduler(self.schedule, jobs, self.clock.now())
        self._scheduler.start()

    @staticmethod
    async def _run_job(job: Callable[[], Awaitable[None]]) -> None:
        await job()

    def wind_down(self) -> None:
        """Start no scheduled job from now on, and let a dispatch end after its current batch;
        :meth:`news` still runs, so that answers received until the stop are acted on."""
        self._winding_down = True
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.pause()

    async def stop(self) -> None:
        """Start no new job, let the ones in flight finish, and shut the scheduler down."""
        self.wind_down()
        self._stopping = True
        scheduler, self._scheduler = self._scheduler, None
        current = asyncio.current_task()
        waiting = [task for task in self._in_flight if task is not current]
        if waiting:
            await asyncio.gather(*waiting, return_exceptions=True)
        if scheduler is not None:
            scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # the shutdown runs on the loop's next turn
        if self.platform is not None:
            await self.platform.close()

    async def run(
        self,
        stop: asyncio.Event | None = None,
        inbound: Inbound | None = None,
        *,
        ready: asyncio.Event | None = None,
    ) -> None:
        """Start (then ``inbound``), run until SIGINT, SIGTERM or ``stop`` is set, then stop
        cleanly (:meth:`shut_down`); ``ready`` is set once everything has started."""
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        signals = (signal.SIGINT, signal.SIGTERM)
        for sig in signals:
            with contextlib.suppress(NotImplementedError):  # not on Windows
                loop.add_signal_handler(sig, stop.set)
        opened: Inbound | None = None
        try:
            await self.start()
            if inbound is not None:
                opened = inbound
                await inbound.start()
            log.info(
                "started: school %s, worker %s", self.settings.school_id, self.dispatcher.worker_id
            )
            if ready is not None:
                ready.set()
            await stop.wait()
            log.info("stopping: letting the jobs in flight finish")
        finally:
            await self.shut_down(opened)
            for sig in signals:
                with contextlib.suppress(NotImplementedError):
                    loop.remove_signal_handler(sig)
        log.info("stopped")

    async def shut_down(self, inbound: Inbound | None = None) -> None:
        """Stop in the order that loses nothing: no new scheduled job; ``inbound`` receives no
        more and finishes what it has (an answer's :meth:`news` included); the jobs in flight
        finish; then ``inbound`` lets go of the client they sent with. Each step runs even
        when one before it failed."""
        self.wind_down()
        try:
            if inbound is not None:
                await inbound.stop_receiving()
        finally:
            try:
                await self.stop()
            finally:
                if inbound is not None:
                    await inbound.close()
