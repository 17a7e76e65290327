"""``gemist run``: the live service (feed polls, planner and dispatch ticks) until stopped.

With ``GEMIST_TELEGRAM_TOKEN`` set, messages go out over Telegram (python-telegram-bot, under
Gemist's own rate limiter) to the people whose chat is linked; everyone else's messages fail
as "no linked Telegram chat" and the coordinator sees them. With ``--dry-run`` nothing is sent:
every message that would be is rendered and printed on stdout as one JSON line, in the shape of
``gemist simulate --json``, and marked sent. Logs go to stderr.

Not yet here (issue 5): the bot's side of the conversation (invitations, ``/start``, taps on
the quick replies), so a live run only sends.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import socket
import sys
from collections.abc import AsyncIterator
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from telegram.ext import ExtBot

from bot.commands.common import open_database
from bot.config import Settings
from bot.models import Guardian, Pupil, Staff
from bot.outbox import Channel, DeliveryOutcome, Outgoing
from bot.outbox.rendering import RenderingChannel
from bot.rules import Rules, RulesError, load_rules
from bot.service import Service
from bot.simulate import SimulatedMessage
from bot.telegram import DatabaseChats
from integrations.telegram.callbacks import callback_secret
from integrations.telegram.channel import TelegramChannel
from integrations.telegram.ratelimit import TelegramRateLimiter
from scheduler.calendar import CalendarFileError, SchoolCalendar
from scheduler.clock import Clock, WallClock

__all__ = ["DryRunChannel", "register", "run_service"]

EXIT_OK = 0
EXIT_UNUSABLE = 2

NO_CHANNEL = (
    "gemist run: no channel to send messages with. Set GEMIST_TELEGRAM_TOKEN (or telegram_token "
    "in the configuration file) to send over Telegram, or add --dry-run to print every message "
    "instead of sending it."
)


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "run",
        help="run the bot: poll the feed, plan and send, until stopped (SIGINT or SIGTERM)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="send nothing: print every message as a JSON line on stdout and mark it sent",
    )
    parser.add_argument(
        "--worker-id",
        metavar="ID",
        help="this process's name in the outbox, unique per process (default: run@HOSTNAME)",
    )
    parser.set_defaults(handler=run_service)


async def run_service(args: argparse.Namespace, settings: Settings) -> int:
    """Run until stopped; 2 with a message on stderr when there is nothing to send with or
    the configuration cannot be used."""
    if not args.dry_run and settings.telegram_token is None:
        print(NO_CHANNEL, file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        rules = load_rules(settings.rules) if settings.rules is not None else Rules.default()
        calendar = SchoolCalendar.from_settings(settings)
    except (RulesError, CalendarFileError, OSError) as err:
        print(f"gemist run: {err}", file=sys.stderr)
        return EXIT_UNUSABLE
    _log_to_stderr()
    engine = await open_database(settings)
    if engine is None:
        return EXIT_UNUSABLE
    clock = WallClock(settings.timezone)
    try:
        async with _channel(args, settings, engine, clock) as channel:
            service = Service(
                settings,
                rules=rules,
                calendar=calendar,
                engine=engine,
                clock=clock,
                channel=RenderingChannel(channel, overrides=settings.messages),
                worker_id=args.worker_id or f"run@{socket.gethostname()}",
            )
            await service.run()
    finally:
        await engine.dispose()
    return EXIT_OK


@contextlib.asynccontextmanager
async def _channel(
    args: argparse.Namespace, settings: Settings, engine: AsyncEngine, clock: Clock
) -> AsyncIterator[Channel]:
    """The dry-run printer, or Telegram (its client open for as long as the service runs)."""
    if args.dry_run or settings.telegram_token is None:
        yield DryRunChannel(engine, clock, sys.stdout)
        return
    token = settings.telegram_token.reveal()
    limiter = TelegramRateLimiter()
    bot: ExtBot[None] = ExtBot(
        token, base_url=f"{settings.telegram_api_url.rstrip('/')}/bot", rate_limiter=limiter
    )
    async with bot:
        yield TelegramChannel(
            bot, DatabaseChats(engine), secret=callback_secret(token), budget=limiter.budget
        )


class DryRunChannel(Channel):
    """Prints each (rendered) message as a ``simulate --json`` line and reports it sent."""

    def __init__(self, engine: AsyncEngine, clock: Clock, out: TextIO) -> None:
        self._engine = engine
        self._clock = clock
        self._out = out

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        recipient, pupil = await self._roster_ids(message)
        line = SimulatedMessage(
            at=self._clock.local_now(),
            kind=message.kind,
            recipient_role=message.recipient_role,
            recipient_id=recipient,
            pupil_id=pupil,
            channel=message.channel,
            lang=message.lang,
            text=message.text or "",
        ).as_json()
        self._out.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._out.flush()
        return DeliveryOutcome.sent()

    async def _roster_ids(self, message: Outgoing) -> tuple[str, str | None]:
        """The roster's ids (``P0016``, ``G003``, ``S02``) for the row's database ids."""
        table: Any
        if message.recipient_role == "pupil":
            table, column = Pupil, col(Pupil.pupil_id)
        elif message.recipient_role == "guardian":
            table, column = Guardian, col(Guardian.guardian_id)
        else:
            table, column = Staff, col(Staff.staff_id)
        async with self._engine.connect() as conn:
            recipient = await conn.scalar(
                sa.select(column).where(col(table.id) == message.recipient_id)
            )
            pupil = None
            if message.pupil_id is not None:
                pupil = await conn.scalar(
                    sa.select(col(Pupil.pupil_id)).where(col(Pupil.id) == message.pupil_id)
                )
        return str(recipient or message.recipient_id), pupil


def _log_to_stderr() -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler says "Running job ..." at INFO every 30 s; its warnings (a missed run) stay.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
