"""``gemist run`` as it is wired (:func:`bot.commands.run.serve`: the service, the outbox's
Telegram channel and the bot's conversations on one client) against the local Bot API server,
on a virtual clock, configured the way an operator does it (``GEMIST_*`` variables).

As in :mod:`tests.helpers.telegram`, the local server's limits and the rate limiter's are
scaled down together. The recurring jobs are put a day apart: within a test only the start's
first run of each job and the answers (:meth:`bot.service.Service.news`) plan and send, so a
message that arrives proves which of them sent it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.commands.run import Tuning, serve
from bot.config import Settings, load_settings
from bot.imports import import_roster
from bot.rules import Rules
from integrations.csv import CsvRosterSource
from integrations.telegram import LocalBotApi, SendBudget
from integrations.telegram.local_server import SentMessage
from scheduler.calendar import SchoolCalendar
from scheduler.clock import VirtualClock
from scheduler.jobs import Schedule
from tests.helpers.telegram import (
    EXAMPLE,
    PER_CHAT,
    SCHOOL,
    SCHOOL_NAME,
    TOKEN,
    People,
    button_data,
)

DAILY = dt.timedelta(days=1)


@dataclass
class Live(People):
    """A running ``gemist run`` and the people who talk to its bot."""

    engine: AsyncEngine
    clock: VirtualClock
    api: LocalBotApi
    settings: Settings
    stop: asyncio.Event
    task: asyncio.Task[None]
    _next_user: int = field(default=8_000_001, kw_only=True)

    async def press(self, chat: int, message: SentMessage, key: str) -> None:
        """``chat`` taps the button ``key`` under ``message``."""
        await self.api.press(chat, message.message_id, button_data(message, key))

    async def stopped(self, *, within: float = 10.0) -> None:
        """Stop the run as SIGTERM would, and wait until it has stopped."""
        self.stop.set()
        await asyncio.wait_for(self.task, within)


@asynccontextmanager
async def live_run(
    engine: AsyncEngine,
    clock: VirtualClock,
    environ: Mapping[str, str] | None = None,
    *,
    before: Callable[[LocalBotApi], Awaitable[object]] | None = None,
) -> AsyncIterator[Live]:
    """The example school, linked to nobody, and ``gemist run`` with a token and the local
    server as its Bot API (plus ``environ``), started and ready; stopped at the end.
    ``before`` runs once the roster is in and the server is up, before ``gemist run`` starts."""
    report = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name=SCHOOL_NAME,
        clock=clock,
    )
    assert report.exit_code == 0
    async with LocalBotApi(TOKEN, per_second=300, per_chat_interval=PER_CHAT) as api:
        settings = load_settings(
            environ={
                "GEMIST_TELEGRAM_TOKEN": TOKEN,
                "GEMIST_TELEGRAM_API_URL": api.base_url.removesuffix("/bot"),
                **(environ or {}),
            }
        )
        if before is not None:
            await before(api)
        stop, ready = asyncio.Event(), asyncio.Event()
        task = asyncio.create_task(
            serve(
                settings,
                engine=engine,
                clock=clock,
                rules=Rules.default(),
                calendar=SchoolCalendar(),
                worker_id="live-test",
                stop=stop,
                ready=ready,
                tuning=Tuning(
                    budget=SendBudget(per_second=300, per_chat_interval=PER_CHAT),
                    poll_timeout=dt.timedelta(seconds=0.2),
                    schedule=Schedule(planner_every=DAILY, dispatch_every=DAILY),
                ),
            )
        )
        live = Live(engine, clock, api, settings, stop, task)
        try:
            await _started(task, ready)
            yield live
        finally:
            if not task.done():
                await live.stopped()


async def _started(task: asyncio.Task[None], ready: asyncio.Event, within: float = 10.0) -> None:
    """Wait until the run is ready; its own error if it failed to start."""
    waiting = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait({task, waiting}, timeout=within, return_when="FIRST_COMPLETED")
    waiting.cancel()
    if task in done:
        task.result()
        raise AssertionError("gemist run stopped before it was ready")
    assert done, "gemist run was not ready in time"
