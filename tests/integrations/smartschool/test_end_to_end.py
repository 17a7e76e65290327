"""A parent reachable only through Smartschool, end to end with the real pieces, on both
databases: the planner plans her notice on Smartschool, the dispatcher sends it through the
Smartschool channel (built by its plug-in) to a local Smartschool server, and the links in
the message her co-account receives work against the web application over the same database.

The example school: Yasmine (P0002, 1A) is absent on Tuesday 17 November; her mother Fatima
(G003, Arabic) has no e-mail address and no chat, only a phone number, and here the
co-account 1 of Yasmine's Smartschool account; her spilfiguur Koen (S02) reads Telegram (a
recording stand-in). Her father Karim has a chat.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
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
from integrations.email.plugin import PLUGIN as EMAIL
from integrations.layout import links, text
from integrations.smartschool.local_school import TEACHER, Account, CoAccount, School
from integrations.smartschool.local_server import LocalSmartschool, SentMsg
from integrations.smartschool.plugin import PLUGIN as SMARTSCHOOL
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
WEB = "https://gemist.sjc.example"
SECRET = b"the end-to-end test's secret, long enough to sign links"
ACCESS_CODE = "e2e-Smartschool-access-code-7f3a"
FEED = "pupil_id,date,half_day,code\nP0002,2026-11-17,am,B\nP0002,2026-11-17,pm,B\n"
TUESDAY = dt.date(2026, 11, 17)
FATIMA_INBOX = "yasmine.elamrani#1"
FATIMA_MAIL = "fatima.elamrani@example.org"


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


def smartschool_of_the_school(*, yasmine: bool = True) -> School:
    """Yasmine's account with Fatima as co-account 1, and the pupil-care team's account."""
    accounts = [Account("9100", "zorgteam", "Zorgteam", "SJC", basisrol=TEACHER)]
    if yasmine:
        mother = CoAccount(1, "Fatima", "El Amrani", "Moeder")
        accounts.append(
            Account("20002", "yasmine.elamrani", "Yasmine", "El Amrani", co_accounts=[mother])
        )
    return School(accounts=accounts)


@dataclass
class Town:
    """The school, its pipeline over Smartschool, e-mail and a Telegram stand-in, and its web
    application."""

    engine: AsyncEngine
    clock: VirtualClock
    smartschool: LocalSmartschool
    mail: LocalSmtpServer
    pipeline: Pipeline
    chats: RecordingChannel
    web: TestClient
    fatima: int
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

    async def fatima_s(self, kind: str) -> list[tuple[str, str]]:
        return [
            (channel, status) for who, channel, status, _ in await self.rows(kind) if who == "G003"
        ]

    async def ids(self, kind: str) -> list[int]:
        async with self.engine.connect() as conn:
            found = await conn.scalars(
                sa.text(
                    "SELECT o.id FROM outreach o JOIN guardian g ON g.id = o.recipient_id"
                    " WHERE o.kind = :kind AND o.recipient_role = 'guardian'"
                    " AND g.guardian_id = 'G003' ORDER BY o.id"
                ),
                {"kind": kind},
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
                {"id": self.fatima, "channel": channel},
            )

    def told_koen(self, reason: str) -> list[Any]:
        """Yasmine's spilfiguur's nudges for ``reason`` (Fatima's other child has another)."""
        return [
            r.message
            for r in self.chats.deliveries
            if r.message.kind == "coordinator_nudge"
            and r.message.payload.get("reason") == reason
            and r.message.idempotency_key.endswith(":S02")
        ]


def _json(stored: Any) -> dict[str, Any]:
    return stored if isinstance(stored, dict) else json.loads(stored)


async def _roster_and_feed(
    engine: AsyncEngine, clock: VirtualClock, folder: Path, *, e_mail: bool
) -> int:
    """The example school with Yasmine absent on Tuesday, Fatima in Smartschool (and, with
    ``e_mail``, at an e-mail address as well); her id."""
    roster = CsvRosterSource(EXAMPLE / "roster", today=clock.today())
    await import_roster(engine, roster, school_id=SCHOOL, school_name="SJC", clock=clock)
    (folder / "feed.csv").write_text(FEED, encoding="utf-8")
    feed = CsvAbsenceSource(folder / "feed.csv")
    await import_absences(engine, feed, school_id=SCHOOL, school_name="SJC", clock=clock)
    async with engine.begin() as conn:
        fatima = await conn.scalar(sa.text("SELECT id FROM guardian WHERE guardian_id = 'G003'"))
        # What the Smartschool roster import writes for a co-account (bot.imports, another
        # branch): her contact on the channel "smartschool", the inbox as its address.
        contacts = [("smartschool", FATIMA_INBOX)] + ([("email", FATIMA_MAIL)] if e_mail else [])
        for channel, address in contacts:
            await conn.execute(
                sa.text(
                    "INSERT INTO contact (school_id, role, person_id, channel, address, state,"
                    " since, chosen) VALUES (:school, 'guardian', :id, :channel, :address,"
                    " 'active', :since, false)"
                ),
                {
                    "school": SCHOOL,
                    "id": fatima,
                    "channel": channel,
                    "address": address,
                    "since": clock.now(),
                },
            )
        channels = await conn.scalars(
            sa.text("SELECT channel FROM contact WHERE role = 'guardian' AND person_id = :id"),
            {"id": fatima},
        )
        assert set(channels) - {"phone"} == {c for c, _ in contacts}  # no chat, no e-mail
    assert isinstance(fatima, int)
    return fatima


@pytest.fixture
def school_side() -> School:
    return smartschool_of_the_school()


@pytest.fixture
def e_mail() -> bool:
    return False


@pytest.fixture
async def town(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path, school_side: School, e_mail: bool
) -> AsyncIterator[Town]:
    fatima = await _roster_and_feed(engine, clock, tmp_path, e_mail=e_mail)
    async with LocalSmartschool(school_side, ACCESS_CODE) as smartschool, LocalSmtpServer() as mail:
        settings = Settings(
            school_id=SCHOOL,
            school_name="Sint-Jozefcollege",
            channels=("telegram", "smartschool", "email"),
            web_url=WEB,
            channel_options={
                "smartschool": {
                    "url": smartschool.url,
                    "access_code": ACCESS_CODE,
                    "sender": "zorgteam",
                    "timeout": 5,
                },
                "email": {
                    "host": mail.host,
                    "port": mail.port,
                    "security": "none",
                    "from_address": "secretariaat@sjc.example",
                },
            },
        )
        signer = LinkSigner(SECRET, clock, link_lifetimes(settings))
        context = ChannelContext(
            clock, RosterDirectory(engine, clock), pages=LinkPages(WEB, signer)
        )
        chats = RecordingChannel(clock)
        router = ChannelRouter(
            {
                "telegram": chats,
                "smartschool": SMARTSCHOOL.build(registry.options(SMARTSCHOOL, settings), context),
                "email": EMAIL.build(registry.options(EMAIL, settings), context),
            }
        )
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
            yield Town(engine, clock, smartschool, mail, pipeline, chats, web, fatima, news)


def _answer_links(sent: SentMsg) -> dict[str, str]:
    """The links of the message's body, by the text they show: path only, as the test client
    asks its own server."""
    return {
        caption: urlsplit(href).path
        for caption, href in links(sent.body)
        if href.startswith(f"{WEB}/")
    }


async def test_a_smartschool_only_parent_answers_by_link_and_the_ladder_moves_on(town, caplog):
    with caplog.at_level(logging.INFO):
        await town.tick(at(10, 30))

    assert await town.fatima_s("guardian_notice") == [("smartschool", "sent")]
    [sent] = town.smartschool.sent
    assert (sent.user_identifier, sent.coaccount) == ("yasmine.elamrani", 1)
    assert (sent.sender_identifier, sent.copy_to_lvs) == ("zorgteam", False)
    assert "Yasmine" in sent.title
    # Her Arabic first, right to left, the Dutch original below.
    assert sent.body.startswith('<div lang="ar" dir="rtl"')
    words = text(sent.body)
    assert words.index("العربية") < words.index("Yasmine was op dinsdag 17 november niet op school")
    found = _answer_links(sent)
    assert len(found) == 8  # six answers, own words, stop
    call = next(path for caption, path in found.items() if "الاتصال" in caption)
    assert call.startswith("/a/")

    # Opening every link records nothing.
    for path in found.values():
        assert (await town.web.get(path)).status == 200
    assert await town.replies() == []
    await town.tick(at(10, 45))
    assert town.told_koen("asks_to_talk") == []

    town.clock.set(at(11, 2))
    assert (await town.web.post(call)).status == 200
    [(role, who, answer, row)] = await town.replies()
    assert row == (await town.ids("guardian_notice"))[0]
    assert (role, who, answer) == ("guardian", "G003", "want_a_call")
    assert town.news == [at(11, 2)]

    # The next tick: her request for a call reaches Koen, on his chat, as after a tap.
    await town.tick(at(11, 15))
    [told] = town.told_koen("asks_to_talk")
    assert (told.payload["from"], told.payload["answer"]) == ("guardian", "want_a_call")
    assert "vraagt om gebeld te worden" in (told.text or "")
    assert "spreekt Arabisch" in (told.text or "")  # Koen knows to bring an interpreter
    assert len(town.smartschool.sent) == 1  # nothing sent twice
    assert ACCESS_CODE not in caplog.text


@pytest.mark.parametrize("school_side", [smartschool_of_the_school(yasmine=False)])
@pytest.mark.parametrize("e_mail", [True])
async def test_an_account_smartschool_does_not_know_bounces_and_e_mail_takes_over(town):
    await town.tick(at(10, 30))

    assert await town.contact_state("smartschool") == "bounced"
    assert town.smartschool.sent == []
    await town.tick(at(10, 45))

    # The same notice, on her next contact; Koen is told once why Smartschool did not work.
    assert await town.fatima_s("guardian_notice") == [
        ("smartschool", "failed"),
        ("email", "sent"),
    ]
    assert [m.recipients for m in town.mail.received] == [(FATIMA_MAIL,)]
    told = [
        (m.payload["person"], m.payload["channel"], m.payload["cause"])
        for m in town.told_koen("unreachable")
    ]
    assert told == [("Fatima El Amrani", "smartschool", "bounced")]
    await town.tick(at(13, 0))
    assert len(town.told_koen("unreachable")) == 1


async def test_a_refused_access_code_keeps_her_notice_waiting_and_bounces_nobody(town, caplog):
    town.smartschool.access_code = "the administrator made a new one"
    with caplog.at_level(logging.INFO):
        await town.tick(at(10, 30))

    assert await town.fatima_s("guardian_notice") == [("smartschool", "planned")]
    assert await town.contact_state("smartschool") == "active"
    assert "Smartschool refused the access code for sendMsg" in caplog.text
    assert ACCESS_CODE not in caplog.text
    await town.tick(at(10, 40))
    assert town.smartschool.calls == ["sendMsg"]  # paused: not asked again meanwhile
    assert town.told_koen("unreachable") == []

    town.smartschool.access_code = ACCESS_CODE  # Gemist's configuration is right again
    await town.tick(at(10, 46))

    assert await town.fatima_s("guardian_notice") == [("smartschool", "sent")]
    assert len(town.smartschool.sent) == 1
