"""What several commands share: opening the database with a clear error.

Every command that opens the school's database says which one on stderr (the URL without its
password; for SQLite the file's full path), so that a ``--config`` used from another folder
cannot quietly work on another database. Only ``gemist import roster`` may create a new SQLite
database (the first import starts a school); every other command needs the data that is
already there and refuses a database file that does not exist (exit 2), instead of creating an
empty one.

Opening also marks ``interrupted`` the import runs that a killed process left ``running``
(:func:`bot.imports.turns.interrupt_stale_runs`).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.db import DatabaseError, async_url, connect, display_url, migrate
from bot.imports.turns import interrupt_stale_runs

__all__ = ["open_database", "sqlite_file"]


def sqlite_file(url: URL) -> Path | None:
    """The file of a SQLite URL, made absolute; None for another backend or an in-memory one."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database)).resolve()


async def open_database(
    settings: Settings, *, command: str = "gemist", may_create: bool = False
) -> AsyncEngine | None:
    """Connect, migrate and mark stale import runs, after saying on stderr which database
    ``command`` opens; on failure say why and return ``None``. A SQLite file that does not
    exist is created only when ``may_create``."""
    try:
        url = async_url(settings.database_url)
    except DatabaseError as err:
        print(f"gemist: database: {err}", file=sys.stderr)
        return None
    path = sqlite_file(url)
    if path is not None and not path.exists():
        if not may_create:
            print(
                f"{command}: there is no database at {path}. Give the school's database with "
                "--db or database_url in the configuration (a relative sqlite:/// path is "
                "relative to the folder gemist runs in), or start one with gemist import roster.",
                file=sys.stderr,
            )
            return None
        print(f"{command}: creating a new database at {path}", file=sys.stderr)
    else:
        shown = path or display_url(settings.database_url)
        print(f"{command}: database {shown}", file=sys.stderr)
    try:
        engine = connect(settings.database_url)
    except DatabaseError as err:
        print(f"gemist: database: {err}", file=sys.stderr)
        return None
    try:
        await migrate(engine)
        await interrupt_stale_runs(engine, dt.datetime.now(dt.UTC))
    except (OSError, SQLAlchemyError) as err:
        await engine.dispose()
        reason = getattr(err, "orig", None) or err
        print(
            f"gemist: cannot open the database {display_url(engine.url)}: {reason}",
            file=sys.stderr,
        )
        return None
    return engine
