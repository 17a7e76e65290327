"""The ``gemist`` command line (docs/contracts.md).

Each command lives in ``bot.commands.<module>`` and registers itself on the parser. Handlers are
``async`` and return the process exit code. Human output and progress go to stderr when
``--json`` asks for a clean stdout. Every command runs with :mod:`bot.redaction` installed: no
secret or invitation code reaches a log record or stderr.

Only the command that runs is imported: :data:`COMMANDS` names each command's module and the
line ``gemist --help`` shows for it, so that ``gemist --help`` or ``gemist rules check`` do not
load the engine, the bot and the demo first (``gemist bench start`` measures this).
``tests/bot/test_cli.py`` holds each line equal to the help its module registers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from bot.exits import Exit
from bot.redaction import installed as redaction_installed

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS: dict[str, tuple[str, str]] = {
    "import": ("imports", "import a roster folder or an absence feed"),
    "calendar": ("calendar", "school days and holidays as the bot sees them"),
    "rules": ("rules", "the coordinator's rules: check, versions, preview"),
    "bench": ("bench", "benchmarks"),
    "messages": ("messages", "the messages Gemist sends, in every language"),
    "simulate": (
        "simulate",
        "replay a period in virtual time and print every message that would be sent",
    ),
    "run": (
        "run",
        "run the bot: poll the feed, plan and send, talk with people on Telegram, until "
        "stopped (SIGINT or SIGTERM)",
    ),
    "web": (
        "web",
        "serve the web application (the pages behind the answer links) on its own, until "
        "stopped (SIGINT or SIGTERM)",
    ),
    "hold": ("hold", "days whose outreach a mass absence held back: list, release, discard"),
    "desk": ("desk", "the coordinator's desk: print a waiting sign-in link on the server"),
    "invite": ("invite", "one-time invitation codes and deep links to link a Telegram chat"),
    "backup": ("backup", "a consistent copy of the database (SQLite; PostgreSQL: pg_dump)"),
    "privacy": (
        "privacy",
        "data protection: retention purge, export or erase one person's data",
    ),
    "smartschool": (
        "smartschool",
        "Smartschool: check that the access code allows what Gemist needs",
    ),
    "demo": (
        "demo",
        "two school weeks of a sample school through the real bot, offline, in about 30 s",
    ),
}
"""Command name: (module under ``bot.commands``, the line ``gemist --help`` shows)."""

_GLOBAL_OPTIONS_WITH_VALUE = ("--db", "--config")


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: with the full options of the command ``argv`` names only.

    Without a known command (``gemist --help``, a typo) every command is listed by name and
    help line, and none is imported. ``argv=None`` registers every command in full.
    """
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
    chosen = COMMANDS if argv is None else _named_command(argv)
    for name, (module, help_line) in COMMANDS.items():
        if name in chosen:
            importlib.import_module(f"bot.commands.{module}").register(commands)
        else:
            commands.add_parser(name, help=help_line, add_help=False)
    return parser


def _named_command(argv: Sequence[str]) -> tuple[str, ...]:
    """The command ``argv`` names, past the global options; none when it names no command."""
    arguments = iter(argv)
    for argument in arguments:
        if argument in _GLOBAL_OPTIONS_WITH_VALUE:
            next(arguments, None)
        elif not argument.startswith("-"):
            return (argument,) if argument in COMMANDS else ()
    return ()


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(arguments).parse_args(arguments)
    try:
        settings = load_settings(args.config, database_url=args.db)
    except ConfigError as err:
        with redaction_installed(None):
            print(f"gemist: configuration: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    # Secrets and invitation codes are kept out of every log record and of stderr.
    with redaction_installed(settings):
        return _run(args, settings)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        code: int = asyncio.run(args.handler(args, settings))
    except KeyboardInterrupt:
        print("gemist: interrupted", file=sys.stderr)
        return Exit.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`gemist calendar | head`): not an error worth a traceback.
        # Point stdout at nothing, so that flushing it at exit cannot fail again.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return Exit.OK
    return code


if __name__ == "__main__":
    sys.exit(main())
