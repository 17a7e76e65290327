"""``gemist hold``: the days a mass absence held outreach back, and the coordinator's decision.

``gemist hold list`` shows every hold of the school; ``gemist hold release DATE`` sends what was
held (the absences were real: a trip, a strike), ``gemist hold discard DATE`` drops it (the
feed was wrong). ``--class`` names a class hold; without it, the school-wide hold of that day.
The planner tick acts on the decision at its next run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any

from bot.commands.common import open_database
from bot.config import Settings
from bot.engine.hold import HoldState
from bot.exits import Exit
from bot.imports.runs import who
from bot.models import SCHOOL_SCOPE
from bot.outbox import write_transaction
from bot.planning.decisions import decide_hold, list_holds
from scheduler.clock import WallClock

__all__ = ["register"]


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "hold", help="days whose outreach a mass absence held back: list, release, discard"
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="every hold of the school, newest first")
    for name, text in (
        ("release", "the absences were real: send what was held"),
        ("discard", "the feed was wrong: send nothing about that day"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("date", metavar="DATE", type=dt.date.fromisoformat)
        action.add_argument("--class", dest="class_name", metavar="NAME", help="a class hold")
    parser.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    engine = await open_database(settings, command="gemist hold")
    if engine is None:
        return Exit.UNUSABLE
    try:
        if args.action == "list":
            async with engine.connect() as conn:
                holds = await list_holds(conn, settings.school_id)
            if not holds:
                print("no holds")
            for hold in holds:
                scope = "whole school" if hold.scope == SCHOOL_SCOPE else f"class {hold.scope}"
                decided = (
                    f", by {hold.decided_by} at {hold.decided_at:%Y-%m-%d %H:%M}"
                    if hold.decided_at
                    else ""
                )
                print(
                    f"{hold.date.isoformat()}  {scope}: {hold.absent} of {hold.pupils} absent; "
                    f"{hold.status}{decided}"
                )
            return Exit.OK
        state = HoldState.RELEASED if args.action == "release" else HoldState.DISCARDED
        scope = args.class_name or SCHOOL_SCOPE
        async with write_transaction(engine) as conn:
            done = await decide_hold(
                conn,
                settings.school_id,
                args.date,
                scope,
                state,
                by=who(),
                at=WallClock(settings.timezone).now(),
            )
        where = f"class {scope}" if args.class_name else "the whole school"
        if not done:
            print(
                f"gemist: hold: no undecided hold for {where} on {args.date.isoformat()} "
                "(gemist hold list shows them)",
                file=sys.stderr,
            )
            return Exit.NOT_FOUND
        print(f"{args.date.isoformat()}, {where}: {state.value}")
        return Exit.OK
    finally:
        await engine.dispose()
