"""``gemist backup FILE``: a consistent copy of the school's database, safe while Gemist runs.

For SQLite the copy is made with SQLite's online backup API (:mod:`bot.backup`), as a new file
with mode 0600; it is restored by opening it (``--db sqlite:///FILE``). For PostgreSQL Gemist
does not run ``pg_dump`` itself (its version must match the server's, and it needs the
server's credentials the way the operator keeps them): the command prints the ``pg_dump`` and
``pg_restore`` lines to use and exits 2, so that a script that expected a file notices.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.backup import PG_DUMP_HOWTO, BackupError, sqlite_backup
from bot.commands.common import sqlite_file
from bot.config import Settings
from bot.db import DatabaseError, async_url, display_url
from bot.exits import Exit

__all__ = ["register"]


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "backup", help="a consistent copy of the database (SQLite; PostgreSQL: pg_dump)"
    )
    parser.add_argument("file", metavar="FILE", type=Path, help="the new backup file")
    parser.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        url = async_url(settings.database_url)
    except DatabaseError as err:
        print(f"gemist: database: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    if url.get_backend_name() != "sqlite":
        plain = url.set(drivername=url.get_backend_name())
        print(f"gemist backup: database {display_url(plain)}", file=sys.stderr)
        print(PG_DUMP_HOWTO.format(url=display_url(plain)), file=sys.stderr)
        return Exit.UNUSABLE
    source = sqlite_file(url)
    if source is None:
        print("gemist backup: an in-memory database has nothing to back up", file=sys.stderr)
        return Exit.UNUSABLE
    print(f"gemist backup: database {source}", file=sys.stderr)
    try:
        size = sqlite_backup(source, args.file)
    except BackupError as err:
        print(f"gemist backup: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    print(f"gemist backup: {size} bytes written to {args.file.resolve()}", file=sys.stderr)
    return Exit.OK
