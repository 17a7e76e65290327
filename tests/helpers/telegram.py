"""A school on Telegram for end-to-end tests: the example roster in the database, the local Bot
API server, the real python-telegram-bot client and Gemist's conversation, planner and outbox.

The limits of the local server and of the bot's rate limiter are scaled down together (50
messages a second per chat instead of one), so that a conversation takes milliseconds; the
real limits have tests and a benchmark of their own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from telegram.ext import ExtBot

from bot.config import HelpLines
from bot.imports import import_absences, import_roster
from bot.models import Reply
from bot.outbox import Dispatcher
from bot.outbox.rendering import RenderingChannel
from bot.planning.gate import DeliveryGate
from bot.planning.tick import PlanCache, planner_tick
from bot.rules import Rules
from bot.telegram import DatabaseChats
from bot.telegram.app import TelegramBot, Webhook
from bot.telegram.conversation import Conversation
from bot.telegram.invites import Invited, create_invitations
from bot.translation import Translator
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from integrations.telegram import LocalBotApi, SendBudget, TelegramChannel, TelegramRateLimiter
from integrations.telegram.callbacks import callback_secret
from integrations.telegram.local_server import SentMessage
from scheduler.calendar import SchoolCalendar
from scheduler.clock import VirtualClock
from tests.helpers import contacts

EXAMPLE = Path(__file__).parents[2] / "docs" / "example"
SCHOOL = "school"
SCHOOL_NAME = "Sint-Jozefcollege"
TOKEN = "123456:conversation-test"
SECRET = callback_secret(TOKEN)
PER_CHAT = 0.02


class People:
    """What people do in a test world: be invited, get a Telegram account, type. The world
    has ``engine``, ``clock``, ``api`` and a ``_next_user`` counter."""

    engine: AsyncEngine
    clock: VirtualClock
    api: LocalBotApi
    _next_user: int

    async def invite(self, role: str, person_id: str) -> Invited:
        """A fresh invitation of one person, as ``gemist invite`` makes it (every person of the
        role gets one)."""
        invited = await create_invitations(
            self.engine,
            school_id=SCHOOL,
            role=role,
            bot_username=self.api.username,
            now=self.clock.now(),
        )
        return next(item for item in invited if item.person_id == person_id)

    def user(self, name: str = "User", *, language_code: str | None = None) -> int:
        user = self._next_user
        self._next_user += 1
        self.api.add_user(user, name, language_code=language_code)
        return user

    async def say(self, chat: int, text: str, *, replies: int = 1) -> list[SentMessage]:
        """``chat`` types ``text``; the bot's ``replies`` messages that answer it."""
        before = len(self.api.messages_to(chat))
        await self.api.send_text(chat, text)
        return (await self.api.wait_for(chat, before + replies))[before:]


@dataclass
class World(People):
    """Everything a conversation test touches."""

    engine: AsyncEngine
    clock: VirtualClock
    api: LocalBotApi
    bot: TelegramBot
    conversation: Conversation
    dispatcher: Dispatcher
    calendar: SchoolCalendar = field(default_factory=SchoolCalendar)
    rules: Rules = field(default_factory=Rules.default)
    plans: PlanCache = field(default_factory=PlanCache)
    _ticking: asyncio.Lock = field(default_factory=asyncio.Lock)
    _next_user: int = 7_000_001

    async def link(self, role: str, person_id: str, *, language_code: str | None = None) -> int:
        """A new Telegram user who opens their invitation link; returns their chat id."""
        invited = await self.invite(role, person_id)
        chat = self.user(person_id, language_code=language_code)
        await self.say(chat, f"/start {invited.code}")
        return chat

    async def tap(
        self, chat: int, message: SentMessage, key: str, *, replies: int = 1, age: float = 0.0
    ) -> list[SentMessage]:
        """``chat`` taps the button ``key`` (its data as the bot made it) under ``message``,
        ``age`` seconds ago (older than 15: Telegram no longer lets the bot acknowledge it)."""
        before = len(self.api.messages_to(chat))
        await self.api.press(chat, message.message_id, button_data(message, key), age=age)
        if replies:
            await self.api.wait_for(chat, before + replies)
        await self.conversation.settled()
        return self.api.messages_to(chat)[before:]

    async def feed(self, text: str) -> None:
        """Import an absence feed (CSV lines after the header)."""
        path = self._tmp / f"feed-{self.clock.now():%Y%m%d%H%M%S}.csv"
        path.write_text("pupil_id,date,half_day,code,expected_return\n" + text, encoding="utf-8")
        report = await import_absences(
            self.engine,
            CsvAbsenceSource(path),
            school_id=SCHOOL,
            school_name=SCHOOL_NAME,
            clock=self.clock,
            started_by="test",
            calendar=self.calendar,
        )
        assert report.exit_code == 0, report

    async def run_until(
        self, until: dt.datetime, *, step: dt.timedelta = dt.timedelta(minutes=15)
    ) -> None:
        """Let virtual time run: a planner tick and a dispatch every ``step``."""
        while self.clock.now() < until:
            self.clock.advance(min(step, until - self.clock.now()))
            await self.tick()

    async def tick(self) -> None:
        """A planner tick, then dispatch until nothing is due; one at a time, as the service
        holds one lock for its ticks and batches (answers that arrive together each ask for
        one, and the last of them must see every row the others stored)."""
        async with self._ticking:
            await planner_tick(
                self.engine,
                school_id=SCHOOL,
                rules=self.rules,
                calendar=self.calendar,
                clock=self.clock,
                cache=self.plans,
            )
            while not (await self.dispatcher.run_once()).idle:
                pass

    async def chat_of(self, table: type, roster_column: object, roster_id: str) -> int | None:
        role = {"pupil": "pupil", "guardian": "guardian", "staff": "staff"}[table.__tablename__]  # type: ignore[attr-defined]
        async with self.engine.connect() as conn:
            return await contacts.chat_of(conn, role, roster_id)

    _tmp: Path = Path(".")


def plain(text: str) -> str:
    """The text without the direction marks and isolates around names and in RTL text."""
    return text.translate(dict.fromkeys(map(ord, "\u200e\u200f\u2068\u2069")))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def button_data(message: SentMessage, key: str) -> str:
    """The callback data of the button whose data names ``key``."""
    assert message.reply_markup is not None, f"no buttons on {message.text!r}"
    for row in message.reply_markup["inline_keyboard"]:
        for button in row:
            if button["callback_data"].split(".")[2] == key:
                return str(button["callback_data"])
    raise AssertionError(f"no button {key!r} under {message.text!r}")


def button_keys(message: SentMessage) -> list[str]:
    if message.reply_markup is None:
        return []
    return [
        button["callback_data"].split(".")[2]
        for row in message.reply_markup["inline_keyboard"]
        for button in row
    ]


@asynccontextmanager
async def telegram_world(
    engine: AsyncEngine,
    clock: VirtualClock,
    tmp: Path,
    *,
    webhook_secret: str | None = None,
    rules: Rules | None = None,
    help_lines: HelpLines | None = None,
    translator: Translator | None = None,
) -> AsyncIterator[World]:
    """The example school, linked to nobody yet, its bot polling the local server (or, with
    ``webhook_secret``, receiving updates through a webhook); ``rules`` are the school's
    rules file (default: none written); ``translator`` the school's translation engine (default:
    none, as without ``translation_engine``)."""
    report = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name=SCHOOL_NAME,
        clock=clock,
    )
    assert report.exit_code == 0
    async with LocalBotApi(TOKEN, per_second=300, per_chat_interval=PER_CHAT) as api:
        limiter = TelegramRateLimiter(SendBudget(per_second=300, per_chat_interval=PER_CHAT))
        client: ExtBot[None] = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=limiter)
        calendar = SchoolCalendar()
        rules = Rules.default() if rules is None else rules
        channel = TelegramChannel(
            client, DatabaseChats(engine, clock), secret=SECRET, budget=limiter.budget
        )
        dispatcher = Dispatcher(
            engine,
            RenderingChannel(channel),
            clock,
            "test-worker",
            gate=DeliveryGate(engine, rules, calendar, clock.tz),
        )
        world: World
        conversation = Conversation(
            engine,
            clock,
            calendar,
            bot=client,
            secret=SECRET,
            news=lambda: world.tick(),
            rules=rules,
            help_lines=help_lines,
            translator=translator,
        )
        webhook = None
        if webhook_secret is not None:
            port = free_port()
            url = f"http://127.0.0.1:{port}/telegram"
            webhook = Webhook(url=url, secret=webhook_secret, port=port)
        telegram = TelegramBot(
            client, conversation, webhook=webhook, poll_timeout=dt.timedelta(seconds=0.2)
        )
        world = World(engine, clock, api, telegram, conversation, dispatcher, calendar, rules)
        world._tmp = tmp
        await telegram.start()
        try:
            yield world
        finally:
            await telegram.stop()


async def replies(world: World) -> list[tuple[Any, ...]]:
    """Every stored answer, in the order stored: (sender role, sender id, answer)."""
    async with world.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(col(Reply.sender_role), col(Reply.sender_id), col(Reply.answer)).order_by(
                col(Reply.id)
            )
        )
        return [tuple(row) for row in rows]
