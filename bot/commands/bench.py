"""``gemist bench import``: measure a feed import against a bare database baseline."""

from __future__ import annotations

import argparse
from typing import Any

from bot.config import Settings


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser("bench", help="benchmarks")
    kinds = parser.add_subparsers(dest="bench", metavar="BENCHMARK", required=True)
    feed = kinds.add_parser("import", help="time a large feed import against a bare baseline")
    feed.add_argument("--rows", type=int, default=1_000_000, help="half-day marks in the feed")
    feed.add_argument("--pupils", type=int, default=50_000, help="pupils in the roster")
    feed.add_argument(
        "--backend",
        dest="backends",
        action="append",
        choices=("sqlite", "postgresql"),
        help="limit to one backend (repeatable; default both)",
    )
    feed.add_argument(
        "--postgres",
        default="postgresql://127.0.0.1:5432/postgres",
        metavar="URL",
        help="a PostgreSQL server where a throw-away database may be created",
    )
    feed.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from bot.benchmark import run_command

    args.backends = args.backends or ["sqlite", "postgresql"]
    return await asyncio.to_thread(run_command, args)
