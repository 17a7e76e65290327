"""``gemist import roster DIR`` and ``gemist import absences FILE``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from bot.commands.common import open_database
from bot.config import Settings
from bot.exits import Exit
from bot.imports import ImportReport, import_absences
from bot.imports.turns import RunningImport, Waiting
from integrations.csv.source import CsvAbsenceSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import WallClock
from scheduler.ical import CalendarFileError

__all__ = ["print_report", "register"]

# A human reading a terminal wants the first problems, not ten thousand lines.
HUMAN_REJECT_LIMIT = 50


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "import", help="import a roster folder or an absence feed"
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    roster = kinds.add_parser("roster", help="import or update the roster folder")
    roster.add_argument("path", metavar="DIR", type=Path)
    roster.add_argument("--json", action="store_true", help="JSON Lines on stdout")
    roster.set_defaults(handler=run_roster)
    absences = kinds.add_parser("absences", help="import an absence feed (snapshot per date)")
    absences.add_argument("path", metavar="FILE", type=Path)
    absences.add_argument("--json", action="store_true", help="JSON Lines on stdout")
    absences.set_defaults(handler=run_absences)


async def run_absences(args: argparse.Namespace, settings: Settings) -> int:
    """Import an absence feed and report what happened (into the school's existing database:
    a feed means nothing without the roster)."""
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
