"""``gemist import roster DIR`` and ``gemist import absences FILE``, or from the school's
Smartschool: ``gemist import roster --from smartschool`` and ``gemist import absences --from
smartschool [--date YYYY-MM-DD]`` (by default today and the ``reread_days`` school days before
it, each date imported on its own: :mod:`bot.imports.smartschool`)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.commands.common import open_database
from bot.config import ConfigError, Settings
from bot.exits import Exit
from bot.imports import ImportReport, import_absences
from bot.imports.turns import RunningImport, Waiting
from integrations.csv.source import CsvAbsenceSource
from integrations.exceptions import IntegrationError
from scheduler.calendar import SchoolCalendar
from scheduler.clock import WallClock
from scheduler.ical import CalendarFileError

if TYPE_CHECKING:
    from bot.imports.smartschool import DayImport

__all__ = ["print_days", "print_report", "register"]

# A human reading a terminal wants the first problems, not ten thousand lines.
HUMAN_REJECT_LIMIT = 50
SOURCES = ("csv", "smartschool")


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "import", help="import a roster folder or an absence feed"
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    roster = kinds.add_parser("roster", help="import or update the roster folder")
    roster.add_argument("path", metavar="DIR", type=Path, nargs="?")
    roster.add_argument(
        "--from", dest="source", choices=SOURCES, default="csv",
        help="csv: the roster folder DIR (default); smartschool: the school's Smartschool",
    )  # fmt: skip
    roster.add_argument("--json", action="store_true", help="JSON Lines on stdout")
    roster.set_defaults(handler=run_roster)
    absences = kinds.add_parser("absences", help="import an absence feed (snapshot per date)")
    absences.add_argument("path", metavar="FILE", type=Path, nargs="?")
    absences.add_argument(
        "--from", dest="source", choices=SOURCES, default="csv",
        help="csv: the feed FILE (default); smartschool: the school's Smartschool",
    )  # fmt: skip
    absences.add_argument(
        "--date", type=dt.date.fromisoformat, action="append", metavar="YYYY-MM-DD",
        help="with --from smartschool: the date to read (again for more); default: today and "
        "the reread_days school days before it",
    )  # fmt: skip
    absences.add_argument("--json", action="store_true", help="JSON Lines on stdout")
    absences.set_defaults(handler=run_absences)


def _source_problem(args: argparse.Namespace, what: str) -> str | None:
    """What is wrong with the source's arguments, if anything."""
    if args.source == "smartschool":
        if args.path is not None:
            return f"gemist import {args.kind}: give either {what} or --from smartschool"
        return None
    if getattr(args, "date", None):
        return "gemist import absences: --date is for --from smartschool"
    if args.path is None:
        return f"gemist import {args.kind}: give the {what} to import, or --from smartschool"
    return None


async def run_absences(args: argparse.Namespace, settings: Settings) -> int:
    """Import an absence feed and report what happened (into the school's existing database:
    a feed means nothing without the roster)."""
    if (problem := _source_problem(args, "FILE")) is not None:
        print(problem, file=sys.stderr)
        return Exit.UNUSABLE
    if args.source == "smartschool":
        return await _smartschool_absences(args, settings)
    engine = await open_database(settings, command="gemist import absences")
    if engine is None:
        return Exit.UNUSABLE
    try:
        calendar = SchoolCalendar.from_settings(settings)
    except CalendarFileError as err:
        print(f"gemist: calendar: {err}", file=sys.stderr)
        await engine.dispose()
        return Exit.UNUSABLE
    progress = _progress(args.path.name)
    try:
        source = CsvAbsenceSource(args.path, code_map=settings.code_map)
        report = await import_absences(
            engine,
            source,
            school_id=settings.school_id,
            school_name=settings.school_name,
            clock=WallClock(settings.timezone),
            progress=progress,
            calendar=calendar,
            waiting=_waiting(settings),
        )
    finally:
        await engine.dispose()
        if progress is not None:
            print(file=sys.stderr)
    print_report(report, as_json=args.json)
    return report.exit_code


async def run_roster(args: argparse.Namespace, settings: Settings) -> int:
    """Import a roster folder and report what happened per file."""
    from bot.imports import import_roster
    from integrations.csv.roster import CsvRosterSource

    if (problem := _source_problem(args, "DIR")) is not None:
        print(problem, file=sys.stderr)
        return Exit.UNUSABLE
    if args.source == "smartschool":
        return await _smartschool_roster(args, settings)
    engine = await open_database(settings, command="gemist import roster", may_create=True)
    if engine is None:
        return Exit.UNUSABLE
    try:
        report = await import_roster(
            engine,
            CsvRosterSource(args.path),
            school_id=settings.school_id,
            school_name=settings.school_name,
            clock=WallClock(settings.timezone),
            waiting=_waiting(settings),
        )
    finally:
        await engine.dispose()
    print_report(report, as_json=args.json)
    return report.exit_code


async def _smartschool_roster(args: argparse.Namespace, settings: Settings) -> int:
    """Import the roster from the school's Smartschool."""
    from bot.imports import smartschool

    command = "gemist import roster --from smartschool"
    try:
        school = smartschool.options(settings)
        client = smartschool.client(school)
    except ConfigError as err:
        print(f"{command}: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    engine = await open_database(settings, command=command, may_create=True)
    if engine is None:
        await client.close()
        return Exit.UNUSABLE
    try:
        report = await smartschool.import_smartschool_roster(
            engine,
            client,
            settings=settings,
            school=school,
            clock=WallClock(settings.timezone),
            waiting=_waiting(settings),
        )
    except IntegrationError as err:
        print(f"gemist: {err}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return Exit.UNUSABLE
    finally:
        await client.close()
        await engine.dispose()
    print_report(report, as_json=args.json)
    return report.exit_code


async def _smartschool_absences(args: argparse.Namespace, settings: Settings) -> int:
    """Import the absences of the chosen dates from the school's Smartschool, date by date."""
    from bot.imports import smartschool

    command = "gemist import absences --from smartschool"
    try:
        school = smartschool.options(settings)
        client = smartschool.client(school)
        calendar = SchoolCalendar.from_settings(settings)
    except (ConfigError, CalendarFileError) as err:
        print(f"{command}: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    clock = WallClock(settings.timezone)
    dates = args.date or smartschool.dates_to_read(calendar, clock.today(), school.reread_days)
    if not dates:
        await client.close()
        print(f"{command}: no school day to read; give one with --date", file=sys.stderr)
        return Exit.UNUSABLE
    engine = await open_database(settings, command=command)
    if engine is None:
        await client.close()
        return Exit.UNUSABLE
    try:
        outcomes = await smartschool.import_absences_by_date(
            engine,
            client,
            dates,
            settings=settings,
            clock=clock,
            calendar=calendar,
            waiting=_waiting(settings),
        )
    except IntegrationError as err:  # the access code refused: no date was imported
        print(f"gemist: {err}", file=sys.stderr)
        print("Nothing was imported.", file=sys.stderr)
        return Exit.UNUSABLE
    finally:
        await client.close()
        await engine.dispose()
    return print_days(outcomes, as_json=args.json)


def print_days(
    outcomes: Sequence[DayImport],
    *,
    as_json: bool,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> Exit:
    """Print each date's report (or why nothing of it was imported); the worst exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    worst = Exit.OK
    for outcome in outcomes:
        if outcome.report is not None:
            print_report(outcome.report, as_json=as_json, out=out, err=err)
        else:
            reason = str(outcome.error)
            if as_json:
                line = {"file": outcome.location, "line": None, "column": None, "reason": reason}
                print(json.dumps(line, ensure_ascii=False), file=out)
            print(f"gemist: {reason}; nothing of {outcome.day.isoformat()} was imported", file=err)
        if outcome.exit_code == Exit.UNUSABLE or worst == Exit.OK:
            worst = outcome.exit_code  # unusable beats rejects beats done
    return worst


def print_report(
    report: ImportReport, *, as_json: bool, out: TextIO | None = None, err: TextIO | None = None
) -> None:
    """Print a report as docs/contracts.md says: JSON Lines, or short human text."""
    out = out or sys.stdout
    err = err or sys.stderr
    for warning in report.warnings:
        print(f"warning: {warning}", file=err)
    if as_json:
        for file in report.files:
            for reject in file.rejects:
                print(json.dumps(reject.as_json(), ensure_ascii=False), file=out)
        if report.error is not None:
            error = report.error
            fields = {"file": error.file, "line": error.line, "column": error.column}
            print(json.dumps({**fields, "reason": error.reason}, ensure_ascii=False), file=out)
        for file in report.files:
            print(json.dumps(file.summary(), ensure_ascii=False), file=out)
        if report.error is not None:
            print(f"gemist: {report.error}; nothing was imported", file=err)
        return
    if report.error is not None:
        print(f"gemist: {report.error}", file=err)
        print("Nothing was imported.", file=err)
        return
    for file in report.files:
        print(
            f"{file.file}: {file.rows:,} rows: {file.imported:,} imported, "
            f"{file.unchanged:,} unchanged, {file.rejected:,} rejected, "
            f"{file.corrections:,} corrections",
            file=out,
        )
        for reject in file.rejects[:HUMAN_REJECT_LIMIT]:
            if reject.line is None and reject.column:  # a platform's: the column says where
                where = reject.column
            else:
                where = f"line {reject.line}" if reject.line is not None else "file"
                if reject.column:
                    where += f", {reject.column}"
            print(f"  {where}: {reject.reason}", file=out)
        if file.rejected > HUMAN_REJECT_LIMIT:
            print(
                f"  ... and {file.rejected - HUMAN_REJECT_LIMIT:,} more rejected rows "
                "(--json lists them all)",
                file=out,
            )


def _waiting(settings: Settings) -> Waiting:
    """Say on stderr, once, that this import waits for another one."""

    def say(other: RunningImport) -> None:
        print(
            f"gemist: {other.describe(settings.timezone)}; this import starts when it ends",
            file=sys.stderr,
            flush=True,
        )

    return say


def _progress(name: str) -> Callable[[int], None] | None:
    """Rows read so far, on one terminal line; nothing when stderr is a file or a pipe."""
    if not sys.stderr.isatty():
        return None

    def show(rows: int) -> None:
        print(f"\r{name}: {rows:,} rows read", end="", file=sys.stderr, flush=True)

    return show
