"""The sending rate a mail provider allows, kept on our side.

Providers count messages a minute per mailbox (Microsoft 365: 30) and answer a burst with 4xx
replies or, worse, a blocked mailbox for the day. So messages leave evenly spaced, one every
``60 / rate`` seconds, whatever the number of connections: waiting here is cheap, a blocked
mailbox is not.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

__all__ = ["SendRate"]

_TICK = 0.001
"""Waits shorter than this are not slept: the event loop's timers are no finer, and no
provider counts in fractions of a millisecond."""


class SendRate:
    """At most ``per_minute`` messages a minute, evenly spaced.

    Each caller of :meth:`wait` takes the next free instant before it sleeps, so callers
    running at once are spaced too and none waits longer than its turn. ``now`` and ``sleep``
    are the monotonic clock and the sleep to use: the tests pass a virtual pair.
    """

    def __init__(
        self,
        per_minute: float,
        *,
        now: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_minute <= 0:
            raise ValueError(f"the rate must be positive, not {per_minute}")
        self.interval = 60.0 / per_minute
        self._now = now
        self._sleep = sleep
        self._next: float | None = None

    async def wait(self) -> None:
        """Return when the next message may go out."""
        now = self._now()
        turn = now if self._next is None else max(now, self._next)
        self._next = turn + self.interval
        if turn - now >= _TICK:
            await self._sleep(turn - now)
