"""``gemist web``: the web application on its own (the pages behind the answer links), until
stopped (SIGINT or SIGTERM).

``gemist run`` serves the same application in its own loop when ``web_url`` is set; this
command is for a school that runs it apart (another machine, another user, a second instance
behind the reverse proxy). The two agree on the links because they share the database (its
signing key) or the ``web_secret``. An answer stored here reaches the planner at its next tick
(``planner_interval_minutes``), as an answer stored by another process does.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

from bot.channels import registry as channels
from bot.commands.common import log_to_stderr, open_database, read_school, rule_previews
from bot.config import Settings
from bot.exits import Exit
from bot.links import open_signer
from bot.redaction import describe_error
from bot.web import web_context, web_server
from scheduler.clock import WallClock

__all__ = ["NO_WEB_URL", "register", "serve_web"]

log = logging.getLogger(__name__)

NO_WEB_URL = (
    "gemist web: set GEMIST_WEB_URL (or web_url in the configuration file) to the public "
    "address of the web application, such as https://gemist.school.example: the links in the "
    'messages lead there (see docs/operators.md, "The web application").'
)


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "web",
        help="serve the web application (the pages behind the answer links) on its own, until "
        "stopped (SIGINT or SIGTERM)",
    )
    parser.set_defaults(handler=serve_web)


async def serve_web(args: argparse.Namespace, settings: Settings) -> int:
    """Serve until stopped; 2 with the reason on stderr when it cannot."""
    if settings.web_url is None:
        print(NO_WEB_URL, file=sys.stderr)
        return Exit.UNUSABLE
    school = read_school(settings, "gemist web")
    if school is None:
        return Exit.UNUSABLE
    rules, calendar, translator = school.rules, school.calendar, school.translator
    log_to_stderr()
    engine = await open_database(settings, command="gemist web")
    if engine is None:
        return Exit.UNUSABLE
    clock = WallClock(settings.timezone)
    try:
        signer = await open_signer(settings, engine, clock)
        context = web_context(
            settings,
            engine=engine,
            clock=clock,
            signer=signer,
            rules=rules,
            calendar=calendar,
            channels=settings.channel_order(frozenset(channels.usable(settings))),
            translator=translator,
            previews=rule_previews(settings, calendar),
        )
        server = web_server(settings, context)
        try:
            await server.start()
        except OSError as err:  # the port is taken, or the address is not this machine's
            print(f"gemist web: {describe_error(err)}", file=sys.stderr)
            return Exit.UNUSABLE
        log.info("serving on %s:%s for %s", settings.web_host, server.port, settings.web_url)
        try:
            await _until_stopped()
        finally:
            await server.stop_receiving()
    finally:
        await engine.dispose()
    return Exit.OK


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
