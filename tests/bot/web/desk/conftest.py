"""A small school for the desk's tests: one staff member of every kind, pupils of two
spilfiguren, marks, messages and answers of today; and signing in as anyone of them."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from yarl import URL

from bot.contacts import ChannelOrder
from bot.db import connect_reader
from bot.engine.window import Window
from bot.models import (
    AbsenceMark,
    Contact,
    ImportRun,
    Outreach,
    OutreachHold,
    Pupil,
    Reply,
    Staff,
)
from bot.rules import Rules
from bot.web import WebContext, create_app
from bot.web.base import CONTEXT
from scheduler.calendar import SchoolCalendar
from scheduler.clock import VirtualClock
from tests.helpers.seed import SCHOOL, seed_pupils
from tests.helpers.web import signer_for

CSRF = re.compile(r'name="csrf" value="([0-9a-f]*)"')
STAFF = {
    # staff id: role, the pupils they are the spilfiguur of
    "S01": ("direction", ()),
    "S02": ("coordinator", ("P1",)),
    "S03": ("coordinator", ("P2",)),
    "S04": ("clb", ()),
    "S05": ("teacher", ()),
    "S06": ("teacher", ("P3",)),
}


@dataclass
class Town:
    engine: AsyncEngine
    clock: VirtualClock
    staff: dict[str, int]
    pupils: dict[str, int]
    https: bool = False
    told: list[str] = field(default_factory=list)

    def context(self) -> WebContext:
        calendar = SchoolCalendar()

        async def news() -> None:
            self.told.append("news")

        return WebContext(
            engine=self.engine,
            clock=self.clock,
            signer=signer_for(self.clock),
            calendar=calendar,
            window=Window(Rules.default().delivery, calendar, self.clock.tz),
            reader=connect_reader(self.engine),
            https=self.https,
            channels=ChannelOrder(("email", "telegram"), frozenset({"email", "telegram"})),
            news=news,
        )

    @asynccontextmanager
    async def client(self) -> AsyncIterator[TestClient]:
        async with TestClient(TestServer(create_app(self.context()))) as client:
            yield client

    async def links(self, staff_id: str) -> list[dict[str, Any]]:
        """The sign-in messages planned for ``staff_id``, oldest first."""
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(
                    col(Outreach.channel), col(Outreach.payload), col(Outreach.recipient_id),
                    col(Outreach.status), col(Outreach.expires_at), col(Outreach.lang),
                )
                .where(col(Outreach.kind) == "desk_signin")
                .order_by(col(Outreach.id))
            )  # fmt: skip
            return [
                {"channel": r[0], "link": r[1]["link"], "status": r[3], "expires_at": r[4],
                 "lang": r[5]}
                for r in rows
                if r[2] == self.staff[staff_id]
            ]  # fmt: skip

    async def scalar(self, query: Any) -> Any:
        async with self.engine.connect() as conn:
            return await conn.scalar(query)


async def csrf_of(response: Any) -> str:
    found = CSRF.search(await response.text())
    assert found is not None, "the page has no form token"
    return found.group(1)


async def settled(client: TestClient) -> None:
    """Wait for what the application does beside its answers (the planning of a link)."""
    pending = list(client.app[CONTEXT].pending)
    if pending:
        await asyncio.gather(*pending)


async def ask(client: TestClient, who: str) -> Any:
    """Ask for a sign-in link for ``who`` from the client's browser (and wait until it is
    planned: the page answers before anyone is looked up)."""
    token = await csrf_of(await client.get("/desk/aanmelden"))
    response = await client.post("/desk/aanmelden", data={"who": who, "csrf": token})
    await settled(client)
    return response


def path_of(link: str) -> str:
    return URL(link).path


async def sign_in(town: Town, client: TestClient, staff_id: str) -> Any:
    """Sign ``staff_id`` in, in the client's browser; the response of *Vandaag*."""
    before = len(await town.links(staff_id))
    answer = await ask(client, staff_id)
    assert answer.status == 200
    links = await town.links(staff_id)
    assert len(links) == before + 1
    response = await client.get(path_of(links[-1]["link"]))
    assert response.status == 200, await response.text()
    assert response.url.path == "/desk/vandaag"
    return response


async def _insert(conn: Any, table: Any, **values: Any) -> int:
    found = await conn.execute(sa.insert(table).values(**values).returning(table.id))
    return int(found.scalar_one())


async def build_town(engine: AsyncEngine, clock: VirtualClock) -> Town:
    await seed_pupils(engine, clock, ["P1", "P2", "P3"])
    now = clock.now()
    staff: dict[str, int] = {}
    async with engine.begin() as conn:
        for staff_id, (role, _own) in STAFF.items():
            staff[staff_id] = await _insert(
                conn, Staff, school_id=SCHOOL, staff_id=staff_id, first_name=f"Naam{staff_id}",
                last_name="Collega", role=role, language="fr" if staff_id == "S04" else "nl",
                updated_at=now,
            )  # fmt: skip
            channel, address = ("telegram", "5300") if staff_id == "S03" else (
                "email", f"{staff_id.lower()}@school.example"
            )  # fmt: skip
            await conn.execute(
                sa.insert(Contact).values(
                    school_id=SCHOOL, role="staff", person_id=staff[staff_id], channel=channel,
                    address=address, state="active", chosen=False, since=now,
                )
            )  # fmt: skip
        pupils = {
            str(p): int(i)
            for p, i in await conn.execute(sa.select(col(Pupil.pupil_id), col(Pupil.id)))
        }
        for staff_id, (_role, own) in STAFF.items():
            for pupil in own:
                await conn.execute(
                    sa.update(Pupil)
                    .where(col(Pupil.id) == pupils[pupil])
                    .values(spilfiguur_id=staff[staff_id])
                )
        run = await _insert(
            conn, ImportRun, school_id=SCHOOL, kind="absences", source="test",
            started_by="test", started_at=now, status="ok",
        )  # fmt: skip
        await _today(conn, now, run, staff, pupils)
    return Town(engine, clock, staff, pupils)


async def _message(conn: Any, key: str, kind: str, role: str, to: int, pupil: int | None,
                   status: str, at: dt.datetime, text: str | None = None) -> int:  # fmt: skip
    return await _insert(
        conn, Outreach, school_id=SCHOOL, idempotency_key=key, kind=kind, recipient_role=role,
        recipient_id=to, channel="email", pupil_id=pupil, lang="nl", payload={}, text=text,
        due_at=at, expires_at=at + dt.timedelta(days=1), status=status, next_attempt_at=at,
        sent_at=at if status == "sent" else None, created_at=at, updated_at=at,
        last_error="permanent: no such mailbox" if status == "failed" else None,
    )  # fmt: skip


async def _today(
    conn: Any, now: dt.datetime, run: int, staff: dict[str, int], pupils: dict[str, int]
) -> None:
    """Marks of P1 (both halves) and P2 (morning) today, a check-in sent to each, an answer of
    P1, a failed notice about P2, a welcome reminder to S05 about P3, and a held day."""
    for pupil, half, code in (("P1", "am", "B"), ("P1", "pm", "B"), ("P2", "am", "Z")):
        await conn.execute(
            sa.insert(AbsenceMark).values(
                school_id=SCHOOL, pupil_id=pupils[pupil], date=now.date(), half_day=half,
                code=code, source="test", first_seen=now, last_seen=now, run_id=run,
            )
        )  # fmt: skip
    sent = now - dt.timedelta(minutes=20)
    for pupil in ("P1", "P2"):
        await _message(
            conn, f"checkin-{pupil}", "pupil_checkin", "pupil", pupils[pupil], pupils[pupil],
            "sent", sent, f"Hoi Kind {pupil}, we hebben je gemist.",
        )  # fmt: skip
    await _message(
        conn, "notice-P2", "guardian_notice", "guardian", 99, pupils["P2"], "failed", sent
    )
    await _message(
        conn, "welcome-P3", "teacher_welcome", "teacher", staff["S05"], pupils["P3"], "sent",
        sent, "Dag collega, Kind P3 komt terug.",
    )  # fmt: skip
    await conn.execute(
        sa.insert(Reply).values(
            school_id=SCHOOL, pupil_id=pupils["P1"], sender_role="pupil", sender_id="P1",
            answer="sick", received_at=now - dt.timedelta(minutes=5),
        )
    )  # fmt: skip
    await conn.execute(
        sa.insert(OutreachHold).values(
            school_id=SCHOOL, date=now.date(), scope="1A", status="held", absent=3, pupils=3,
            detected_at=now,
        )
    )  # fmt: skip


@pytest.fixture
async def town(engine: AsyncEngine, clock: VirtualClock) -> Town:
    return await build_town(engine, clock)
