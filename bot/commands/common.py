"""What several commands share: the school's rules, calendar and translation engine read with a
clear error, logging on stderr for the long-running commands, and opening the database.

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
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import redaction
from bot.config import Settings
from bot.db import DatabaseError, async_url, connect, display_url, migrate
from bot.imports.turns import interrupt_stale_runs
from bot.rules import Rules, RulesError, load_rules
from bot.translation import TranslationUnavailable, Translator, translator_named
from scheduler.calendar import CalendarFileError, SchoolCalendar

__all__ = ["open_database", "sqlite_file"]


@dataclass(frozen=True, slots=True)
class School:
    """What ``gemist run`` and ``gemist web`` read from the school's files before they start."""

    rules: Rules
    calendar: SchoolCalendar
    translator: Translator | None
    """The school's engine for a family's words (``translation_engine``); ``None``: none."""


def read_school(settings: Settings, command: str) -> School | None:
    """The school's rules, calendar and translation engine; ``None`` after saying on stderr,
    in ``command``'s name, what is wrong with them."""
    try:
        rules = load_rules(settings.rules) if settings.rules is not None else Rules.default()
        calendar = SchoolCalendar.from_settings(settings)
        engine_name = settings.translation_engine
        translator = translator_named(engine_name) if engine_name is not None else None
    except (RulesError, CalendarFileError, OSError, TranslationUnavailable) as err:
        print(f"{command}: {err}", file=sys.stderr)
        return None
    return School(rules, calendar, translator)


def log_to_stderr() -> None:
    """Log at INFO on stderr, as a service does, with every secret covered."""
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler says "Running job ..." at INFO every 30 s; its warnings (a missed run) stay.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx logs every request's URL at INFO, and the Bot API's URLs hold the bot's token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    redaction.cover()  # the handler just added redacts too


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


def rule_previews(settings: Settings, calendar: SchoolCalendar) -> Any:
    """The preview of a rule change for the desk's *Regels* page, bound to the school (a
    :class:`bot.rulebook.preview.SchoolPreviews`; imported here, as the web application may not)."""
    from bot.channels.registry import capabilities
    from bot.rulebook.preview import SchoolPreviews

    return SchoolPreviews(
        school_id=settings.school_id,
        calendar=calendar,
        tz=settings.timezone,
        school_name=settings.school_name,
        overrides=settings.messages,
        channels=capabilities(settings),
    )
