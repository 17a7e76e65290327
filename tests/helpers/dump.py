"""The whole database as text, every table and column as stored, to search for what must be gone."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine


async def dump(engine: AsyncEngine) -> str:
    """Every row of every table, each column as the backend holds it (cast to text on
    PostgreSQL: JSON as its stored text), one line per row."""
    async with engine.connect() as conn:
        columns = await conn.run_sync(_columns)
        lines: list[str] = []
        for table, names in sorted(columns.items()):
            if conn.dialect.name == "postgresql":
                listed = ", ".join(f'CAST("{name}" AS text)' for name in names)
            else:
                listed = ", ".join(f'"{name}"' for name in names)
            rows = await conn.exec_driver_sql(f'SELECT {listed} FROM "{table}"')
            lines += [f"{table}: " + " | ".join(map(str, row)) for row in rows]
    return "\n".join(lines)


def _columns(sync: sa.Connection) -> dict[str, list[str]]:
    inspector = sa.inspect(sync)
    return {
        table: [column["name"] for column in inspector.get_columns(table)]
        for table in inspector.get_table_names()
    }


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
