"""Data of several school years, put straight into the database, each row labelled so that a
test can say which survived a retention purge. Times are Brussels wall times."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.imports.runs import ensure_school
from bot.models import (
    AbsenceMark,
    Guardian,
    GuardianLink,
    ImportReject,
    ImportRun,
    MarkCorrection,
    Outreach,
    OutreachEvent,
    Pupil,
    PupilPause,
    Reply,
    SchoolClass,
    Staff,
    TimelineView,
)
from scheduler.clock import BRUSSELS, VirtualClock

SCHOOL = "school"


def local(day: str, at: str = "12:00") -> dt.datetime:
    """``"2026-08-31", "23:59"`` as an aware Brussels time."""
    return dt.datetime.fromisoformat(f"{day}T{at}").replace(tzinfo=BRUSSELS)


class Aged:
    """Adds labelled rows about one pupil (``P0001``) and their guardian and spilfiguur."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.pupil = 0
        self.staff = 0
        self.run = 0

    async def school(self) -> None:
        async with self.engine.begin() as conn:
            await ensure_school(conn, SCHOOL, "Testschool", VirtualClock(local("2025-09-01")))
            klass = await self._insert(conn, SchoolClass, name="1A")
            self.staff = await self.person(conn, Staff, "S0001", role="coordinator")
            self.pupil = await self.person(
                conn, Pupil, "P0001", birth_date=dt.date(2012, 3, 4), class_id=klass,
                spilfiguur_id=self.staff,
            )  # fmt: skip
            guardian = await self.person(conn, Guardian, "G0001", language="nl")
            await self._insert(conn, GuardianLink, guardian_id=guardian, pupil_id=self.pupil)
            self.run = await self._insert(
                conn, ImportRun, kind="absences", source="feed.csv", started_by="test",
                started_at=local("2025-09-01"), status="ok",
            )  # fmt: skip

    async def person(
        self, conn: Any, table: Any, roster_id: str, *, active: bool = True,
        updated: dt.datetime | None = None, **values: Any,
    ) -> int:  # fmt: skip
        """A pupil, guardian or staff member; ``updated`` is when the roster last changed them."""
        key = {Pupil: "pupil_id", Guardian: "guardian_id", Staff: "staff_id"}[table]
        return await self._insert(
            conn, table, **{key: roster_id}, first_name=f"Name{roster_id}", last_name="Test",
            active=active, updated_at=updated or local("2025-09-01"), **values,
        )  # fmt: skip

    async def left(self, role: str, roster_id: str, updated: dt.datetime) -> None:
        """Someone the roster made inactive at ``updated``."""
        async with self.engine.begin() as conn:
            if role == "pupil":
                klass = await conn.scalar(sa.select(col(SchoolClass.id)))
                await self.person(
                    conn, Pupil, roster_id, active=False, updated=updated,
                    birth_date=dt.date(2012, 1, 1), class_id=klass,
                )  # fmt: skip
            elif role == "guardian":
                await self.person(
                    conn, Guardian, roster_id, active=False, updated=updated, language="nl"
                )
            else:
                await self.person(
                    conn, Staff, roster_id, active=False, updated=updated, role="teacher"
                )

    async def reply(self, label: str, at: dt.datetime, *, tapped: bool = False) -> None:
        """Free text ``label``, or (``tapped``) a button's answer to a message of that time."""
        async with self.engine.begin() as conn:
            outreach = await self._message(conn, f"tapped {label}", at) if tapped else None
            await self._insert(
                conn, Reply, pupil_id=self.pupil, sender_role="guardian", sender_id="G0001",
                answer=label, received_at=at, outreach_id=outreach,
            )  # fmt: skip

    async def message(self, label: str, due: dt.datetime, *, kind: str = "guardian_notice") -> None:
        async with self.engine.begin() as conn:
            await self._message(conn, label, due, kind)

    async def mark(self, day: str, *, corrected: bool = False) -> None:
        async with self.engine.begin() as conn:
            mark = await self._insert(
                conn, AbsenceMark, pupil_id=self.pupil, date=dt.date.fromisoformat(day),
                half_day="am", code="B", source="feed.csv", first_seen=local(day),
                last_seen=local(day), run_id=self.run,
            )  # fmt: skip
            if corrected:
                await self._insert(
                    conn, MarkCorrection, mark_id=mark, kind="changed", old_code="Z",
                    new_code="B", corrected_at=local(day), run_id=self.run,
                )  # fmt: skip

    async def pause(self, ends: str) -> None:
        async with self.engine.begin() as conn:
            await self._insert(
                conn, PupilPause, pupil_id=self.pupil, starts=dt.date.fromisoformat(ends),
                ends=dt.date.fromisoformat(ends), created_at=local(ends), created_by="test",
            )  # fmt: skip

    async def view(self, at: dt.datetime) -> None:
        async with self.engine.begin() as conn:
            await self._insert(
                conn, TimelineView, pupil_id=self.pupil, viewer_id=self.staff,
                channel="telegram", viewed_at=at,
            )  # fmt: skip

    async def reject(self, reason: str, started: dt.datetime) -> None:
        async with self.engine.begin() as conn:
            run = await self._insert(
                conn, ImportRun, kind="absences", source="feed.csv", started_by="test",
                started_at=started, status="partial",
            )  # fmt: skip
            await self._insert(conn, ImportReject, run_id=run, file="feed.csv", reason=reason)

    async def _message(
        self, conn: Any, label: str, due: dt.datetime, kind: str = "guardian_notice"
    ) -> int:
        key = await self._insert(
            conn, Outreach, idempotency_key=label, kind=kind, recipient_role="guardian",
            recipient_id=1, channel="telegram", pupil_id=self.pupil, lang="nl",
            payload={"first_name": "NameP0001"}, text=label, due_at=due, expires_at=due,
            status="sent", next_attempt_at=due, created_at=due, updated_at=due,
        )  # fmt: skip
        await self._insert(
            conn, OutreachEvent, outreach_id=key, at=due, to_status="planned", detail=label
        )
        return key

    @staticmethod
    async def _insert(conn: Any, table: Any, **values: Any) -> int:
        if "school_id" in table.__table__.c:
            values.setdefault("school_id", SCHOOL)
        return int(
            (await conn.execute(sa.insert(table).values(**values).returning(table.id))).scalar_one()
        )

    async def labels(self) -> dict[str, set[str]]:
        """What is left, by kind, as labels."""
        async with self.engine.connect() as conn:
            found = {
                "replies": set(await conn.scalars(sa.select(col(Reply.answer)))),
                "messages": set(await conn.scalars(sa.select(col(Outreach.idempotency_key)))),
                "events": set(await conn.scalars(sa.select(col(OutreachEvent.detail)))),
                "marks": {
                    d.isoformat() for d in await conn.scalars(sa.select(col(AbsenceMark.date)))
                },
                "corrections": set(
                    map(str, await conn.scalars(sa.select(col(MarkCorrection.mark_id))))
                ),
                "pauses": {
                    d.isoformat() for d in await conn.scalars(sa.select(col(PupilPause.ends)))
                },
                "views": {
                    v.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M")
                    for v in await conn.scalars(sa.select(col(TimelineView.viewed_at)))
                },
                "rejects": set(await conn.scalars(sa.select(col(ImportReject.reason)))),
                "pupils": set(await conn.scalars(sa.select(col(Pupil.pupil_id)))),
                "guardians": set(await conn.scalars(sa.select(col(Guardian.guardian_id)))),
                "staff": set(await conn.scalars(sa.select(col(Staff.staff_id)))),
            }
        return found
