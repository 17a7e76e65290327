"""Merging a staged feed into the stored marks, recording every correction.

The stage holds the feed's rows for dates that already have stored marks, plus ``keep`` rows:
marks the feed names but whose row was rejected, which must stay as stored. Everything here is
set-based SQL that runs the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.models import UTCDateTime

__all__ = ["Merged", "merge_stage", "stage_columns"]


def stage_columns(dialect: str) -> str:
    big = "INTEGER" if dialect == "sqlite" else "BIGINT"
    return (
        f"line INTEGER, pupil_id {big} NOT NULL, date DATE NOT NULL, half_day VARCHAR(2) NOT NULL, "
        "code VARCHAR(1), expected_return DATE, note TEXT, keep BOOLEAN NOT NULL"
    )


@dataclass(frozen=True)
class Merged:
    imported: int
    unchanged: int
    corrections: int


# A stored mark and the staged row for the same half-day.
_MATCH = "m.pupil_id = s.pupil_id AND m.date = s.date AND m.half_day = s.half_day"
_SAME = (
    "m.code = s.code"
    " AND (m.expected_return = s.expected_return OR (m.expected_return IS NULL"
    " AND s.expected_return IS NULL))"
    " AND (m.note = s.note OR (m.note IS NULL AND s.note IS NULL))"
)
# Stored, active marks of the feed's dates that the feed no longer lists.
_GONE = (
    "m.school_id = :school AND m.retracted_at IS NULL"
    " AND m.date IN (SELECT DISTINCT date FROM {stage}) AND m.date NOT IN :guarded"
    " AND NOT EXISTS (SELECT 1 FROM {stage} s WHERE " + _MATCH + ")"
)


async def merge_stage(
    conn: AsyncConnection,
    stage: str,
    *,
    school_id: str,
    run_id: int,
    source: str,
    now: dt.datetime,
    retract: bool = True,
    guarded_dates: Collection[dt.date] = (),
) -> Merged:
    """Apply the staged snapshot: corrections first (they need the old values), then upsert.

    ``retract=False`` takes nothing away (the feed's lists are not known to be complete);
    marks on ``guarded_dates`` are not taken away either.
    """
    params: dict[str, object] = {
        "school": school_id, "run": run_id, "now": now, "source": source,
        "guarded": sorted(guarded_dates),
    }  # fmt: skip

    def statement(sql: str) -> sa.TextClause:
        text = sa.text(sql.format(stage=stage))
        if ":now" in sql:
            text = text.bindparams(sa.bindparam("now", type_=UTCDateTime))
        if ":guarded" in sql:
            text = text.bindparams(sa.bindparam("guarded", type_=sa.Date, expanding=True))
        return text

    async def run(sql: str) -> int:
        result = await conn.execute(statement(sql), params)
        return result.rowcount

    async def count(sql: str) -> int:
        return int(await conn.scalar(statement(sql), params) or 0)

    # The merge probes the stage by half-day; without an index each probe is a full scan.
    await run("CREATE INDEX {stage}_key ON {stage} (pupil_id, date, half_day)")
    listed = await count("SELECT COUNT(*) FROM {stage} WHERE NOT keep")
    unchanged = await count(
        "SELECT COUNT(*) FROM {stage} s JOIN absence_mark m ON "
        + _MATCH
        + " WHERE NOT s.keep AND m.retracted_at IS NULL AND "
        + _SAME
    )
    changed = await run(
        "INSERT INTO mark_correction (mark_id, kind, old_code, new_code, corrected_at, run_id)"
        " SELECT m.id, 'changed', m.code, s.code, :now, :run"
        " FROM {stage} s JOIN absence_mark m ON "
        + _MATCH
        + " WHERE NOT s.keep AND m.retracted_at IS NULL AND m.code <> s.code"
    )
    reinstated = await run(
        "INSERT INTO mark_correction (mark_id, kind, old_code, new_code, corrected_at, run_id)"
        " SELECT m.id, 'reinstated', m.code, s.code, :now, :run"
        " FROM {stage} s JOIN absence_mark m ON "
        + _MATCH
        + " WHERE NOT s.keep AND m.retracted_at IS NOT NULL"
    )
    retracted = 0
    if retract:
        retracted = await run(
            "INSERT INTO mark_correction (mark_id, kind, old_code, new_code, corrected_at, run_id)"
            " SELECT m.id, 'retracted', m.code, NULL, :now, :run FROM absence_mark m WHERE " + _GONE
        )
        await run("UPDATE absence_mark SET retracted_at = :now, run_id = :run WHERE id IN"
                  " (SELECT m.id FROM absence_mark m WHERE " + _GONE + ")")  # fmt: skip
    await run(
        "INSERT INTO absence_mark (school_id, pupil_id, date, half_day, code, expected_return,"
        " note, source, first_seen, last_seen, run_id)"
        " SELECT :school, s.pupil_id, s.date, s.half_day, s.code, s.expected_return, s.note,"
        " :source, :now, :now, :run FROM {stage} s"
        " WHERE NOT s.keep"
        " ON CONFLICT (pupil_id, date, half_day) DO UPDATE SET code = excluded.code,"
        " expected_return = excluded.expected_return, note = excluded.note,"
        " source = excluded.source, last_seen = excluded.last_seen,"
        " retracted_at = NULL, run_id = excluded.run_id"
    )
    return Merged(
        imported=listed - unchanged,
        unchanged=unchanged,
        corrections=changed + reinstated + retracted,
    )
