"""*Invoer*: the import runs (:mod:`bot.imports.runs`), newest first, with their counts and
their rejects (which file, which line, which column, and why), so that the secretariat can fix
the source and import again.

A run names no pupil, but a reject may (``no pupil with id P0042 in the roster``, a row of the
roster): the rejects are read for the whole school only. A spilfiguur's scope gets the runs and
their counts, with ``rejects_shown`` False.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.desk.scope import DEFAULT_SIZE, Page, Scope, checked, clamp
from bot.models import ImportReject, ImportRun

__all__ = ["REJECTS_SHOWN", "Reject", "Run", "import_run", "import_runs", "run_rejects"]

REJECTS_SHOWN = 20
"""The rejects of each run on the list; :func:`run_rejects` pages through all of them."""


@dataclass(frozen=True, slots=True)
class Reject:
    file: str
    line: int | None
    """The line of the file (the header is line 1); None for the file as a whole."""
    column: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class Run:
    id: int
    kind: str
    """``roster`` or ``absences``."""
    source: str
    started_by: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    """``running``, ``ok``, ``partial`` (some rows rejected), ``unusable`` (nothing imported),
    ``failed``, ``interrupted``."""
    rows: int
    imported: int
    unchanged: int
    rejected: int
    corrections: int
    files: tuple[Mapping[str, Any], ...]
    """Per file: ``file``, ``rows``, ``imported``, ``unchanged``, ``rejected``,
    ``corrections`` (the summaries of ``import --json``)."""
    rejects: tuple[Reject, ...]
    """The first :data:`REJECTS_SHOWN` rejects, by file and line."""
    reject_count: int
    """Every reject stored for the run (an unusable file's reason is one too)."""
    rejects_shown: bool
    """False for a spilfiguur's scope: the rejects are the secretariat's."""


async def import_runs(
    conn: AsyncConnection,
    scope: Scope,
    *,
    kind: str | None = None,
    page: int = 1,
    size: int = DEFAULT_SIZE,
) -> Page[Run]:
    """The school's import runs (of ``kind`` when given), newest first, one page."""
    page, size = checked(page, size)
    where = [col(ImportRun.school_id) == scope.school_id]
    if kind is not None:
        where.append(col(ImportRun.kind) == kind)
    total = int(
        await conn.scalar(sa.select(sa.func.count()).select_from(ImportRun).where(*where)) or 0
    )
    page = clamp(page, size, total)
    rows = (
        await conn.execute(
            _runs()
            .where(*where)
            .order_by(col(ImportRun.started_at).desc(), col(ImportRun.id).desc())
            .limit(size)
            .offset((page - 1) * size)
        )
    ).all()
    runs = await _built(conn, scope, rows)
    return Page(tuple(runs), page, size, total)


async def import_run(conn: AsyncConnection, scope: Scope, run: int) -> Run | None:
    """The school's import run ``run``, as :func:`import_runs` lists it; None when the school
    has no such run (the page answers 404)."""
    rows = (
        await conn.execute(
            _runs().where(col(ImportRun.id) == run, col(ImportRun.school_id) == scope.school_id)
        )
    ).all()
    found = await _built(conn, scope, rows)
    return found[0] if found else None


def _runs() -> Any:
    return sa.select(
        col(ImportRun.id),
        col(ImportRun.kind),
        col(ImportRun.source),
        col(ImportRun.started_by),
        col(ImportRun.started_at),
        col(ImportRun.finished_at),
        col(ImportRun.status),
        col(ImportRun.rows),
        col(ImportRun.imported),
        col(ImportRun.unchanged),
        col(ImportRun.rejected),
        col(ImportRun.corrections),
        col(ImportRun.summary),
    )


async def _built(conn: AsyncConnection, scope: Scope, rows: Sequence[Any]) -> list[Run]:
    """The runs of ``rows`` (of :func:`_runs`), with their reject counts and first rejects."""
    ids = [row.id for row in rows]
    counts = await _reject_counts(conn, ids)
    shown = scope.whole_school
    firsts = await _first_rejects(conn, ids) if shown else {}
    return [
        Run(
            id=row.id,
            kind=row.kind,
            source=row.source,
            started_by=row.started_by,
            started_at=row.started_at,
            finished_at=row.finished_at,
            status=row.status,
            rows=row.rows,
            imported=row.imported,
            unchanged=row.unchanged,
            rejected=row.rejected,
            corrections=row.corrections,
            files=_files(row.summary),
            rejects=tuple(firsts.get(row.id, ())),
            reject_count=counts.get(row.id, 0),
            rejects_shown=shown,
        )
        for row in rows
    ]


async def run_rejects(
    conn: AsyncConnection,
    scope: Scope,
    run: int,
    *,
    page: int = 1,
    size: int = 100,
) -> Page[Reject] | None:
    """Every reject of the run ``run``, by file and line, one page; None when the school has no
    such run, or ``scope`` is not the whole school (the page answers 404)."""
    page, size = checked(page, size)
    if not scope.whole_school:
        return None
    found = await conn.scalar(
        sa.select(col(ImportRun.id)).where(
            col(ImportRun.id) == run, col(ImportRun.school_id) == scope.school_id
        )
    )
    if found is None:
        return None
    total = int(
        await conn.scalar(
            sa.select(sa.func.count())
            .select_from(ImportReject)
            .where(col(ImportReject.run_id) == run)
        )
        or 0
    )
    page = clamp(page, size, total)
    rows = await conn.execute(
        _rejects()
        .where(col(ImportReject.run_id) == run)
        .order_by(*_ORDER)
        .limit(size)
        .offset((page - 1) * size)
    )
    return Page(tuple(Reject(*row[1:]) for row in rows), page, size, total)


_ORDER = (
    col(ImportReject.file),
    sa.func.coalesce(col(ImportReject.line), 0),
    col(ImportReject.id),
)


def _rejects() -> Any:
    return sa.select(
        col(ImportReject.run_id),
        col(ImportReject.file),
        col(ImportReject.line),
        col(ImportReject.column),
        col(ImportReject.reason),
    )


async def _reject_counts(conn: AsyncConnection, runs: Sequence[int]) -> dict[int, int]:
    if not runs:
        return {}
    rows = await conn.execute(
        sa.select(col(ImportReject.run_id), sa.func.count())
        .where(col(ImportReject.run_id).in_(runs))
        .group_by(col(ImportReject.run_id))
    )
    return {run: int(count) for run, count in rows}


async def _first_rejects(conn: AsyncConnection, runs: Sequence[int]) -> dict[int, list[Reject]]:
    """The first :data:`REJECTS_SHOWN` rejects of each run, by file and line (one query: the
    rejects numbered per run, SQLite and PostgreSQL alike)."""
    found: dict[int, list[Reject]] = defaultdict(list)
    if not runs:
        return found
    number = sa.func.row_number().over(partition_by=col(ImportReject.run_id), order_by=_ORDER)
    numbered = (
        _rejects()
        .add_columns(number.label("number"))
        .where(col(ImportReject.run_id).in_(runs))
        .subquery()
    )
    rows = await conn.execute(
        sa.select(
            numbered.c.run_id,
            numbered.c.file,
            numbered.c.line,
            numbered.c.column,
            numbered.c.reason,
        )
        .where(numbered.c.number <= REJECTS_SHOWN)
        .order_by(numbered.c.run_id, numbered.c.number)
    )
    for run, *reject in rows:
        found[run].append(Reject(*reject))
    return found


def _files(summary: object) -> tuple[Mapping[str, Any], ...]:
    if not isinstance(summary, list):
        return ()
    return tuple(MappingProxyType(dict(item)) for item in summary if isinstance(item, dict))
