"""Running feed imports in tests and reading back what was stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.imports import ImportReport, import_absences
from integrations.csv.source import CsvAbsenceSource
from scheduler.clock import Clock
from tests.helpers.seed import SCHOOL


def write(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


async def import_feed(
    engine: AsyncEngine, clock: Clock, path: Path, **source_options: Any
) -> ImportReport:
    return await import_absences(
        engine,
        CsvAbsenceSource(path, **source_options),
        school_id=SCHOOL,
        school_name="Testschool",
        clock=clock,
        started_by="test",
    )


async def active_marks(engine: AsyncEngine) -> set[tuple[str, str, str, str]]:
    """``(pupil_id, date, half_day, code)`` of every mark not retracted."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT p.pupil_id, m.date, m.half_day, m.code FROM absence_mark m"
                " JOIN pupil p ON p.id = m.pupil_id WHERE m.retracted_at IS NULL"
            )
        )
        return {(pupil, str(day), half, code) for pupil, day, half, code in rows}


async def corrections(engine: AsyncEngine) -> list[tuple[str, str, str, str | None, str | None]]:
    """``(pupil_id, date half_day, kind, old_code, new_code)`` of every correction, in order."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text(
                "SELECT p.pupil_id, m.date, m.half_day, c.kind, c.old_code, c.new_code"
                " FROM mark_correction c JOIN absence_mark m ON m.id = c.mark_id"
                " JOIN pupil p ON p.id = m.pupil_id ORDER BY c.id"
            )
        )
        return [
            (pupil, f"{day} {half}", kind, old, new) for pupil, day, half, kind, old, new in rows
        ]


async def count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.text(f"SELECT COUNT(*) FROM {table}")) or 0)
