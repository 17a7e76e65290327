"""A small school whose messages went out by e-mail, and the web application over it, for the
tests of the answer links (``tests/bot/web``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.config import Settings
from bot.db import connect_reader
from bot.engine.window import Window
from bot.links import Claim, LinkSigner, Purpose, Recipient
from bot.links import lifetimes as link_lifetimes
from bot.models import Contact, Guardian, GuardianLink, Outreach, Pupil, Reply, Staff
from bot.rules import Rules
from bot.web import WebContext, create_app
from scheduler.calendar import SchoolCalendar
from scheduler.clock import VirtualClock
from tests.helpers.seed import SCHOOL, seed_pupils

SECRET = b"a test secret that is long enough to sign links with"
SENT = dt.datetime(2026, 11, 17, 8, 30, tzinfo=dt.UTC)


@dataclass
class School:
    """Pupils P1 (database id ``p1``) and P2, P1's mother G1 who reads Turkish, spilfiguur
    S01; a check-in sent to P1 and a notice sent to G1, both by e-mail."""

    engine: AsyncEngine
    clock: VirtualClock
    signer: LinkSigner
    p1: int
    p2: int
    g1: int
    s01: int
    checkin: int
    notice: int
    other_checkin: int
    nudge: int
    told: list[str] = field(default_factory=list)

    def token(
        self, purpose: Purpose, row: int, key: str = "", recipient: Recipient | None = None
    ) -> str:
        return self.signer.sign(purpose, recipient or self.recipient(row), Claim(row, key))

    def recipient(self, row: int) -> Recipient:
        if row == self.nudge:
            return Recipient("coordinator", self.s01, "email")
        if row == self.notice:
            return Recipient("guardian", self.g1, "email")
        if row == self.other_checkin:
            return Recipient("pupil", self.p2, "email")
        return Recipient("pupil", self.p1, "email")

    def context(self) -> WebContext:
        calendar = SchoolCalendar()

        async def news() -> None:
            self.told.append("news")

        return WebContext(
            engine=self.engine,
            clock=self.clock,
            signer=self.signer,
            calendar=calendar,
            window=Window(Rules.default().delivery, calendar, self.clock.tz),
            reader=connect_reader(self.engine),
            https=True,
            news=news,
        )

    async def replies(self) -> list[tuple[Any, ...]]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(
                    col(Reply.sender_role), col(Reply.sender_id), col(Reply.answer),
                    col(Reply.outreach_id), col(Reply.episode_key),
                ).order_by(col(Reply.id))
            )  # fmt: skip
            return [tuple(row) for row in rows]

    async def forwards(self) -> list[dict[str, Any]]:
        async with self.engine.connect() as conn:
            rows = await conn.scalars(
                sa.select(col(Outreach.payload)).where(col(Outreach.kind) == "coordinator_forward")
            )
            return [dict(payload) for payload in rows]

    async def nudge_state(self) -> tuple[Any, ...]:
        """Whether the nudge was seen (by whom) and until when it was put off."""
        async with self.engine.connect() as conn:
            row = await conn.execute(
                sa.select(col(Outreach.acknowledged_by), col(Outreach.snoozed_until)).where(
                    col(Outreach.id) == self.nudge
                )
            )
            return tuple(row.one())

    async def contact_state(self, role: str, person: int, channel: str = "email") -> str | None:
        async with self.engine.connect() as conn:
            return await conn.scalar(
                sa.select(col(Contact.state)).where(
                    col(Contact.role) == role,
                    col(Contact.person_id) == person,
                    col(Contact.channel) == channel,
                )
            )


def signer_for(clock: VirtualClock, secret: bytes = SECRET) -> LinkSigner:
    return LinkSigner(secret, clock, link_lifetimes(Settings()))


async def _insert(conn: Any, table: Any, **values: Any) -> int:
    found = await conn.execute(sa.insert(table).values(**values).returning(table.id))
    return int(found.scalar_one())


async def _contact(conn: Any, role: str, person: int, address: str, at: dt.datetime) -> None:
    await conn.execute(
        sa.insert(Contact).values(
            school_id=SCHOOL, role=role, person_id=person, channel="email", address=address,
            state="active", chosen=False, since=at,
        )
    )  # fmt: skip


async def _message(conn: Any, key: str, kind: str, role: str, to: int, pupil: int, lang: str,
                   payload: dict[str, Any]) -> int:  # fmt: skip
    return await _insert(
        conn, Outreach, school_id=SCHOOL, idempotency_key=key, kind=kind, recipient_role=role,
        recipient_id=to, channel="email", pupil_id=pupil, lang=lang, payload=payload,
        due_at=SENT, expires_at=SENT + dt.timedelta(days=1), status="sent",
        next_attempt_at=SENT, sent_at=SENT, created_at=SENT, updated_at=SENT,
    )  # fmt: skip


async def school(engine: AsyncEngine, clock: VirtualClock) -> School:
    await seed_pupils(engine, clock, ["P1", "P2"])
    now = clock.now()
    async with engine.begin() as conn:
        s01 = await _insert(
            conn, Staff, school_id=SCHOOL, staff_id="S01", first_name="Hanne",
            last_name="Verstraete", role="coordinator", updated_at=now,
        )  # fmt: skip
        await conn.execute(sa.update(Pupil).values(spilfiguur_id=s01))
        await _contact(conn, "staff", s01, "hanne@example.org", now)
        p1 = int(await conn.scalar(sa.select(col(Pupil.id)).where(col(Pupil.pupil_id) == "P1")))
        p2 = int(await conn.scalar(sa.select(col(Pupil.id)).where(col(Pupil.pupil_id) == "P2")))
        g1 = await _insert(
            conn, Guardian, school_id=SCHOOL, guardian_id="G1", first_name="Ayşe",
            last_name="Yilmaz", language="tr", updated_at=now,
        )  # fmt: skip
        await conn.execute(
            sa.insert(GuardianLink).values(guardian_id=g1, pupil_id=p1, relation="moeder")
        )
        for role, person, address in (("pupil", p1, "p1@example.org"),
                                      ("pupil", p2, "p2@example.org"),
                                      ("guardian", g1, "ayse@example.org")):  # fmt: skip
            await _contact(conn, role, person, address, now)
        about = {"first_name": "Kind P1", "sender": "Hanne Verstraete (leerlingenbegeleiding)",
                 "date": "2026-11-17", "episode": "P1:2026-11-17"}  # fmt: skip
        checkin = await _message(conn, "checkin-p1", "pupil_checkin", "pupil", p1, p1, "nl", about)
        notice = await _message(
            conn, "notice-g1", "guardian_notice", "guardian", g1, p1, "tr",
            {**about, "school": "Testschool", "contact": "Hanne Verstraete, hanne@example.org",
             "missed_half_days": 3},
        )  # fmt: skip
        other = await _message(
            conn, "checkin-p2", "pupil_checkin", "pupil", p2, p2, "nl",
            {**about, "first_name": "Kind P2", "episode": "P2:2026-11-17"},
        )  # fmt: skip
        nudge = await _message(
            conn, "nudge-p1", "coordinator_nudge", "coordinator", s01, p1, "nl",
            {"reason": "absent_half_days", "first_name": "Kind P1", "class_name": "1A",
             "missed_half_days": 6, "episode": "P1:2026-11-17"},
        )  # fmt: skip
    return School(engine, clock, signer_for(clock), p1, p2, g1, s01, checkin, notice, other, nudge)


@asynccontextmanager
async def client_for(context: WebContext) -> AsyncIterator[TestClient]:
    """aiohttp's test client over the application of ``context``."""
    async with TestClient(TestServer(create_app(context))) as client:
        yield client
