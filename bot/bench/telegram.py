"""``gemist bench telegram``: the outbox sending through the real client to the local Bot API.

A throw-away SQLite school of ``chats`` pupils, each with a linked chat, and ``messages``
rendered check-ins in the outbox, all due, in a seeded random order (so a batch sometimes
holds two messages to one chat, as a real morning does). The real dispatcher sends them with
python-telegram-bot through :class:`~integrations.telegram.TelegramChannel` and Gemist's rate
limiter to :class:`~integrations.telegram.LocalBotApi`, which enforces Telegram's limits as
Telegram does (429 past 30 messages a second per bot or one a second per chat).

Figures are read off the server: what it accepted and when, and every 429 it answered. The
goals (issue 5): a sustained rate of at least 28.5 messages a second (95 % of the cap), no 429,
no chat sent two messages less than a second apart, and every message delivered exactly once.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from telegram.ext import ExtBot

from bot.db import connect, migrate
from bot.domain import OutreachKind, Role
from bot.exits import Exit
from bot.models import Contact, Outreach, Pupil, School, SchoolClass
from bot.outbox import Dispatcher, PlannedOutreach, plan
from bot.outbox.rendering import RenderingChannel
from bot.telegram import DatabaseChats
from integrations.telegram import LocalBotApi, TelegramChannel, TelegramRateLimiter
from integrations.telegram.callbacks import callback_secret
from messages import SAMPLE_CONTEXT
from scheduler.clock import BRUSSELS, WallClock

__all__ = ["TelegramFigures", "measure", "measure_and_report"]

TOKEN = "123456:bench-token"
SCHOOL = "bench"
FIRST_CHAT = 700_000_000
GOAL_RATE = 28.5


@dataclass(frozen=True, slots=True)
class TelegramFigures:
    """What the server saw."""

    messages: int
    chats: int
    accepted: int
    seconds: float
    rate: float
    too_many_requests: int
    closest_per_chat: float
    duplicates: int
    unsent_rows: int

    @property
    def met(self) -> bool:
        return (
            self.rate >= GOAL_RATE
            and self.too_many_requests == 0
            and self.closest_per_chat >= 1.0
            and self.accepted == self.messages
            and self.duplicates == 0
            and self.unsent_rows == 0
        )


async def _school(engine: AsyncEngine, chats: int, now: dt.datetime) -> list[int]:
    """The pupils, each with a chat; their row ids."""
    async with engine.begin() as conn:
        await conn.execute(sa.insert(School).values(id=SCHOOL, name="Benchschool", created_at=now))
        class_id = (
            await conn.execute(
                sa.insert(SchoolClass)
                .values(school_id=SCHOOL, name="1A")
                .returning(col(SchoolClass.id))
            )
        ).scalar_one()
        await conn.execute(
            sa.insert(Pupil),
            [
                {
                    "school_id": SCHOOL,
                    "pupil_id": f"P{n:05d}",
                    "first_name": f"Kind{n}",
                    "last_name": "Test",
                    "birth_date": dt.date(2012, 3, 4),
                    "class_id": class_id,
                    "updated_at": now,
                }
                for n in range(chats)
            ],
        )
        ids = await conn.execute(sa.select(col(Pupil.id)).order_by(col(Pupil.id)))
        pupils = [int(row_id) for row_id in ids.scalars() if row_id is not None]
        await conn.execute(
            sa.insert(Contact),
            [
                {
                    "school_id": SCHOOL,
                    "role": "pupil",
                    "person_id": pupil,
                    "channel": "telegram",
                    "address": str(FIRST_CHAT + n),
                    "state": "active",
                    "since": now,
                }
                for n, pupil in enumerate(pupils)
            ],
        )
        return pupils


def _outreach(
    pupils: list[int], messages: int, now: dt.datetime, seed: int
) -> list[PlannedOutreach]:
    order = list(range(messages))
    random.Random(seed).shuffle(order)
    payload = {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in SAMPLE_CONTEXT.items()
    }
    return [
        PlannedOutreach(
            school_id=SCHOOL,
            idempotency_key=f"bench:{n}",
            kind=OutreachKind.PUPIL_CHECKIN,
            recipient_role=Role.PUPIL,
            recipient_id=pupils[n % len(pupils)],
            channel="telegram",
            lang="nl",
            # Every message due, in the shuffled order, a millisecond apart.
            due_at=now - dt.timedelta(minutes=10) + dt.timedelta(milliseconds=position),
            expires_at=now + dt.timedelta(days=1),
            pupil_id=pupils[n % len(pupils)],
            payload=payload,
        )
        for position, n in enumerate(order)
    ]


async def measure(messages: int, chats: int, seed: int, folder: Path) -> TelegramFigures:
    """Plan, send, and read the figures off the server."""
    clock = WallClock(BRUSSELS)
    engine = connect(f"sqlite:///{folder / 'bench.db'}")
    try:
        await migrate(engine)
        now = clock.now()
        pupils = await _school(engine, chats, now)
        async with engine.begin() as conn:
            await plan(conn, _outreach(pupils, messages, now, seed), now)
        async with LocalBotApi(TOKEN) as api:
            for n in range(chats):
                api.add_user(FIRST_CHAT + n, f"Kind{n}", language_code="nl")
            limiter = TelegramRateLimiter()
            bot: ExtBot[None] = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=limiter)
            channel = TelegramChannel(
                bot,
                DatabaseChats(engine, clock),
                secret=callback_secret(TOKEN),
                budget=limiter.budget,
            )
            dispatcher = Dispatcher(engine, RenderingChannel(channel), clock, "bench")
            async with bot:
                while not (await dispatcher.run_once()).idle:
                    pass
            return _figures(api, messages, chats, await _unsent(engine))
    finally:
        await engine.dispose()


async def _unsent(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(
            await conn.scalar(sa.select(sa.func.count()).where(col(Outreach.status) != "sent")) or 0
        )


def _figures(api: LocalBotApi, messages: int, chats: int, unsent: int) -> TelegramFigures:
    sent = list(api.sent)
    instants = sorted(message.at for message in sent)
    span = instants[-1] - instants[0] if len(instants) > 1 else 0.0
    per_chat: dict[int, list[float]] = defaultdict(list)
    for message in sent:
        per_chat[message.chat_id].append(message.at)
    gaps = [
        later - earlier
        for times in per_chat.values()
        for earlier, later in itertools.pairwise(sorted(times))
    ]
    # Every message carries its outreach row in its buttons' data ("o.<row>.<answer>.<mac>").
    rows = Counter(_row_of(message.reply_markup) for message in sent)
    return TelegramFigures(
        messages=messages,
        chats=chats,
        accepted=len(sent),
        seconds=span,
        rate=(len(instants) - 1) / span if span else 0.0,
        too_many_requests=sum(1 for rejection in api.rejections if rejection.status == 429),
        closest_per_chat=min(gaps) if gaps else float("inf"),
        duplicates=sum(count - 1 for count in rows.values()),
        unsent_rows=unsent,
    )


def _row_of(markup: dict[str, Any] | None) -> str | None:
    if not markup:
        return None
    return str(markup["inline_keyboard"][0][0]["callback_data"]).split(".")[1]


def report(figures: TelegramFigures) -> int:
    print(f"{figures.messages:,} messages to {figures.chats:,} chats through the local Bot API")
    print(f"  accepted by the server   {figures.accepted:>10,}")
    print(f"  from first to last       {figures.seconds:>10.1f} s")
    print(f"  sustained rate           {figures.rate:>10.2f} messages/s (goal >= {GOAL_RATE})")
    print(f"  429 answers              {figures.too_many_requests:>10,} (goal 0)")
    print(f"  closest two to one chat  {figures.closest_per_chat:>10.3f} s (goal >= 1.000)")
    print(f"  rows not sent            {figures.unsent_rows:>10,} (goal 0)")
    print(f"  delivered twice          {figures.duplicates:>10,} (goal 0)")
    print("  goals: " + ("MET" if figures.met else "NOT MET"))
    return Exit.OK if figures.met else Exit.NOT_MET


async def measure_and_report(messages: int, chats: int, seed: int) -> int:
    """The command: measure on a throw-away database, print the figures; 0 when all goals
    are met."""
    if messages < 1 or chats < 1:
        print("gemist bench telegram: --messages and --chats must be at least 1", file=sys.stderr)
        return Exit.UNUSABLE
    with tempfile.TemporaryDirectory(prefix="gemist-bench-telegram-") as name:
        figures = await measure(messages, chats, seed, Path(name))
    return report(figures)
