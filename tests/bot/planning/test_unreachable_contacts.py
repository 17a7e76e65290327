"""A contact that ends on any channel, through the real planner tick (both backends): the person
is reached on their next contact, or counts as unreachable, and their spilfiguur is told once,
with the channel and the cause (blocked, bounced, unsubscribed), from the contact's state. A
message that bounced goes out again on the next contact.

The example school: Lotte (P0001, 12, 1A) has no contact of her own, so her guardians are asked
at once; her mother Katrien (G001) has an e-mail address and a linked chat, her father Dirk
(G002) only a phone number; her spilfiguur is Pieter (S05, a linked chat).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels import registry as channels
from bot.channels.directory import RosterDirectory
from bot.config import Secret, Settings
from bot.contacts import ChannelOrder
from bot.contacts import store as contacts
from bot.imports import import_absences, import_roster
from bot.outbox import ChannelRouter, Dispatcher, RecordingChannel
from bot.outbox.plugin import ChannelContext
from bot.outbox.rendering import RenderingChannel
from bot.planning.facts_db import load_school_facts
from bot.planning.tick import planner_tick
from bot.rules import Rules
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from integrations.email.local_server import LocalSmtpServer
from integrations.telegram import LocalBotApi, SendBudget
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from tests.helpers.email import Pages
from tests.helpers.email import channel as email_channel
from tests.helpers.email import options as email_options

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
FEED = "pupil_id,date,half_day,code\nP0001,2026-11-17,am,B\nP0001,2026-11-17,pm,B\n"
EMAIL_FIRST = ChannelOrder(("email", "telegram"), frozenset({"email", "telegram"}))
TUESDAY = dt.date(2026, 11, 17)
ONE_DAY = dt.timedelta(days=1)
TOKEN = "123456:unknown-chat-test"
PIETER_CHAT = 53000005  # Pieter's chat in the example roster


def at(hour: int, minute: int = 0, day: dt.date = TUESDAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=BRUSSELS)


async def _school(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path) -> int:
    """The example school with Lotte absent on Tuesday; returns Katrien's database id."""
    roster = CsvRosterSource(EXAMPLE / "roster", today=clock.today())
    await import_roster(engine, roster, school_id=SCHOOL, school_name="SJC", clock=clock)
    (tmp_path / "feed.csv").write_text(FEED, encoding="utf-8")
    feed = CsvAbsenceSource(tmp_path / "feed.csv")
    await import_absences(engine, feed, school_id=SCHOOL, school_name="SJC", clock=clock)
    async with engine.connect() as conn:
        katrien = await conn.scalar(sa.text("SELECT id FROM guardian WHERE guardian_id = 'G001'"))
    assert isinstance(katrien, int)
    return katrien


async def _tick(
    engine: AsyncEngine,
    clock: VirtualClock,
    when: dt.datetime,
    order: ChannelOrder = EMAIL_FIRST,
) -> None:
    clock.set(when)
    await planner_tick(
        engine,
        school_id=SCHOOL,
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        clock=clock,
        channels=order,
    )


def smtp_options(server: LocalSmtpServer) -> dict[str, Any]:
    """The ``[email]`` table that reaches ``server``, as a school writes it."""
    found = email_options(server, rate=100_000).model_dump(exclude_none=True)
    found["from_name"] = "SJC"
    return {name: str(value) if name == "security" else value for name, value in found.items()}


async def _rows(engine: AsyncEngine, kind: str) -> list[tuple[Any, ...]]:
    """``(recipient's roster id, channel, payload)`` of the rows of ``kind``."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT COALESCE(g.guardian_id, s.staff_id), o.channel, o.payload FROM outreach o"
                " LEFT JOIN guardian g ON g.id = o.recipient_id AND o.recipient_role = 'guardian'"
                " LEFT JOIN staff s ON s.id = o.recipient_id"
                "  AND o.recipient_role IN ('coordinator', 'teacher')"
                " WHERE o.kind = :kind ORDER BY o.id"
            ),
            {"kind": kind},
        )
        return [(who, channel, _payload(payload)) for who, channel, payload in rows]


def _payload(stored: Any) -> dict[str, Any]:
    return stored if isinstance(stored, dict) else json.loads(stored)


def _told(rows: list[tuple[Any, ...]]) -> list[tuple[str, str, str, str, str]]:
    return [
        (who, p["person"], p["channel"], p["cause"], p["date"])
        for who, _channel, p in rows
        if p.get("reason") == "unreachable"
    ]


async def test_a_bounced_address_moves_the_parent_to_her_chat_and_tells_the_spilfiguur(
    engine, clock, tmp_path
):
    katrien = await _school(engine, clock, tmp_path)
    async with engine.connect() as conn:
        before = await load_school_facts(conn, SCHOOL, channels=EMAIL_FIRST)
    lotte = next(p for p in before.pupils if p.pupil_id == "P0001")
    assert [(g.guardian_id, g.channel) for g in lotte.guardians] == [
        ("G001", "email"),  # the school's order: e-mail first
        ("G002", None),
    ]

    clock.set(at(9, 45))  # an earlier e-mail to her came back: 550 no such user
    await RosterDirectory(engine, clock).forget("email", "guardian", katrien)
    await _tick(engine, clock, at(10, 30))

    assert [(who, channel) for who, channel, _p in await _rows(engine, "guardian_notice")] == [
        ("G001", "telegram")
    ]
    nudges = await _rows(engine, "coordinator_nudge")
    assert _told(nudges) == [("S05", "Katrien Peeters", "email", "bounced", "2026-11-17")]
    assert [channel for _who, channel, _p in nudges] == ["email"]  # Pieter: e-mail first


async def test_an_e_mail_only_parent_who_unsubscribed_is_not_planned_and_the_spilfiguur_hears_once(
    engine, clock, tmp_path
):
    katrien = await _school(engine, clock, tmp_path)
    async with engine.begin() as conn:  # Katrien never linked a chat: e-mail only
        await conn.execute(
            sa.text(
                "DELETE FROM contact WHERE role = 'guardian' AND person_id = :id"
                " AND channel = 'telegram'"
            ),
            {"id": katrien},
        )
        await contacts.unsubscribe(conn, "email", "guardian", katrien, at(9, 40))

    await _tick(engine, clock, at(10, 30))
    await _tick(engine, clock, at(13, 0))
    await _tick(engine, clock, at(10, 30, TUESDAY + dt.timedelta(days=1)))

    assert await _rows(engine, "guardian_notice") == []  # nobody left to ask about Lotte
    told = _told(await _rows(engine, "coordinator_nudge"))
    assert told == [("S05", "Katrien Peeters", "email", "unsubscribed", "2026-11-17")]


async def test_a_parent_who_relinks_is_no_longer_told_of(engine, clock, tmp_path):
    """A block not told of yet, undone the same morning (she linked her chat again with a new
    code): that nudge is withdrawn."""
    katrien = await _school(engine, clock, tmp_path)
    async with engine.begin() as conn:
        await contacts.refuse(conn, "telegram", "guardian", katrien, at(9, 35))
    await _tick(engine, clock, at(9, 40))  # planned; no dispatcher runs here
    assert _told(await _rows(engine, "coordinator_nudge")) == [
        ("S05", "Katrien Peeters", "telegram", "blocked", "2026-11-17")
    ]

    async with engine.begin() as conn:
        await contacts.link_chat(conn, SCHOOL, "guardian", katrien, 52000001, at(10, 0))
    await _tick(engine, clock, at(10, 30))

    async with engine.connect() as conn:
        statuses = await conn.scalars(
            sa.text("SELECT status FROM outreach WHERE kind = 'coordinator_nudge'")
        )
        assert list(statuses) == ["withdrawn"]


async def test_the_notice_that_bounced_goes_out_on_her_chat(engine, clock, tmp_path):
    """The notice to Katrien bounces when it is sent (the real e-mail channel, a real SMTP
    server answering 550 for her address): her contact bounces, the same step goes to her chat
    at once as a row of its own, the bounced one stays as it ended, nothing is sent twice, and
    Pieter, whose address works, hears of it by e-mail, once."""
    await _school(engine, clock, tmp_path)
    directory = RosterDirectory(engine, clock)
    chat = RecordingChannel(clock)
    async with LocalSmtpServer() as server:
        server.refuse_recipient["katrien.peeters@example.org"] = (
            "550 5.1.1 <katrien.peeters@example.org>: Recipient address rejected: User unknown"
        )
        async with email_channel(server, directory) as mail:
            router = ChannelRouter({"email": mail, "telegram": chat})
            dispatcher = Dispatcher(engine, RenderingChannel(router), clock, "w1")
            for minute in (30, 35, 40):  # every few minutes, as the service runs them
                await _tick(engine, clock, at(10, minute))
                await dispatcher.drain()
        received = [message.recipients for message in server.received]

    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT idempotency_key, channel, status FROM outreach"
                " WHERE kind = 'guardian_notice' ORDER BY id"
            )
        )
        notices = [tuple(row) for row in rows]
    [bounced, _again] = notices
    assert notices == [
        (bounced[0], "email", "failed"),
        (f"{bounced[0]}:via-telegram", "telegram", "sent"),
    ]
    assert [m.message.kind for m in chat.deliveries] == ["guardian_notice"]
    assert received == [("pieter.vandamme@example.org",)]
    told = _told(await _rows(engine, "coordinator_nudge"))
    assert told == [("S05", "Katrien Peeters", "email", "bounced", "2026-11-17")]


async def test_a_corrected_address_reaches_the_parent_on_e_mail_again(engine, clock, tmp_path):
    """The school corrects Katrien's address that bounced before her spilfiguur was told: the
    next roster import makes her e-mail active again, the planner reaches her there, and the
    nudge about the bounce is withdrawn."""
    katrien = await _school(engine, clock, tmp_path)
    clock.set(at(9, 35))
    await RosterDirectory(engine, clock).forget("email", "guardian", katrien)
    await _tick(engine, clock, at(9, 40))  # planned; no dispatcher runs here
    assert [p["cause"] for _w, _c, p in await _rows(engine, "coordinator_nudge")] == ["bounced"]

    roster = shutil.copytree(EXAMPLE / "roster", tmp_path / "roster")
    guardians = roster / "guardians.csv"
    text = guardians.read_text(encoding="utf-8")
    guardians.write_text(text.replace("katrien.peeters@", "k.peeters@"), encoding="utf-8")
    clock.set(at(10, 0))
    source = CsvRosterSource(roster, today=clock.today())
    await import_roster(engine, source, school_id=SCHOOL, school_name="SJC", clock=clock)
    await _tick(engine, clock, at(10, 30))

    async with engine.connect() as conn:
        facts = await load_school_facts(conn, SCHOOL, channels=EMAIL_FIRST)
        statuses = await conn.scalars(
            sa.text("SELECT status FROM outreach WHERE kind = 'coordinator_nudge'")
        )
        assert list(statuses) == ["withdrawn"]
    lotte = next(p for p in facts.pupils if p.pupil_id == "P0001")
    assert [(g.guardian_id, g.channel) for g in lotte.guardians] == [
        ("G001", "email"),
        ("G002", None),
    ]
    assert [channel for _w, channel, _p in await _rows(engine, "guardian_notice")] == ["email"]


async def test_a_chat_telegram_does_not_know_bounces_and_the_notice_goes_out_by_e_mail(
    engine, clock, tmp_path
):
    """The roster gave Katrien a chat id (52000001) that the Bot API server has no chat for;
    she also has an e-mail address. Both channels are the real ones, built by their plug-ins
    as ``gemist run`` builds them, in the school's order Telegram first: the notice to her chat
    is refused ("400 chat not found"), her Telegram contact bounces (the id is wrong; nobody
    blocked the bot), the same step goes out by e-mail at once, the bad chat is not tried
    again, and Pieter hears of it on Telegram, once, with the truth: the address bounced."""
    katrien = await _school(engine, clock, tmp_path)
    telegram_first = ChannelOrder(("telegram", "email"), frozenset({"telegram", "email"}))
    async with LocalBotApi(TOKEN) as api, LocalSmtpServer() as server:
        api.add_user(PIETER_CHAT, "Pieter")  # Katrien's 52000001 is unknown to Telegram
        settings = Settings(
            channels=("telegram", "email"),
            telegram_token=Secret(TOKEN),
            telegram_api_url=api.base_url.removesuffix("/bot"),
            channel_options={"email": smtp_options(server)},
        )
        context = ChannelContext(
            clock,
            RosterDirectory(engine, clock),
            pages=Pages(),
            tuning={"telegram": SendBudget(per_second=1000, per_chat_interval=0)},
        )
        router = channels.build_router(settings, context)
        async with router:
            dispatcher = Dispatcher(engine, RenderingChannel(router), clock, "w1")
            for when in (at(10, 30), at(10, 35), at(13, 0), at(10, 30, TUESDAY + ONE_DAY)):
                await _tick(engine, clock, when, telegram_first)
                await dispatcher.drain()
        mailed = [message.recipients for message in server.received]

    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT idempotency_key, channel, status, last_error FROM outreach"
                " WHERE kind = 'guardian_notice' ORDER BY id"
            )
        )
        notices = [tuple(row) for row in rows]
        chat = await conn.execute(
            sa.text(
                "SELECT address, state FROM contact WHERE role = 'guardian'"
                " AND person_id = :id AND channel = 'telegram'"
            ),
            {"id": katrien},
        )
        contact = tuple(chat.one())
    key = notices[0][0]
    assert notices == [
        (key, "telegram", "failed", "invalid_recipient: 400 chat not found"),
        (f"{key}:via-email", "email", "sent", None),
    ]
    assert mailed == [("katrien.peeters@example.org",)]
    assert contact == ("52000001", "bounced")
    assert [(r.status, r.chat_id) for r in api.rejections] == [(400, 52000001)]
    told = _told(await _rows(engine, "coordinator_nudge"))
    assert told == [("S05", "Katrien Peeters", "telegram", "bounced", "2026-11-17")]
    assert len(api.messages_to(PIETER_CHAT)) == 1
