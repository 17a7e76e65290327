"""``gemist bench email``: e-mail through Gemist to a local SMTP server, against the server's
own limit.

``messages`` outreach rows to ``recipients`` parents (each in one of the family languages, in
turn) are rendered, composed and sent by the e-mail channel as its plug-in builds it: its
connection pool and the real aiosmtplib client, to an aiosmtpd server on the loopback address.
The server runs in a process of its own, as a mail server does: in this one it would take half
of the one core a Python process has. As many rows are in flight at once as the pool has
connections. The provider's rate is lifted: the point is what Gemist can do, not what
Microsoft allows.

Figures are read off the server: what it accepted, from first to last, and each message's
``Message-ID``, which is the same for every attempt at one row, so a row sent twice or not at
all shows. The server's own limit is measured with a bare aiosmtplib loop over as many
connections, sending the same bytes without Gemist. Goals (issue 17): at least 200 messages a
second, none lost, none twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import multiprocessing
import re
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection

import aiosmtplib

from bot.exits import Exit
from bot.outbox import Outgoing
from bot.outbox.plugin import ChannelContext, Refusal
from bot.outbox.rendering import RenderingChannel
from integrations.email import EmailOptions, SendRate
from integrations.email.local_server import LocalSmtpServer, Received
from integrations.email.plugin import PLUGIN
from messages import FAMILY_LANGUAGES, SAMPLE_CONTEXT
from scheduler.clock import BRUSSELS, WallClock

__all__ = ["EmailFigures", "measure", "measure_and_report"]

GOAL_RATE = 200.0
SENDER = "gemist@bench.example"
WEB = "https://gemist.bench.example"
LOOPBACK = "127.0.0.1"
_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class EmailFigures:
    """What the server saw, through Gemist and bare."""

    messages: int
    recipients: int
    connections: int
    accepted: int
    seconds: float
    rate: float
    lost: int
    duplicated: int
    not_sent: int
    bare_rate: float
    mean_bytes: float

    @property
    def met(self) -> bool:
        return (
            self.rate >= GOAL_RATE
            and self.accepted == self.messages
            and self.lost == 0
            and self.duplicated == 0
            and self.not_sent == 0
        )


class _Pages:
    """Links as long as signed ones: the row, the answer and a token of 43 characters."""

    def answer(self, message: Outgoing, key: str) -> str:
        return f"{WEB}/a/{message.id}/{key}?t={_token(message.id)}"

    def words(self, message: Outgoing) -> str:
        return f"{WEB}/w/{message.id}?t={_token(message.id)}"

    def unsubscribe(self, message: Outgoing) -> str:
        return f"{WEB}/u/{message.id}?t={_token(message.id)}"


def _token(row: int) -> str:
    return f"{row:08x}".ljust(43, "x")


class _Parents:
    """Every guardian ``n`` has the address ``ouder<n>@bench.example``."""

    async def address_of(self, channel: str, role: str, person_id: int) -> str | None:
        return f"ouder{person_id}@bench.example"

    async def forget(
        self, channel: str, role: str, person_id: int, why: Refusal | None = None
    ) -> None:
        raise AssertionError("the bench server refuses nobody")

    async def move(self, channel: str, role: str, person_id: int, address: str) -> None:
        raise AssertionError("e-mail addresses do not move")


@dataclass(frozen=True, slots=True)
class _Counted:
    """What the server accepted: messages, distinct Message-IDs, first and last instant."""

    accepted: int
    distinct: int
    first: float
    last: float
    bytes: int


class _Seen:
    """Keeps each accepted message's Message-ID and instant, not its bytes."""

    def __init__(self) -> None:
        self.ids: Counter[bytes] = Counter()
        self.first = self.last = 0.0
        self.bytes = 0

    def __call__(self, received: Received) -> bool:
        found = _MESSAGE_ID.search(received.data)
        self.ids[found[1] if found else b""] += 1
        self.first = self.first or received.at
        self.last = received.at
        self.bytes += len(received.data)
        return False

    def counted(self) -> _Counted:
        return _Counted(sum(self.ids.values()), len(self.ids), self.first, self.last, self.bytes)


def _serve(pipe: Connection) -> None:
    """The server process: says its port, serves until told to stop, then says what it saw."""
    asyncio.run(_serving(pipe))


async def _serving(pipe: Connection) -> None:
    seen = _Seen()
    async with LocalSmtpServer(keep=seen) as server:
        pipe.send(server.port)
        await asyncio.to_thread(pipe.recv)
    pipe.send(seen.counted())


@asynccontextmanager
async def _server() -> AsyncIterator[tuple[int, list[_Counted]]]:
    """A local SMTP server in a process of its own: its port, and a list that holds what it
    accepted once the block is left."""
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    process = spawn.Process(target=_serve, args=(theirs,), name="gemist-bench-smtp", daemon=True)
    process.start()
    counted: list[_Counted] = []
    try:
        port = await asyncio.to_thread(ours.recv)
        yield port, counted
        ours.send("stop")
        counted.append(await asyncio.to_thread(ours.recv))
    finally:
        await asyncio.to_thread(process.join, 10)
        if process.is_alive():
            process.terminate()


def _rows(messages: int, recipients: int, now: dt.datetime) -> list[Outgoing]:
    payload = {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in SAMPLE_CONTEXT.items()
    }
    return [
        Outgoing(
            id=n + 1,
            school_id="bench",
            idempotency_key=f"bench:{n}",
            kind="guardian_notice",
            recipient_role="guardian",
            recipient_id=n % recipients,
            channel="email",
            pupil_id=n % recipients,
            lang=FAMILY_LANGUAGES[n % len(FAMILY_LANGUAGES)],
            payload=payload,
            text=None,
            due_at=now,
            expires_at=now + dt.timedelta(days=1),
            attempts=0,
            claimed_by="bench",
            claimed_at=now,
        )
        for n in range(messages)
    ]


async def measure(messages: int, recipients: int, connections: int) -> EmailFigures:
    """Send through Gemist, then bare, each to a fresh local server; read the figures."""
    clock = WallClock(BRUSSELS)
    async with _server() as (port, counted):
        options = EmailOptions(
            host=LOOPBACK,
            port=port,
            security="none",
            from_address=SENDER,
            from_name="Benchschool",
            pool=connections,
        )
        context = ChannelContext(
            clock, _Parents(), pages=_Pages(), tuning={"email": SendRate(60_000_000)}
        )
        channel = RenderingChannel(PLUGIN.build(options, context))
        queue: asyncio.Queue[Outgoing] = asyncio.Queue()
        for row in _rows(messages, recipients, clock.now()):
            queue.put_nowait(row)
        not_sent = 0

        async def worker() -> None:
            nonlocal not_sent
            while not queue.empty():
                outcome = await channel.deliver(queue.get_nowait())
                not_sent += outcome.kind.value != "sent"

        async with channel:
            await asyncio.gather(*(worker() for _ in range(connections)))
    [seen] = counted
    span = seen.last - seen.first
    mean = seen.bytes / seen.accepted if seen.accepted else 0.0
    bare = await _bare(messages, connections, int(mean) or 1000)
    return EmailFigures(
        messages=messages,
        recipients=recipients,
        connections=connections,
        accepted=seen.accepted,
        seconds=span,
        rate=(seen.accepted - 1) / span if span else 0.0,
        lost=messages - seen.distinct,
        duplicated=seen.accepted - seen.distinct,
        not_sent=not_sent,
        bare_rate=bare,
        mean_bytes=mean,
    )


async def _bare(messages: int, connections: int, size: int) -> float:
    """The server's own limit: aiosmtplib alone, over ``connections`` connections, sending
    messages of ``size`` bytes as fast as the server takes them."""
    body = b"x" * 76 + b"\r\n"
    data = b"Subject: bare\r\n\r\n" + body * max(1, size // len(body))
    async with _server() as (port, counted):
        left = messages

        async def sender() -> None:
            nonlocal left
            client = aiosmtplib.SMTP(hostname=LOOPBACK, port=port, start_tls=False)
            await client.connect()
            while left > 0:
                left -= 1
                await client.sendmail(SENDER, ["ouder@bench.example"], data)
            await client.quit()

        await asyncio.gather(*(sender() for _ in range(connections)))
    [seen] = counted
    span = seen.last - seen.first
    return (seen.accepted - 1) / span if span else 0.0


def report(figures: EmailFigures) -> int:
    print(
        f"{figures.messages:,} e-mails to {figures.recipients:,} parents through the local "
        f"SMTP server, {figures.connections} connections"
    )
    print(f"  accepted by the server   {figures.accepted:>10,}")
    print(f"  from first to last       {figures.seconds:>10.1f} s")
    print(f"  mean size                {figures.mean_bytes / 1000:>10.1f} kB")
    print(f"  through Gemist           {figures.rate:>10.1f} messages/s (goal >= {GOAL_RATE:.0f})")
    print(f"  the server's own limit   {figures.bare_rate:>10.1f} messages/s (bare aiosmtplib)")
    print(f"  lost                     {figures.lost:>10,} (goal 0)")
    print(f"  duplicated               {figures.duplicated:>10,} (goal 0)")
    print(f"  rows not sent            {figures.not_sent:>10,} (goal 0)")
    print("  goals: " + ("MET" if figures.met else "NOT MET"))
    return Exit.OK if figures.met else Exit.NOT_MET


async def measure_and_report(messages: int, recipients: int, connections: int) -> int:
    """The command: measure, print the figures; 0 when all goals are met."""
    if messages < 1 or recipients < 1 or connections < 1:
        print(
            "gemist bench email: --messages, --recipients and --connections must be at least 1",
            file=sys.stderr,
        )
        return Exit.UNUSABLE
    return report(await measure(messages, recipients, connections))
