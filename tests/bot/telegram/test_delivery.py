"""Delivery through the outbox, the Telegram channel and the local Bot API server when Telegram
says "too many requests": the wait it names is kept, and nothing is lost or sent twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools

import sqlalchemy as sa
from telegram.ext import ExtBot

from bot.outbox import Dispatcher, PlannedOutreach, plan
from bot.outbox.tables import OUTREACH
from bot.telegram import DatabaseChats
from integrations.telegram import LocalBotApi, SendBudget, TelegramChannel, TelegramRateLimiter
from tests.helpers.contacts import link
from tests.helpers.telegram import SECRET, TOKEN, telegram_world

SERVER_INTERVAL = 0.3  # the server's limit per chat, in seconds


async def test_a_429_is_waited_out_and_every_message_arrives_once(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        chats = {"P0001": world.user("Lotte"), "P0002": world.user("Yasmine")}
        async with engine.begin() as conn:
            ids = {}
            for pupil, chat in chats.items():
                ids[pupil] = await link(conn, "pupil", pupil, chat)
            now = clock.now()
            texts = [("P0001", f"Lotte {n}") for n in range(3)] + [("P0002", "Yasmine 0")]
            await plan(
                conn,
                [
                    PlannedOutreach(
                        school_id="school",
                        idempotency_key=f"k-{text}",
                        kind="pupil_checkin",
                        recipient_role="pupil",
                        recipient_id=ids[pupil],
                        channel="telegram",
                        lang="nl",
                        due_at=now,
                        expires_at=now + dt.timedelta(days=1),
                        pupil_id=ids[pupil],
                        text=text,
                    )
                    for pupil, text in texts
                ],
                now,
            )
    # A bot whose own budget is far too generous: only Telegram's 429 can slow it down.
    async with LocalBotApi(TOKEN, per_second=300, per_chat_interval=SERVER_INTERVAL) as api:
        for chat in chats.values():
            api.add_user(chat, "Pupil")
        limiter = TelegramRateLimiter(SendBudget(per_second=1000, per_chat_interval=0))
        client: ExtBot[None] = ExtBot(TOKEN, base_url=api.base_url, rate_limiter=limiter)
        channel = TelegramChannel(
            client, DatabaseChats(engine, clock), secret=SECRET, budget=limiter.budget
        )
        dispatcher = Dispatcher(engine, channel, clock, "w1")
        async with client:
            retried = 0
            for _ in range(20):
                report = await dispatcher.run_once()
                retried += len(report.retried)
                async with engine.connect() as conn:
                    left = await conn.scalar(
                        sa.select(sa.func.count()).where(OUTREACH.c.status != "sent")
                    )
                if not left:
                    break
                clock.advance(dt.timedelta(seconds=1))  # the retry_after Telegram named
                await asyncio.sleep(SERVER_INTERVAL)  # and the server's own clock moves on

        assert left == 0
        assert retried >= 1
        assert {r.status for r in api.rejections} == {429}
        arrived = sorted(message.text for message in api.sent)
        assert arrived == sorted(text for _pupil, text in texts)  # each once, none lost
        lotte = [m.at for m in api.messages_to(chats["P0001"])]
        assert all(b - a >= SERVER_INTERVAL for a, b in itertools.pairwise(lotte))
