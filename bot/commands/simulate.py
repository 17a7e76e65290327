"""``gemist simulate``: replay a period in virtual time, print every message (docs/contracts.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from bot.channels.registry import capabilities
from bot.config import Settings
from bot.exits import Exit
from bot.rules import Rules, RulesError, load_rules
from bot.simulate import SimulatedMessage, SimulationError, simulate
from scheduler.calendar import SchoolCalendar
from scheduler.ical import CalendarFileError

__all__ = ["register", "run_simulate"]


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "simulate",
        help="replay a period in virtual time and print every message that would be sent",
    )
    parser.add_argument("--roster", metavar="DIR", type=Path, required=True)
    parser.add_argument("--absences", metavar="FILE", type=Path, required=True)
    parser.add_argument("--replies", metavar="FILE", type=Path)
    parser.add_argument("--rules", metavar="FILE", type=Path)
    parser.add_argument(
        "--from", dest="start", metavar="DATE", type=dt.date.fromisoformat,
        help="first day shown (default: the first date in the feed); the feed before it is "
        "replayed silently, so that counts in messages are right",
    )  # fmt: skip
    parser.add_argument(
        "--to", dest="end", metavar="DATE", type=dt.date.fromisoformat,
        help="last day (default: a week after the last date in the feed)",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="JSON Lines on stdout")
    parser.set_defaults(handler=run_simulate)


async def run_simulate(args: argparse.Namespace, settings: Settings) -> int:
    """Replay and print; 2 with a message on stderr when the input cannot be used."""
    try:
        rules = _rules(args.rules or settings.rules)
        calendar = SchoolCalendar.from_settings(settings)
        messages = await simulate(
            args.roster,
            args.absences,
            rules=rules,
            calendar=calendar,
            replies=args.replies,
            start=args.start,
            end=args.end,
            tz=settings.timezone,
            school_id=settings.school_id,
            school_name=settings.school_name,
            code_map=settings.code_map,
            overrides=settings.messages,
            channels=capabilities(settings),
            warn=_warn,
        )
    except (SimulationError, RulesError, CalendarFileError) as err:
        print(f"gemist: simulate: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    for message in messages:
        if args.json:
            print(json.dumps(message.as_json(), ensure_ascii=False))
        else:
            print(_human(message))
    if not args.json:
        print(f"{len(messages)} messages", file=sys.stderr)
    return Exit.OK


def _rules(path: Path | None) -> Rules:
    if path is None:
        return Rules.default()
    if not path.is_file():
        raise SimulationError(f"{path}: no such rules file")
    return load_rules(path)


def _warn(text: str) -> None:
    print(f"warning: {text}", file=sys.stderr)


def _human(message: SimulatedMessage) -> str:
    head = (
        f"{message.at:%a %Y-%m-%d %H:%M}  {message.kind} to {message.recipient_role} "
        f"{message.recipient_id}"
    )
    if message.pupil_id and message.pupil_id != message.recipient_id:
        head += f" about {message.pupil_id}"
    head += f" ({message.channel}, {message.lang})"
    body = "\n".join(f"    {line}" if line else "" for line in message.text.split("\n"))
    return f"{head}\n{body}\n"
