"""``gemist run``: the live service (feed polls, planner and dispatch ticks) and the bot.

The outbox sends over the school's usable channels (its ``channels`` setting, each with a
plug-in: :mod:`bot.channels.registry`), through one router; a row for a channel that is not
usable fails as "no channel" and the coordinator sees it. With ``GEMIST_TELEGRAM_TOKEN`` set,
the Telegram channel's python-telegram-bot client (an ``ExtBot`` under Gemist's rate limiter, so
that both share Telegram's limits) does two things: the outbox sends through it to the people
whose chat is linked (everyone else's messages fail as "no linked Telegram chat"), and the bot's
conversations (:class:`~bot.telegram.conversation.Conversation`: ``/start`` with an invitation
code, ``/stop``, ``/taal``, taps, free text) are received with it, by long polling or, with
``webhook_url``, through a webhook (:class:`~bot.telegram.app.TelegramBot`). An answer makes the
planner and the dispatcher act at once (:meth:`~bot.service.Service.news`).

With ``--dry-run`` there is no Telegram at all: every message that a usable channel would send
is rendered as that channel would show it and printed on stdout as one JSON line, in the shape
of ``gemist simulate --json``. The run works on a private copy of the SQLite database
(:func:`bot.backup.sqlite_backup`, in a temporary folder removed at the end): what it plans and
marks sent stays in the copy, and the school's database is not written to at all (not even
migrated). For PostgreSQL it exits 2 and says how to make a scratch database to try it on. Logs
go to stderr.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import socket
import sys
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from telegram.error import InvalidToken, NetworkError

from bot.backup import BackupError, sqlite_backup
from bot.channels import registry as channels
from bot.channels.directory import RosterDirectory
from bot.commands.common import (
    log_to_stderr,
    open_database,
    read_school,
    rule_previews,
    sqlite_file,
)
from bot.config import ConfigError, Settings
from bot.db import DatabaseError, async_url, connect
from bot.domain import Role
from bot.exits import Exit
from bot.imports import smartschool
from bot.links import LinkPages, open_signer
from bot.models import Guardian, Pupil, Staff
from bot.outbox import CONVERSATIONAL, Capabilities, Channel, DeliveryOutcome, Outgoing
from bot.outbox.plugin import ChannelContext, ChannelUnavailable
from bot.redaction import describe_error
from bot.rules import Rules
from bot.service import Inbound, Service
from bot.simulate import SimulatedMessage
from bot.telegram.app import POLL_TIMEOUT, TelegramBot, Webhook
from bot.telegram.conversation import Conversation
from bot.translation import Translator
from bot.web import web_context, web_server
from integrations.telegram.channel import TelegramChannel
from integrations.telegram.ratelimit import SendBudget
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock, WallClock
from scheduler.jobs import Schedule

__all__ = [
    "DryRunChannel",
    "Together",
    "Tuning",
    "conversations",
    "register",
    "run_service",
    "serve",
]

log = logging.getLogger(__name__)


NO_CHANNEL = (
    "gemist run: no channel to send messages with. Set GEMIST_TELEGRAM_TOKEN (or telegram_token "
    "in the configuration file) to send over Telegram, or add --dry-run to print every message "
    "instead of sending it."
)


def no_channel(problems: list[str]) -> str:
    """Why ``gemist run`` cannot send: the channels' own reasons, or that there is none."""
    if not problems:
        return NO_CHANNEL
    return (
        f"gemist run: {'; '.join(problems)}; or add --dry-run to print every message instead of "
        "sending it."
    )


BAD_TOKEN = (
    "gemist run: Telegram does not accept the bot's token (GEMIST_TELEGRAM_TOKEN or "
    "telegram_token); copy it again from BotFather."
)


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "run",
        help="run the bot: poll the feed, plan and send, talk with people on Telegram, until "
        "stopped (SIGINT or SIGTERM)",
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
    # Said before the database is opened: the usual first mistake, in the words that fix it.
    if not args.dry_run:
        try:
            problems = channels.unready(settings)
        except ConfigError as err:
            print(f"gemist run: {err}", file=sys.stderr)
            return Exit.UNUSABLE
        if not channels.usable(settings) or problems:
            print(no_channel(problems), file=sys.stderr)
            return Exit.UNUSABLE
    school = read_school(settings, "gemist run")
    if school is None:
        return Exit.UNUSABLE
    rules, calendar, translator = school.rules, school.calendar, school.translator
    log_to_stderr()
    if args.dry_run:
        engine = await _dry_run_source(settings)
    else:
        engine = await open_database(settings, command="gemist run")
    if engine is None:
        return Exit.UNUSABLE
    try:
        await serve(
            settings,
            engine=engine,
            clock=WallClock(settings.timezone),
            rules=rules,
            calendar=calendar,
            worker_id=args.worker_id or f"run@{socket.gethostname()}",
            dry_run=args.dry_run,
            translator=translator,
        )
    except InvalidToken:
        print(BAD_TOKEN, file=sys.stderr)
        return Exit.UNUSABLE
    except (ChannelUnavailable, ConfigError) as err:
        print(f"gemist run: {err}", file=sys.stderr)
        return Exit.UNUSABLE
    except NetworkError as err:  # at start-up: later, the bot waits and tries again by itself
        print(unreachable(settings, err), file=sys.stderr)
        return Exit.UNUSABLE
    except (OSError, BackupError) as err:  # the webhook's port is taken; no copy for --dry-run
        print(f"gemist run: {describe_error(err)}", file=sys.stderr)
        return Exit.UNUSABLE
    finally:
        await engine.dispose()
    return Exit.OK


def unreachable(settings: Settings, err: NetworkError) -> str:
    """Why Telegram could not be reached, and where: the API's address, never the token."""
    return (
        f"gemist run: cannot reach Telegram at {settings.telegram_api_url} "
        f"({describe_error(err)}). Check "
        "this server's network, proxy and firewall (outgoing HTTPS must be allowed), or "
        "GEMIST_TELEGRAM_API_URL."
    )


@dataclass(frozen=True, slots=True)
class Tuning:
    """What tests change about a live run, to run it in milliseconds; the defaults are the
    real ones."""

    budget: SendBudget | None = None
    """Telegram's sending limits as the rate limiter keeps them (default: Telegram's own)."""
    poll_timeout: dt.timedelta = POLL_TIMEOUT
    """How long one ``getUpdates`` waits."""
    schedule: Schedule | None = None
    """When the recurring jobs run (default: from the settings)."""


async def serve(
    settings: Settings,
    *,
    engine: AsyncEngine,
    clock: Clock,
    rules: Rules,
    calendar: SchoolCalendar,
    worker_id: str,
    dry_run: bool = False,
    stop: asyncio.Event | None = None,
    ready: asyncio.Event | None = None,
    tuning: Tuning | None = None,
    translator: Translator | None = None,
) -> None:
    """The service over the school's usable channels (:mod:`bot.channels`), and with Telegram
    the bot's conversations, until ``stop`` is set or the process gets SIGINT or SIGTERM
    (``ready`` is set once both run); ``InvalidToken`` when Telegram refuses the token,
    :class:`~bot.outbox.plugin.ChannelUnavailable` when a channel lacks a setting it needs. With
    ``dry_run``, on a private copy of ``engine``'s SQLite database, which is not written to
    (:class:`BackupError` for another backend), printing what each usable channel would send.
    ``translator``: the school's engine for the family's words (``translation_engine``)."""
    tuning = tuning or Tuning()
    for name in channels.unknown(settings):
        log.warning("channels: no plug-in for %r; nobody is reached over it", name)
    platform = smartschool.options(settings)  # ConfigError for a bad [smartschool]

    def service_on(store: AsyncEngine, router: Channel) -> Service:
        feed = None
        if platform.configured and settings.absence_feed is None:
            # Without a feed file, Smartschool is the absence and roster source.
            feed = smartschool.SmartschoolFeed(
                settings, platform, engine=store, clock=clock, calendar=calendar
            )
        return Service(
            settings,
            rules=rules,
            calendar=calendar,
            engine=store,
            clock=clock,
            channel=router,
            worker_id=worker_id,
            schedule=tuning.schedule,
            platform=feed,
        )

    if dry_run:  # on a copy: the messages are planned and marked sent there, not here
        async with _scratch_copy(engine) as scratch:
            printing = channels.stand_ins(
                settings,
                lambda _name, capabilities: DryRunChannel(scratch, clock, sys.stdout, capabilities),
            )
            await service_on(scratch, printing).run(stop, ready=ready)
        return
    # With a web application, the links in messages lead to its pages, signed with the key
    # `gemist web` uses too (web_secret, or the database's own).
    signer = None if settings.web_url is None else await open_signer(settings, engine, clock)
    context = ChannelContext(
        clock,
        RosterDirectory(engine, clock),
        pages=LinkPages(settings.web_url, signer) if settings.web_url and signer else None,
        tuning={} if tuning.budget is None else {"telegram": tuning.budget},
    )
    router = channels.build_router(settings, context)
    async with router:  # Telegram is asked who the bot is: InvalidToken here
        live = service_on(engine, router)
        telegram = router.channel("telegram")
        ways_in: list[Inbound] = []
        if isinstance(telegram, TelegramChannel):
            ways_in.append(conversations(telegram, live, settings, tuning.poll_timeout, translator))
        if signer is not None:  # the web application, in this loop
            pages = web_context(
                settings,
                engine=engine,
                clock=clock,
                signer=signer,
                rules=rules,
                calendar=calendar,
                channels=live.pipeline.reach,
                news=live.news,
                translator=translator,
                previews=rule_previews(settings, calendar),
            )
            ways_in.append(web_server(settings, pages))
        await live.run(stop, Together(ways_in) if ways_in else None, ready=ready)


class Together:
    """Several ways in (the Telegram bot, the web application) as one
    :class:`~bot.service.Inbound`: started in order; at the stop each stops receiving and
    each is closed, even when one before it failed."""

    def __init__(self, parts: list[Inbound]) -> None:
        self.parts = parts

    async def start(self) -> None:
        for part in self.parts:
            await part.start()

    async def stop_receiving(self) -> None:
        await _each([part.stop_receiving for part in self.parts])

    async def close(self) -> None:
        await _each([part.close for part in self.parts])


async def _each(steps: list[Any]) -> None:
    """Run every step; the first failure is raised after all have run."""
    failure: BaseException | None = None
    for step in steps:
        try:
            await step()
        except Exception as err:
            failure = failure or err
    if failure is not None:
        raise failure


NO_DRY_RUN = (
    "gemist run --dry-run works on a copy of a SQLite database, so that nothing is written to "
    "the school's. For PostgreSQL, restore a pg_dump of it into a scratch database (see "
    'docs/operators.md, "Backups") and give that one with --db.'
)


async def _dry_run_source(settings: Settings) -> AsyncEngine | None:
    """The school's SQLite database, opened without migrating it (``serve`` copies it); None
    with the reason on stderr when there is none, or it is not SQLite."""
    try:
        path = sqlite_file(async_url(settings.database_url))
    except DatabaseError as err:
        print(f"gemist: database: {err}", file=sys.stderr)
        return None
    if path is None:
        print(NO_DRY_RUN, file=sys.stderr)
        return None
    if not path.is_file():
        print(f"gemist run --dry-run: there is no database at {path}", file=sys.stderr)
        return None
    print(f"gemist run --dry-run: a copy of the database {path}", file=sys.stderr)
    return connect(settings.database_url)


@contextlib.asynccontextmanager
async def _scratch_copy(engine: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """A private copy of ``engine``'s SQLite database, removed afterwards."""
    path = sqlite_file(engine.url)
    if path is None:
        raise BackupError(NO_DRY_RUN)
    with tempfile.TemporaryDirectory(prefix="gemist-dry-run-") as folder:
        copy = Path(folder) / path.name
        sqlite_backup(path, copy)
        scratch = connect(f"sqlite:///{copy}")
        try:
            yield scratch
        finally:
            await scratch.dispose()


def conversations(
    telegram: TelegramChannel,
    service: Service,
    settings: Settings,
    poll_timeout: dt.timedelta,
    translator: Translator | None = None,
) -> TelegramBot:
    """The bot's side of the conversations, with the Telegram channel's client and secret (so
    that both share Telegram's limits and the taps on the buttons it sent can be checked), over
    the service's database, clock and calendar; an answer makes the service plan and send at
    once."""
    conversation = Conversation(
        service.engine,
        service.clock,
        service.calendar,
        bot=telegram.bot,
        secret=telegram.secret,
        overrides=settings.messages,
        news=service.news,
        rules=service.rules,
        help_lines=settings.help,
        translator=translator,
        channels=service.pipeline.reach,
    )
    service.on_new_rules(conversation.use_rules)
    return TelegramBot(
        telegram.bot, conversation, webhook=webhook(settings), poll_timeout=poll_timeout
    )


def webhook(settings: Settings) -> Webhook | None:
    """Where Telegram sends the updates, when a webhook is configured (else: polling)."""
    if settings.webhook_url is None or settings.webhook_secret is None:
        return None
    return Webhook(
        url=settings.webhook_url,
        secret=settings.webhook_secret.reveal(),
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        path=settings.webhook_path,
    )


class DryRunChannel(Channel):
    """Prints each (rendered) message as a ``simulate --json`` line and reports it sent; it
    stands in for one usable channel and has its ``capabilities``."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: Clock,
        out: TextIO,
        capabilities: Capabilities = CONVERSATIONAL,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._out = out
        self.capabilities = capabilities

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
        if message.recipient_role == Role.PUPIL:
            table, column = Pupil, col(Pupil.pupil_id)
        elif message.recipient_role == Role.GUARDIAN:
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
