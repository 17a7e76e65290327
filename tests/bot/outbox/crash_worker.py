"""A dispatcher process for the crash test, run as ``python -m tests.bot.outbox.crash_worker``.

It delivers everything due to a "phone": a file that gets one line per delivery, written and
fsync'd before the channel reports success, so it shows what recipients received even when the
process is killed a moment later. It exits 0 when nothing is left to send. ``--die-after N``
makes it SIGKILL itself right after its N-th delivery: the worst moment, when a message has
arrived but is not yet marked sent. The test starts it with :func:`run` in a process forked from
a clean multiprocessing server (starting Python and importing takes over a second each time).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
from datetime import timedelta
from pathlib import Path

from bot.db import connect
from bot.outbox import Channel, DeliveryOutcome, Dispatcher, Outgoing
from scheduler.clock import WallClock

WORKER = "crash-worker"
LEASE = timedelta(seconds=30)


class PhoneChannel(Channel):
    """Appends each delivered message's idempotency key to a file, durably."""

    def __init__(self, path: Path, die_after: int | None = None) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._die_after = die_after
        self._delivered = 0

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        os.write(self._fd, f"{message.idempotency_key}\n".encode())
        os.fsync(self._fd)
        self._delivered += 1
        if self._delivered == self._die_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return DeliveryOutcome.sent()

    def close(self) -> None:
        os.close(self._fd)


async def dispatch(url: str, phone: PhoneChannel) -> None:
    """Deliver until a run finds nothing due, as the one worker called ``crash-worker``."""
    engine = connect(url)
    try:
        dispatcher = Dispatcher(engine, phone, WallClock(), WORKER, batch=25, lease=LEASE)
        # Same worker id as the life that was killed: take its `sending` rows back at once.
        await dispatcher.resume()
        while not (await dispatcher.run_once()).idle:
            pass
    finally:
        await engine.dispose()


def run(url: str, phone_path: Path, die_after: int | None = None) -> None:
    """The worker process's whole life."""
    phone = PhoneChannel(phone_path, die_after)
    try:
        asyncio.run(dispatch(url, phone))
    finally:
        phone.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("phone", type=Path)
    parser.add_argument("--die-after", type=int)
    args = parser.parse_args()
    run(args.url, args.phone, args.die_after)


if __name__ == "__main__":
    main()
