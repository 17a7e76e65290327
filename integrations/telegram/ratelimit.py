"""Telegram's sending limits, kept on our side so that Telegram never has to answer 429.

Telegram lets one bot send about 30 messages a second in all, and about one a second to the
same chat; past that it answers ``429 Too Many Requests`` with a ``retry_after``. Relying on
those answers would mean sending too much first and being slowed down for it, so Gemist keeps
its own budget. python-telegram-bot's ``AIORateLimiter`` does not know the per-chat limit (it
has a per-group one only), hence :class:`TelegramRateLimiter`, a ``BaseRateLimiter`` that every
request of the bot goes through: the outbox's messages and the bot's own answers to a button
alike share one budget.

The budget (:class:`SendBudget`) is a schedule of send slots: no ``1 + headroom`` seconds hold
more than ``per_second`` of the bot's slots, and two slots of one chat are ``per_chat_interval *
(1 + headroom)`` apart; a request takes the earliest slot free on both counts. The headroom
absorbs the jitter between the moment we send and the moment Telegram counts. A sliding window
rather than even spacing lets a bot that was slowed down for a moment (a slow disk, a slow
answer) catch up within the limit.

Telegram counts a message when it arrives, which we cannot see; but it arrived before its
answer came back. So a slot is counted twice over: moved to the moment the request really
leaves (a late wake-up, a busy loop), and then to the moment its answer is back. Measured from
that upper bound, the next request cannot arrive too soon, whatever the network did in
between; the headroom (1 %) is only a margin on top. With the defaults a busy bot sends about
29.5 messages a second, minus one round trip per window.

:meth:`SendBudget.ready_in` tells how long a chat would wait now, so that the dispatcher can
send to another chat first instead of waiting in line (:meth:`bot.outbox.Channel.ready_in`).
"""

from __future__ import annotations

import asyncio
import time
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

__all__ = ["LIMITED_METHODS", "SendBudget", "TelegramRateLimiter", "seconds_of"]

LIMITED_METHODS = frozenset(
    {
        "sendmessage",
        "editmessagetext",
        "editmessagereplymarkup",
        "senddocument",
        "sendphoto",
        "copymessage",
        "forwardmessage",
    }
)
"""The methods Telegram counts against the sending limits (lower case, as it matches them)."""

_IDLE_CHATS = 10_000
"""Chats remembered before the ones whose slot lies in the past are forgotten."""


class SendBudget:
    """Send slots for the bot and per chat; ``clock`` is monotonic seconds (tests inject it)."""

    def __init__(
        self,
        *,
        per_second: float = 30.0,
        per_chat_interval: float = 1.0,
        headroom: float = 0.01,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_second < 1 or per_chat_interval < 0:
            raise ValueError("per_second must be at least 1 and per_chat_interval not negative")
        if not 0 <= headroom < 1:
            raise ValueError(f"headroom must be in [0, 1), not {headroom}")
        self.per_second = int(per_second)
        self.window = 1.0 + headroom
        self.chat_interval = per_chat_interval * (1.0 + headroom)
        self._clock = clock
        self._slots: list[float] = []  # the bot's booked send instants, sorted
        self._paused_until = float("-inf")
        self._chat_next: dict[str, float] = {}

    def now(self) -> float:
        return self._clock()

    def ready_in(self, chat: int | str | None) -> float:
        """Seconds a message to ``chat`` would wait if it were sent now (0: at once)."""
        now = self._clock()
        return self._start(now, chat) - now

    def reserve(self, chat: int | str | None) -> float:
        """Book the next slot for ``chat`` (``None``: a message not bound to one chat); returns
        the seconds to wait before sending."""
        return self.book(chat) - self._clock()

    def book(self, chat: int | str | None) -> float:
        """Book the next slot for ``chat``; returns its instant (to :meth:`confirm` it by)."""
        now = self._clock()
        start = self._start(now, chat)
        insort(self._slots, start)
        if chat is not None:
            self._chat_next[str(chat)] = start + self.chat_interval
            if len(self._chat_next) > _IDLE_CHATS:
                self._forget(now)
        return start

    def confirm(self, chat: int | str | None, slot: float) -> float:
        """Count the message booked at ``slot`` from now instead (it goes out only now, or its
        answer is back only now: see the module's docstring); returns the instant it now
        holds."""
        now = self._clock()
        if now <= slot:
            return slot
        index = bisect_left(self._slots, slot)
        if index < len(self._slots) and self._slots[index] == slot:
            del self._slots[index]
        insort(self._slots, now)
        if chat is not None:
            key = str(chat)
            self._chat_next[key] = max(self._chat_next.get(key, now), now + self.chat_interval)
        return now

    def pause(self, seconds: float) -> None:
        """Telegram asked us to wait (a 429 after all): no slot for anyone before then."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def _start(self, now: float, chat: int | str | None) -> float:
        """The earliest instant from ``now`` that is free for ``chat`` and for the bot: no
        window of ``window`` seconds may then hold more than ``per_second`` slots, counting
        the slots already booked after it too (a message that waits for its chat books a
        slot ahead; it must not hold up the others, so slots are not a queue)."""
        del self._slots[: bisect_right(self._slots, now - self.window)]
        start = max(now, self._paused_until)
        if chat is not None:
            start = max(start, self._chat_next.get(str(chat), now))  # 42 and "42": one chat
        while True:
            low = bisect_right(self._slots, start - self.window)
            high = bisect_right(self._slots, start)
            if high - low >= self.per_second:
                # The window ending at ``start`` is full: wait until its oldest slot is out.
                start = self._slots[high - self.per_second] + self.window
                continue
            later = self._first_full_after(start, high)
            if later is None:
                return start
            start = later  # a full window ends at that slot: look from it on

    def _first_full_after(self, start: float, first: int) -> float | None:
        """A booked slot after ``start`` (and less than a window away) whose window is already
        full, so that ``start`` may not join it; ``None`` when there is none."""
        end = bisect_left(self._slots, start + self.window)
        for index in range(first, end):
            slot = self._slots[index]
            if index + 1 - bisect_right(self._slots, slot - self.window) >= self.per_second:
                return slot
        return None

    def _forget(self, now: float) -> None:
        self._chat_next = {chat: at for chat, at in self._chat_next.items() if at > now}


class TelegramRateLimiter(BaseRateLimiter[None]):
    """Spaces the bot's requests by :class:`SendBudget`; other methods (``getUpdates``,
    ``answerCallbackQuery``, ...) pass at once.

    A ``RetryAfter`` that comes back anyway pauses the whole budget and is raised again: the
    caller decides whether to try later (the dispatcher does, through the outbox).
    """

    def __init__(self, budget: SendBudget | None = None) -> None:
        self.budget = budget or SendBudget()
        self._lock = asyncio.Lock()

    async def initialize(self) -> None:
        """Nothing to set up: the budget lives in memory."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the request's slot, then make it."""
        chat = data.get("chat_id")
        slot: float | None = None
        if endpoint.lower() in LIMITED_METHODS:
            async with self._lock:  # slots are handed out in the order requests arrive
                slot = self.budget.book(chat)
            delay = slot - self.budget.now()
            if delay > 0:
                await asyncio.sleep(delay)
            slot = self.budget.confirm(chat, slot)  # the very instant booked: found and moved
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as err:
            self.budget.pause(seconds_of(err.retry_after))
            raise
        finally:
            if slot is not None:
                self.budget.confirm(chat, slot)  # Telegram had it before its answer was back


def seconds_of(value: timedelta | float) -> float:
    """``RetryAfter.retry_after`` as seconds: a timedelta with ``PTB_TIMEDELTA`` set (as
    Gemist does), a number in older releases."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
