"""The outbox's statistics after a large plan (both backends): PostgreSQL is told at once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.outbox import refresh_statistics
from bot.outbox.store import MANY_PLANNED


@contextmanager
def _statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    sa.event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_postgresql_analyses_the_outbox_after_a_large_plan_only(engine):
    with _statements(engine) as seen:
        await refresh_statistics(engine, planned=MANY_PLANNED - 1)
        await refresh_statistics(engine, planned=0)
    assert not any("ANALYZE" in statement for statement in seen)
    with _statements(engine) as seen:
        await refresh_statistics(engine, planned=MANY_PLANNED)
    expected = ["ANALYZE outreach, outreach_event"] if engine.dialect.name == "postgresql" else []
    assert [statement for statement in seen if "ANALYZE" in statement] == expected
