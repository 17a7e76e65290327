"""The whole database as text, every table and column as stored, to search for what must be gone."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine


async def dump(engine: AsyncEngine) -> str:
    """Every row of every table, as the backend holds it (PostgreSQL: the row cast to text;
    SQLite: each stored value), one line per row."""
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names())
        lines: list[str] = []
        for table in sorted(tables):
            if conn.dialect.name == "postgresql":
                rows = await conn.exec_driver_sql(f'SELECT CAST(t AS text) FROM "{table}" AS t')
            else:
                rows = await conn.exec_driver_sql(f'SELECT * FROM "{table}"')
            lines += [f"{table}: " + " | ".join(map(str, row)) for row in rows]
    return "\n".join(lines)


def found_in(text: str, needles: list[str]) -> list[str]:
    """The needles that occur in ``text`` as whole words ("Emir", not in "Demir"), as written
    or JSON-escaped, in any case."""
    return [
        needle
        for needle in needles
        if any(
            re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.IGNORECASE)
            for form in (needle, json.dumps(needle)[1:-1])
        )
    ]
