"""``gemist bench import``, ``engine``, ``rules-preview``, ``desk``, ``telegram``, ``email``,
``smartschool``, ``start``,
``web``: figures printed, not asserted."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from bot.config import Settings
from bot.exits import Exit

POSTGRES = "postgresql://127.0.0.1:5432/postgres"


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("bench", help="benchmarks")
    kinds = parser.add_subparsers(dest="bench", metavar="BENCHMARK", required=True)
    feed = kinds.add_parser("import", help="time a large feed import against a bare baseline")
    feed.add_argument("--rows", type=int, default=1_000_000, help="half-day marks in the feed")
    feed.add_argument("--pupils", type=int, default=50_000, help="pupils in the roster")
    feed.add_argument(
        "--answers",
        type=int,
        metavar="N",
        help="instead: re-import the feed while N answers arrive through the bot's write path",
    )
    _databases(feed)
    feed.set_defaults(handler=run)
    engine = kinds.add_parser(
        "engine", help="time a school year replay and a planner tick against a bare read"
    )
    engine.add_argument(
        "--pupils", type=int, default=50_000, help="pupils of the planner tick's school"
    )
    engine.add_argument(
        "--replay-pupils", type=int, default=1_000, help="pupils of the replayed school"
    )
    engine.add_argument("--seed", type=int, default=2026, help="seed of the generated schools")
    engine.add_argument(
        "--until",
        type=dt.date.fromisoformat,
        default=dt.date(2027, 6, 30),
        metavar="DATE",
        help="last day of the replay (default 2027-06-30: the whole school year)",
    )
    engine.add_argument(
        "--part",
        dest="parts",
        action="append",
        choices=("replay", "tick"),
        help="limit to one measurement (repeatable; default both)",
    )
    engine.add_argument(
        "--out", metavar="DIR", help="keep the generated schools in DIR (for gemist simulate)"
    )
    _databases(engine)
    engine.set_defaults(handler=run_engine)
    preview = kinds.add_parser(
        "rules-preview",
        help="time the rules preview of four school weeks, beside a full-year replay",
    )
    preview.add_argument("--pupils", type=int, default=1_000, help="pupils of the school")
    preview.add_argument("--seed", type=int, default=2026, help="seed of the generated school")
    _databases(preview)
    preview.set_defaults(handler=run_rules_preview)
    desk = kinds.add_parser(
        "desk",
        help="time the coordinator desk's reads and pages (over HTTP) on a school with a year",
    )
    desk.add_argument("--pupils", type=int, default=2_000, help="pupils of the school")
    desk.add_argument("--seed", type=int, default=2026, help="seed of the generated school")
    desk.add_argument(
        "--until",
        type=dt.date.fromisoformat,
        default=dt.date(2027, 6, 30),
        metavar="DATE",
        help="the last day lived, and the desk's today (default 2027-06-30: the whole year)",
    )
    desk.add_argument("--runs", type=int, default=60, help="requests timed per page and viewer")
    desk.add_argument(
        "--database",
        metavar="URL",
        help="instead: measure on this database of a school that lived already (school id "
        "'bench'), as of --until",
    )
    _databases(desk)
    desk.set_defaults(handler=run_desk)
    telegram = kinds.add_parser(
        "telegram",
        help="send through python-telegram-bot to the local Bot API server, against its limits",
    )
    telegram.add_argument("--messages", type=int, default=10_000, help="messages to send")
    telegram.add_argument("--chats", type=int, default=2_000, help="chats they go to")
    telegram.add_argument("--seed", type=int, default=2026, help="seed of the sending order")
    telegram.set_defaults(handler=run_telegram)
    email = kinds.add_parser(
        "email", help="send e-mail through Gemist to a local SMTP server, against its own limit"
    )
    email.add_argument("--messages", type=int, default=10_000, help="e-mails to send")
    email.add_argument("--recipients", type=int, default=2_000, help="parents they go to")
    email.add_argument(
        "--connections", type=int, default=4, help="connections to the server (the pool)"
    )
    email.set_defaults(handler=run_email)
    smartschool = kinds.add_parser(
        "smartschool",
        help="a roster sync and a day's absences from a local Smartschool: calls and seconds",
    )
    smartschool.add_argument("--pupils", type=int, default=2_000, help="pupils of the school")
    smartschool.add_argument(
        "--co-accounts", type=int, default=3_500, help="their co-accounts (two per pupil at most)"
    )
    smartschool.set_defaults(handler=run_smartschool)
    start = kinds.add_parser(
        "start", help="time how long gemist --help and gemist rules check take to start"
    )
    start.add_argument("--runs", type=int, default=10, help="starts of each command")
    start.set_defaults(handler=run_start)
    web = kinds.add_parser(
        "web", help="open the answer page of the web application over HTTP, as browsers do"
    )
    web.add_argument("--requests", type=int, default=5_000, help="requests to time")
    web.add_argument("--concurrency", type=int, default=4, help="requests in flight at once")
    web.set_defaults(handler=run_web)


def _databases(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--backend",
        dest="backends",
        action="append",
        choices=("sqlite", "postgresql"),
        help="limit to one backend (repeatable; default both)",
    )
    parser.add_argument(
        "--postgres",
        default=POSTGRES,
        metavar="URL",
        help="a PostgreSQL server where a throw-away database may be created",
    )


async def run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.bench.feed import run_command

    args.backends = args.backends or ["sqlite", "postgresql"]
    if args.answers:
        from bot.bench import answers

        return await asyncio.to_thread(answers.run_command, args)
    return await asyncio.to_thread(run_command, args)


async def run_engine(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.bench.engine import run_command

    args.backends = args.backends or ["sqlite", "postgresql"]
    args.parts = args.parts or ["replay", "tick"]
    return await asyncio.to_thread(run_command, args)


async def run_rules_preview(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.bench.rules_preview import run_command

    args.backends = args.backends or ["sqlite", "postgresql"]
    return await asyncio.to_thread(run_command, args)


async def run_desk(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.bench.desk_pages import run_command

    args.backends = args.backends or ["sqlite", "postgresql"]
    return await asyncio.to_thread(run_command, args)


async def run_telegram(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bench.telegram import measure_and_report

    return await measure_and_report(args.messages, args.chats, args.seed)


async def run_email(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bench.email import measure_and_report

    return await measure_and_report(args.messages, args.recipients, args.connections)


async def run_smartschool(args: argparse.Namespace, settings: Settings) -> int:
    import sys

    from bot.bench.smartschool import measure_and_report

    if args.pupils < 1 or not 0 <= args.co_accounts <= 2 * args.pupils:
        print(
            "gemist bench smartschool: --pupils at least 1, --co-accounts from 0 to twice that",
            file=sys.stderr,
        )
        return Exit.UNUSABLE
    return await measure_and_report(args.pupils, args.co_accounts)


async def run_start(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.bench.start import measure, report

    text, met = report(await asyncio.to_thread(measure, args.runs))
    print(text)
    return Exit.OK if met else Exit.NOT_MET


async def run_web(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bench.web import measure_and_report

    return await measure_and_report(args.requests, args.concurrency)
