"""A parent reachable only by e-mail, end to end with the real pieces, on both databases: the
planner plans her notice on e-mail, the dispatcher sends it through the e-mail channel (built by
its plug-in) to a local SMTP server, and the links in the mail she receives, parsed with the
standard library, work against the web application over the same database.

The example school: Lotte (P0001, 1A) is absent on Tuesday 17 November; her mother Katrien
(G001) has only her e-mail address here (her linked chat is taken away), her father Dirk only a
phone number; her spilfiguur Pieter (S05) reads Telegram (a recording stand-in).
"""

from __future__ import annotations

import datetime as dt
import email
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels import registry
from bot.channels.directory import RosterDirectory
from bot.config import Settings
from bot.imports import import_absences, import_roster
from bot.links import LinkSigner
from bot.links import lifetimes as link_lifetimes
from bot.links.pages import LinkPages
from bot.outbox import ChannelRouter, RecordingChannel
from bot.outbox.plugin import ChannelContext
from bot.pipeline import Pipeline, assemble
from bot.rules import Rules
from bot.web import create_app, web_context
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from integrations.email.local_server import LocalSmtpServer
from integrations.email.plugin import PLUGIN
from integrations.email.reading import body, links
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
WEB = "https://gemist.sjc.example"
SECRET = b"the end-to-end test's secret, long enough to sign links"
FEED = "pupil_id,date,half_day,code\nP0001,2026-11-17,am,B\nP0001,2026-11-17,pm,B\n"
TUESDAY = dt.date(2026, 11, 17)
KATRIEN = "katrien.peeters@example.org"
ONE_CLICK = "List-Unsubscribe=One-Click"


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


@dataclass
class Town:
    """The school, its pipeline over e-mail and a Telegram stand-in, and its web application."""

    engine: AsyncEngine
    clock: VirtualClock
    server: LocalSmtpServer
    pipeline: Pipeline
    chats: RecordingChannel
    web: TestClient
    katrien: int
    news: list[dt.datetime] = field(default_factory=list)

    async def tick(self, when: dt.datetime) -> None:
        """The planner, then the outbox until nothing is due, at ``when``."""
        self.clock.set(when)
        await self.pipeline.plan()
        while not (await self.pipeline.dispatcher.run_once()).idle:
            pass

    async def rows(self, kind: str) -> list[tuple[Any, ...]]:
        """``(roster id, channel, status, payload)`` of the outreach rows of ``kind``."""
        async with self.engine.connect() as conn:
            found = await conn.execute(
                sa.text(
                    "SELECT COALESCE(g.guardian_id, s.staff_id), o.channel, o.status, o.payload"
                    " FROM outreach o"
                    " LEFT JOIN guardian g ON g.id = o.recipient_id"
                    "  AND o.recipient_role = 'guardian'"
                    " LEFT JOIN staff s ON s.id = o.recipient_id"
                    "  AND o.recipient_role IN ('coordinator', 'teacher')"
                    " WHERE o.kind = :kind ORDER BY o.id"
                ),
                {"kind": kind},
            )
            return [
                (who, channel, status, _json(payload)) for who, channel, status, payload in found
            ]

    async def ids(self, kind: str) -> list[int]:
        async with self.engine.connect() as conn:
            found = await conn.scalars(
                sa.text("SELECT id FROM outreach WHERE kind = :kind ORDER BY id"), {"kind": kind}
            )
            return list(found)

    async def replies(self) -> list[tuple[Any, ...]]:
        async with self.engine.connect() as conn:
            found = await conn.execute(
                sa.text("SELECT sender_role, sender_id, answer, outreach_id FROM reply ORDER BY id")
            )
            return [tuple(row) for row in found]

    async def contact_state(self, channel: str) -> str | None:
        async with self.engine.connect() as conn:
            return await conn.scalar(
                sa.text(
                    "SELECT state FROM contact WHERE role = 'guardian' AND person_id = :id"
                    " AND channel = :channel"
                ),
                {"id": self.katrien, "channel": channel},
            )

    def mail_to(self, address: str) -> list[EmailMessage]:
        """Every mail the SMTP server received for ``address``, parsed back."""
        parsed = []
        for received in self.server.received:
            if address in received.recipients:
                message = email.message_from_bytes(received.data, policy=default_policy)
                assert isinstance(message, EmailMessage)
                parsed.append(message)
        return parsed


def _json(stored: Any) -> dict[str, Any]:
    return stored if isinstance(stored, dict) else json.loads(stored)


async def _roster_and_feed(engine: AsyncEngine, clock: VirtualClock, folder: Path) -> int:
    """The example school with Lotte absent on Tuesday, Katrien on e-mail only; her id."""
    roster = CsvRosterSource(EXAMPLE / "roster", today=clock.today())
    await import_roster(engine, roster, school_id=SCHOOL, school_name="SJC", clock=clock)
    (folder / "feed.csv").write_text(FEED, encoding="utf-8")
    feed = CsvAbsenceSource(folder / "feed.csv")
    await import_absences(engine, feed, school_id=SCHOOL, school_name="SJC", clock=clock)
    async with engine.begin() as conn:
        katrien = await conn.scalar(sa.text("SELECT id FROM guardian WHERE guardian_id = 'G001'"))
        await conn.execute(
            sa.text(
                "DELETE FROM contact WHERE role = 'guardian' AND person_id = :id"
                " AND channel = 'telegram'"
            ),
            {"id": katrien},
        )
    assert isinstance(katrien, int)
    return katrien


@pytest.fixture
async def town(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path) -> AsyncIterator[Town]:
    katrien = await _roster_and_feed(engine, clock, tmp_path)
    async with LocalSmtpServer() as server:
        settings = Settings(
            school_id=SCHOOL,
            school_name="Sint-Jozefcollege",
            channels=("telegram", "email"),
            web_url=WEB,
            channel_options={
                "email": {
                    "host": server.host,
                    "port": server.port,
                    "security": "none",
                    "from_address": "secretariaat@sjc.example",
                    "reply_to": "leerlingenbegeleiding@sjc.example",
                }
            },
        )
        signer = LinkSigner(SECRET, clock, link_lifetimes(settings))
        context = ChannelContext(
            clock, RosterDirectory(engine, clock), pages=LinkPages(WEB, signer)
        )
        mail = PLUGIN.build(registry.options(PLUGIN, settings), context)
        chats = RecordingChannel(clock)
        router = ChannelRouter({"telegram": chats, "email": mail})
        rules, calendar = Rules.default(), SchoolCalendar()
        pipeline = assemble(
            engine, school_id=SCHOOL, rules=rules, calendar=calendar, clock=clock,
            channels=router, worker_id="w1",
            reach=settings.channel_order(frozenset(registry.usable(settings))),
        )  # fmt: skip
        news: list[dt.datetime] = []

        async def heard() -> None:
            news.append(clock.now())

        pages = web_context(
            settings, engine=engine, clock=clock, signer=signer, rules=rules,
            calendar=calendar, channels=pipeline.reach, news=heard,
        )  # fmt: skip
        async with router, TestClient(TestServer(create_app(pages))) as web:
            yield Town(engine, clock, server, pipeline, chats, web, katrien, news)


def _answer_links(message: EmailMessage) -> dict[str, str]:
    """The links of the mail's HTML part, by the text they show: path only, as the test
    client asks its own server."""
    html = body(message, "html")
    assert html
    found: dict[str, str] = {}
    for text, href in links(html):
        if href.startswith(f"{WEB}/"):
            found[text] = urlsplit(href).path
    return found


async def test_an_e_mail_only_parent_answers_by_link_and_the_ladder_moves_on_as_after_a_tap(town):
    await town.tick(at(10, 30))

    assert [row[:3] for row in await town.rows("guardian_notice")] == [("G001", "email", "sent")]
    [mail] = town.mail_to(KATRIEN)
    assert mail["To"].addresses[0].addr_spec == KATRIEN
    assert "Lotte" in mail["Subject"]
    links = _answer_links(mail)
    call = next(path for text, path in links.items() if "bel" in text.lower())
    assert call.startswith("/a/")

    # A mail-security scanner opens every link: nothing is recorded.
    for path in links.values():
        assert (await town.web.get(path)).status == 200
    assert await town.replies() == []
    assert town.news == []
    await town.tick(at(10, 45))
    assert await town.rows("coordinator_nudge") == []

    town.clock.set(at(11, 2))
    first = await town.web.post(call)
    assert first.status == 200
    [(role, who, answer, row)] = await town.replies()
    assert row == (await town.ids("guardian_notice"))[0]
    assert (role, who, answer) == ("guardian", "G001", "want_a_call")
    assert town.news == [at(11, 2)]  # the service is told to plan at once
    notices = await town.rows("guardian_notice")
    assert len(notices) == 1

    # The next tick: her request for a call reaches Pieter, on his chat, as after a tap.
    await town.tick(at(11, 15))
    asked = [
        (who, channel, status, payload["from"], payload["answer"])
        for who, channel, status, payload in await town.rows("coordinator_nudge")
        if payload.get("reason") == "asks_to_talk"
    ]
    assert asked == [("S05", "telegram", "sent", "guardian", "want_a_call")]
    [told] = [r.message for r in town.chats.deliveries if r.message.kind == "coordinator_nudge"]
    assert (told.text or "").startswith(
        "Katrien Peeters (moeder van Lotte, 1A) vraagt om gebeld te worden"
    )

    # A second POST of the same link changes nothing.
    town.clock.set(at(11, 20))
    again = await town.web.post(call)
    assert again.status == 200
    assert [r[2] for r in await town.replies()] == ["want_a_call"]
    assert town.news == [at(11, 2)]
    before = await town.rows("coordinator_nudge")
    await town.tick(at(11, 30))
    assert await town.rows("coordinator_nudge") == before


async def test_one_click_unsubscribe_from_the_mail_header_ends_the_contact_and_pieter_hears(town):
    await town.tick(at(10, 30))
    [mail] = town.mail_to(KATRIEN)
    assert mail["List-Unsubscribe-Post"] == ONE_CLICK
    header = mail["List-Unsubscribe"]
    url = next(part.strip().strip("<>") for part in str(header).split(",") if "https://" in part)
    assert url.startswith(f"{WEB}/u/")

    response = await town.web.post(
        urlsplit(url).path,
        data=ONE_CLICK,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200
    assert "Set-Cookie" not in response.headers
    assert await town.contact_state("email") == "unsubscribed"

    await town.tick(at(10, 45))
    told = [
        (who, channel, payload["person"], payload["channel"], payload["cause"])
        for who, channel, _status, payload in await town.rows("coordinator_nudge")
        if payload.get("reason") == "unreachable"
    ]
    assert told == [("S05", "telegram", "Katrien Peeters", "email", "unsubscribed")]
    # Nothing more goes to her address.
    await town.tick(at(13, 0))
    await town.tick(at(10, 30, TUESDAY + dt.timedelta(days=1)))
    assert len(town.mail_to(KATRIEN)) == 1
