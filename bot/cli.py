"""The ``gemist`` command line (CONTRACTS.md section 2).

Each command lives in ``bot.commands.<name>`` and registers itself on the parser. Handlers are
``async`` and return the process exit code. Human output and progress go to stderr when
``--json`` asks for a clean stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.commands import (
    bench,
    calendar,
    demo,
    hold,
    imports,
    invite,
    messages,
    privacy,
    rules,
    simulate,
)
from bot.commands import run as run_command
from bot.config import ConfigError, load_settings

__all__ = ["EXIT_OK", "EXIT_REJECTS", "EXIT_UNUSABLE", "main"]

EXIT_OK = 0
EXIT_UNUSABLE = 2
EXIT_REJECTS = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gemist",
        description="Gemist: a caring follow-up of absent pupils for Flemish schools.",
    )
    parser.add_argument("--version", action="version", version=f"gemist {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: $GEMIST_DATABASE_URL, else sqlite:///gemist.db)",
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        help="TOML configuration file (default: $GEMIST_CONFIG)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    imports.register(commands)
    calendar.register(commands)
    rules.register(commands)
    bench.register(commands)
    messages.register(commands)
    simulate.register(commands)
    run_command.register(commands)
    hold.register(commands)
    invite.register(commands)
    demo.register(commands)
    privacy.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, database_url=args.db)
    except ConfigError as err:
        print(f"gemist: configuration: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        code: int = asyncio.run(args.handler(args, settings))
    except KeyboardInterrupt:
        print("gemist: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`gemist calendar | head`): not an error worth a traceback.
        # Point stdout at nothing, so that flushing it at exit cannot fail again.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
