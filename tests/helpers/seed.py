"""Putting a minimal roster straight into the database, for tests about other things."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.imports.runs import ensure_school
from bot.models import Pupil, SchoolClass
from scheduler.clock import Clock

SCHOOL = "school"


async def seed_pupils(
    engine: AsyncEngine, clock: Clock, pupil_ids: Iterable[str], *, school_id: str = SCHOOL
) -> None:
    """One class ``1A`` with the given pupils (born 2012, so 14 in the school year 2026-27)."""
    async with engine.begin() as conn:
        await ensure_school(conn, school_id, "Testschool", clock)
        class_id = (
            await conn.execute(
                sa.insert(SchoolClass)
                .values(school_id=school_id, name="1A")
                .returning(col(SchoolClass.id))
            )
        ).scalar_one()
        await conn.execute(
            sa.insert(Pupil),
            [
                {
                    "school_id": school_id,
                    "pupil_id": pupil_id,
                    "first_name": f"Kind {pupil_id}",
                    "last_name": "Test",
                    "birth_date": dt.date(2012, 3, 4),
                    "class_id": class_id,
                    "updated_at": clock.now(),
                }
                for pupil_id in pupil_ids
            ],
        )
