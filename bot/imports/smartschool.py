"""Smartschool as the school's roster and absence source: what the commands and ``gemist run``
call (:mod:`integrations.smartschool` speaks the platform; this stores what it reads).

Absences are imported **date by date**: one import run, one transaction per date. The dates
are first read from Smartschool all at once (within the client's limit on calls at once), before
any transaction starts, so that no database lock waits on Smartschool. A date whose call failed
(no answer, a SOAP fault, JSON that cannot be read) is recorded as a failed or unusable run and
nothing of that date is stored, while the dates read fine are imported as usual: one
transaction for all dates would have rolled them back with it (:func:`import_absences` stores a
feed whole or not at all). A refused access code stops everything before any run: every date
would be refused alike, and the administrator must act.

The settings are ``[smartschool]`` (or ``GEMIST_SMARTSCHOOL_*``), read as the channel plug-ins'
own tables are (:func:`options`); the access code is never shown.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, Settings, table_options
from bot.exits import Exit
from bot.imports.absences import import_absences
from bot.imports.report import ImportReport
from bot.imports.roster import import_roster
from bot.imports.turns import Waiting
from integrations.exceptions import FeedAuthError, IntegrationError
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.roster import SmartschoolRosterSource
from integrations.smartschool.settings import SmartschoolOptions
from integrations.smartschool.source import SmartschoolAbsenceSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock

__all__ = [
    "DayImport",
    "SmartschoolFeed",
    "client",
    "dates_to_read",
    "import_absences_by_date",
    "import_smartschool_roster",
    "options",
]

log = logging.getLogger(__name__)

TABLE = "smartschool"
NOT_CONFIGURED = (
    "Smartschool is not configured: set url and access_code in [smartschool] of the "
    "configuration file (or GEMIST_SMARTSCHOOL_URL and GEMIST_SMARTSCHOOL_ACCESS_CODE)"
)


def options(settings: Settings) -> SmartschoolOptions:
    """The ``[smartschool]`` table with the ``GEMIST_SMARTSCHOOL_<KEY>`` variables over it,
    validated; :class:`ConfigError` naming the key and the reason, never the value."""
    return table_options(settings, TABLE, SmartschoolOptions, prefix="smartschool: ")


def client(settings: SmartschoolOptions) -> SmartschoolClient:
    """A client of the school's webservices; :class:`ConfigError` when not configured."""
    if settings.url is None or settings.access_code is None:
        raise ConfigError(NOT_CONFIGURED)
    return SmartschoolClient(
        settings.url,
        settings.access_code.get_secret_value(),
        timeout=settings.timeout,
        attempts=settings.attempts,
        max_concurrent=settings.max_concurrent,
    )


def dates_to_read(calendar: SchoolCalendar, today: dt.date, reread_days: int) -> list[dt.date]:
    """Today when it is a school day, and the ``reread_days`` school days before it, oldest
    first: a correction made in Smartschool on those days reaches Gemist as a correction."""
    days: list[dt.date] = []
    try:
        if calendar.is_school_day(today):
            days.append(today)
        day = today
        for _ in range(reread_days):
            day = calendar.previous_school_day(day)
            days.append(day)
    except (LookupError, ValueError):  # a year the calendar does not know: read what it does
        pass
    return sorted(days)


@dataclass
class DayImport:
    """What became of one date: its import report, or the error that kept it out."""

    day: dt.date
    location: str
    report: ImportReport | None = None
    error: IntegrationError | None = None

    @property
    def exit_code(self) -> Exit:
        if self.report is not None:
            return self.report.exit_code
        return Exit.UNUSABLE


async def import_absences_by_date(
    engine: AsyncEngine,
    smartschool: SmartschoolClient,
    dates: Iterable[dt.date],
    *,
    settings: Settings,
    clock: Clock,
    calendar: SchoolCalendar | None = None,
    started_by: str | None = None,
    waiting: Waiting | None = None,
) -> list[DayImport]:
    """Read ``dates`` from Smartschool at once, then import each date on its own; the outcome
    per date, oldest first. :class:`FeedAuthError` (the access code refused, a method not
    allowed) is raised before anything is imported."""
    sources = [
        SmartschoolAbsenceSource(smartschool, [day], code_map=settings.code_map)
        for day in sorted(set(dates))
    ]
    failures = await asyncio.gather(*(_read(source) for source in sources))
    for failure in failures:
        if isinstance(failure, FeedAuthError):
            raise failure
    outcomes: list[DayImport] = []
    for source in sources:
        outcome = DayImport(source.dates[0], source.location)
        try:
            outcome.report = await import_absences(
                engine,
                source,
                school_id=settings.school_id,
                school_name=settings.school_name,
                clock=clock,
                started_by=started_by,
                waiting=waiting,
                calendar=calendar,
            )
        except IntegrationError as err:  # recorded as a failed run; the other dates go on
            outcome.error = err
        outcomes.append(outcome)
    return outcomes


async def _read(source: SmartschoolAbsenceSource) -> IntegrationError | None:
    """Read one source now; its error (kept for the import to record) or None."""
    try:
        await source.read()
    except IntegrationError as err:
        return err
    return None


async def import_smartschool_roster(
    engine: AsyncEngine,
    smartschool: SmartschoolClient,
    *,
    settings: Settings,
    school: SmartschoolOptions,
    clock: Clock,
    started_by: str | None = None,
    waiting: Waiting | None = None,
) -> ImportReport:
    """Import the roster as Smartschool has it (:class:`SmartschoolRosterSource`)."""
    source = SmartschoolRosterSource(
        smartschool, identifier=school.identifier, spilfiguren=school.spilfiguren
    )
    return await import_roster(
        engine,
        source,
        school_id=settings.school_id,
        school_name=settings.school_name,
        clock=clock,
        started_by=started_by,
        waiting=waiting,
    )


class SmartschoolFeed:
    """What ``gemist run`` does with Smartschool: read the absences at the feed times (today
    and the ``reread_days`` school days before it) and sync the roster once a day at
    ``roster_time``. Each job logs what it did in counts, never whose, nor the access code."""

    def __init__(
        self,
        settings: Settings,
        school: SmartschoolOptions,
        *,
        engine: AsyncEngine,
        clock: Clock,
        calendar: SchoolCalendar,
        started_by: str = "run",
    ) -> None:
        self.settings = settings
        self.school = school
        self.engine = engine
        self.clock = clock
        self.calendar = calendar
        self.started_by = started_by
        self.roster_time = school.roster_time
        self._client = client(school)

    async def close(self) -> None:
        await self._client.close()

    async def poll(self) -> Sequence[DayImport]:
        """Import today's and the re-read days' absences, on a school day."""
        today = self.clock.today()
        if not self.calendar.is_school_day(today):
            log.debug("smartschool poll: %s is not a school day", today.isoformat())
            return []
        dates = dates_to_read(self.calendar, today, self.school.reread_days)
        outcomes = await import_absences_by_date(
            self.engine,
            self._client,
            dates,
            settings=self.settings,
            clock=self.clock,
            calendar=self.calendar,
            started_by=self.started_by,
            waiting=lambda other: log.info(
                "smartschool poll: %s; waiting", other.describe(self.clock.tz)
            ),
        )
        for outcome in outcomes:
            report = outcome.report
            if outcome.error is not None:
                log.warning("%s: nothing imported: %s", outcome.location, outcome.error)
            elif report is not None and report.error is not None:
                log.warning("%s unusable, nothing imported: %s", outcome.location, report.error)
            elif report is not None:
                log.info(
                    "%s imported (%s): %d rows, %d new, %d corrections, %d rejected",
                    outcome.location,
                    report.status,
                    report.total("rows"),
                    report.total("imported"),
                    report.total("corrections"),
                    report.total("rejected"),
                )
        return outcomes

    async def sync_roster(self) -> ImportReport:
        """Import the roster from Smartschool."""
        report = await import_smartschool_roster(
            self.engine,
            self._client,
            settings=self.settings,
            school=self.school,
            clock=self.clock,
            started_by=self.started_by,
            waiting=lambda other: log.info(
                "smartschool roster: %s; waiting", other.describe(self.clock.tz)
            ),
        )
        if report.error is not None:
            log.warning("smartschool roster unusable, nothing imported: %s", report.error)
        else:
            log.info(
                "smartschool roster imported (%s): %d rows, %d changed, %d made inactive or "
                "unlinked, %d rejected",
                report.status,
                report.total("rows"),
                report.total("imported"),
                report.total("corrections"),
                report.total("rejected"),
            )
        if report.warnings:  # they name pupils: the command shows them, the log counts them
            log.warning(
                "smartschool roster: %d warning(s); `gemist import roster --from smartschool` "
                "shows them",
                len(report.warnings),
            )
        return report
