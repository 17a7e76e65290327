"""The connections are few and reused, a dropped one is replaced without losing the message,
and messages leave no faster than the provider allows."""

from __future__ import annotations

import asyncio

import pytest

from bot.outbox import Outcome
from integrations.email import SendRate
from integrations.email.local_server import LocalSmtpServer
from tests.helpers.email import Addresses, channel, outgoing


def _parents(count: int) -> Addresses:
    return Addresses({("guardian", n): f"ouder{n}@example.be" for n in range(count)})


async def test_one_connection_carries_message_after_message():
    server = LocalSmtpServer(user="school", password="pw")
    async with server, channel(server, _parents(10), pool=1, user="school", password="pw") as email:
        outcomes = [await email.deliver(outgoing(row=n, person=n)) for n in range(10)]

    assert {outcome.kind for outcome in outcomes} == {Outcome.SENT}
    assert len(server.received) == 10
    assert (server.connections, server.logins) == (1, 1)


async def test_messages_at_once_use_at_most_the_pool_of_connections():
    async with LocalSmtpServer() as server, channel(server, _parents(12), pool=3) as email:
        outcomes = await asyncio.gather(
            *(email.deliver(outgoing(row=n, person=n)) for n in range(12))
        )

    assert {outcome.kind for outcome in outcomes} == {Outcome.SENT}
    assert sorted(r.recipients[0] for r in server.received) == sorted(
        f"ouder{n}@example.be" for n in range(12)
    )
    assert server.connections == 3


async def test_a_connection_the_server_dropped_is_replaced_and_the_message_still_goes():
    async with LocalSmtpServer() as server, channel(server, _parents(2), pool=1) as email:
        first = await email.deliver(outgoing(row=1, person=0))
        server.drop_connections()  # a restart, or an idle timeout on the server
        await asyncio.sleep(0)  # the close reaches the client
        second = await email.deliver(outgoing(row=2, person=1))

    assert (first.kind, second.kind) == (Outcome.SENT, Outcome.SENT)
    assert [r.recipients for r in server.received] == [
        ("ouder0@example.be",),
        ("ouder1@example.be",),
    ]
    assert server.connections == 2


async def test_a_goodbye_on_an_idle_connection_sends_the_message_over_a_new_one():
    async with LocalSmtpServer() as server, channel(server, _parents(2), pool=1) as email:
        await email.deliver(outgoing(row=1, person=0))
        server.refuse_next_mail("421 4.4.2 Idle timeout, closing connection")
        second = await email.deliver(outgoing(row=2, person=1))

    assert second.kind is Outcome.SENT
    assert len(server.received) == 2
    assert server.connections == 2


async def test_a_server_that_says_421_again_on_a_new_connection_gets_a_pause():
    async with LocalSmtpServer() as server, channel(server, _parents(1), pool=1) as email:
        for _ in range(2):  # the connection kept from the start, then a new one
            server.refuse_next_mail("421 4.7.0 Too many connections")
        outcome = await email.deliver(outgoing(row=1, person=0))

    assert outcome.kind is Outcome.RETRY_AFTER
    assert server.connections == 2
    assert server.received == []


async def test_a_refused_recipient_leaves_the_connection_usable_for_the_next():
    async with LocalSmtpServer() as server:
        server.refuse_recipient["ouder0@example.be"] = "550 5.1.1 User unknown"
        async with channel(server, _parents(2), pool=1) as email:
            bounced = await email.deliver(outgoing(row=1, person=0))
            sent = await email.deliver(outgoing(row=2, person=1))

    assert (bounced.kind, sent.kind) == (Outcome.INVALID_RECIPIENT, Outcome.SENT)
    assert server.connections == 1


class _Time:
    """A monotonic clock that moves only when someone sleeps on it; a sleeper lets the others
    run first, as a real sleep does."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def read(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        until = self.now + seconds
        await asyncio.sleep(0)
        self.now = max(self.now, until)


async def test_the_rate_spaces_messages_evenly_even_when_they_are_sent_at_once():
    time = _Time()
    rate = SendRate(30, now=time.read, sleep=time.sleep)  # Microsoft 365: 30 a minute
    waited: list[float] = []

    async def one() -> None:
        await rate.wait()
        waited.append(time.now)

    for _ in range(3):
        await one()
    assert waited == [1000.0, 1002.0, 1004.0]
    time.now += 60  # a quiet while: the next goes at once, not in a burst of catching up
    await asyncio.gather(one(), one(), one())
    assert waited[3:] == [1064.0, 1066.0, 1068.0]
    assert time.slept[-2:] == [2.0, 4.0]  # each took its turn before sleeping


async def test_the_channel_waits_for_the_rate_before_each_message():
    time = _Time()
    async with LocalSmtpServer() as server:
        rate = SendRate(120, now=time.read, sleep=time.sleep)
        async with channel(server, _parents(4), rate=rate) as email:
            for n in range(4):
                await email.deliver(outgoing(row=n, person=n))

    assert len(server.received) == 4
    assert time.slept == [0.5, 0.5, 0.5]
    assert time.now == pytest.approx(1001.5)


def test_a_rate_must_be_positive():
    with pytest.raises(ValueError, match="positive"):
        SendRate(0)
