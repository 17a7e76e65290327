"""What several commands share: opening the database with a clear error.

Opening also marks ``interrupted`` the import runs that a killed process left ``running``
(:func:`bot.imports.turns.interrupt_stale_runs`).
"""

from __future__ import annotations

import datetime as dt
import sys

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.db import DatabaseError, connect, display_url, migrate
from bot.imports.turns import interrupt_stale_runs

__all__ = ["open_database"]


async def open_database(settings: Settings) -> AsyncEngine | None:
    """Connect, migrate and mark stale import runs; on failure say why on stderr and return
    ``None``."""
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
