"""E-mail through the real dispatcher and rendering, on both databases: a 4xx is tried again
later and then arrives once; a 5xx for the recipient fails the row with the reason, the address
is forgotten (the contact bounces), and the audit trail names no address."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.imports.runs import ensure_school
from bot.outbox import Dispatcher, PlannedOutreach, plan
from bot.outbox.rendering import RenderingChannel
from integrations.email.local_server import LocalSmtpServer
from scheduler.clock import VirtualClock
from tests.bot.outbox.support import rows, trail
from tests.helpers.email import Addresses, channel, payload

SCHOOL = "school"
ADDRESS = "ouder@example.be"


@pytest.fixture
async def notice(engine: AsyncEngine, clock: VirtualClock) -> int:
    """A notice to guardian 1, in Turkish, due now; its row id."""
    now = clock.now()
    row = PlannedOutreach(
        school_id=SCHOOL, idempotency_key="notice", kind="guardian_notice",
        recipient_role="guardian", recipient_id=1, channel="email", lang="tr", due_at=now,
        expires_at=now + dt.timedelta(days=1), payload=payload(),
    )  # fmt: skip
    async with engine.begin() as conn:
        await ensure_school(conn, SCHOOL, "Sint-Jozefcollege", clock)
        ids = await plan(conn, [row], now)
    return ids["notice"]


async def test_a_busy_mailbox_is_tried_again_later_and_the_mail_arrives_once(engine, clock, notice):
    directory = Addresses({("guardian", 1): ADDRESS})
    async with LocalSmtpServer() as server:
        server.refuse_recipient[ADDRESS] = "450 4.2.1 Mailbox busy"
        email = RenderingChannel(channel(server, directory))
        dispatcher = Dispatcher(engine, email, clock, "w1")
        async with email:
            first = await dispatcher.run_once()
            retry_at = (await rows(engine))["notice"]["next_attempt_at"]
            del server.refuse_recipient[ADDRESS]
            clock.set(retry_at)
            second = await dispatcher.run_once()

    assert first.retried == [notice]
    assert second.sent == [notice]
    [received] = server.received
    assert received.parsed()["Content-Language"] == "tr, nl"
    assert (await rows(engine))["notice"]["status"] == "sent"
    assert directory.forgotten == []


async def test_an_address_that_does_not_exist_fails_the_row_and_bounces_the_contact(
    engine, clock, notice
):
    directory = Addresses({("guardian", 1): ADDRESS})
    async with LocalSmtpServer() as server:
        server.refuse_recipient[ADDRESS] = f"550 5.1.1 <{ADDRESS}>: Recipient address rejected"
        email = RenderingChannel(channel(server, directory))
        async with email:
            report = await Dispatcher(engine, email, clock, "w1").run_once()

    [failed] = report.failed
    assert failed.message.id == notice
    assert directory.forgotten == [("email", "guardian", 1)]
    stored = (await rows(engine))["notice"]
    assert stored["status"] == "failed"
    assert stored["last_error"].startswith("invalid_recipient: 550 5.1.1")
    assert all(ADDRESS not in (detail or "") for *_, detail in await trail(engine, notice))
