"""Storing a tick's new outreach rows, and their audit events, in a few statements.

A first tick of a large school proposes some ten thousand new rows. Handed to SQLAlchemy as
parameter dicts, every value of every row passes its column type's bind processor and the
statement is compiled anew for each batch: that took more time than the database's own work.
Here each column's processor runs once per distinct value (the instants repeat: every row's
``created_at`` is the tick's now, most rows share a few due times), and the driver gets the
values as the column types made them, through :meth:`~sqlalchemy.ext.asyncio.AsyncConnection.
exec_driver_sql`, in SQLAlchemy's transaction:

- PostgreSQL: one ``INSERT ... SELECT FROM unnest(...)`` of one array per column;
- SQLite: ``INSERT ... VALUES`` statements of many rows each, as many as one statement may bind.

What is stored is what SQLAlchemy's own insert stores (the tests compare the two); the rows get
their ids in the order of the items, as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.outbox.records import Status
from bot.outbox.tables import EVENT, OUTREACH

__all__ = ["insert_planned"]

_REPEATED = frozenset({"due_at", "expires_at", "next_attempt_at", "created_at", "updated_at"})
"""Columns whose values repeat from row to row: processed once per distinct value."""

_EVENT_COLUMNS = ("outreach_id", "at", "from_status", "to_status", "detail")


async def insert_planned(
    conn: AsyncConnection, rows: Sequence[Mapping[str, Any]], now: dt.datetime
) -> dict[str, int]:
    """Store ``rows`` (outreach columns by name, the same in each row) with an audit event
    each, planned at ``now``; returns the ids of the rows stored, by idempotency key.

    A key already stored (another worker stored it meanwhile) is left alone and not returned.
    """
    if not rows:
        return {}
    dialect = conn.dialect
    names = tuple(rows[0])
    columns = [_processed(dialect, OUTREACH, name, [row[name] for row in rows]) for name in names]
    stored: list[tuple[int, str]] = []
    if dialect.name == "postgresql":
        result = await conn.exec_driver_sql(_postgres_insert(dialect, names), tuple(columns))
        stored += [(row.id, row.idempotency_key) for row in result]
    elif dialect.name == "sqlite":
        values = list(zip(*columns, strict=True))
        size = _rows_per_statement(dialect, len(names))
        for start in range(0, len(values), size):
            chunk = values[start : start + size]
            params = tuple(value for row in chunk for value in row)
            result = await conn.exec_driver_sql(_sqlite_insert(names, len(chunk)), params)
            stored += [(row.id, row.idempotency_key) for row in result]
    else:
        raise LookupError(f"the outbox does not support the {dialect.name!r} database")
    stored.sort()  # by id: the events in the order of the rows
    new = {key: outreach_id for outreach_id, key in stored}
    await _record_planned(conn, list(new.values()), now)
    return new


def _processed(dialect: Dialect, table: sa.Table, name: str, values: list[Any]) -> list[Any]:
    """``values`` of the column ``name`` as its type hands them to the driver."""
    process = _processor(dialect, table.c[name].type)
    if process is None:
        return values
    if name in _REPEATED or table is EVENT:
        done = {value: process(value) for value in set(values)}
        return [done[value] for value in values]
    return [process(value) for value in values]


def _processor(dialect: Dialect, type_: sa.types.TypeEngine[Any]) -> Callable[[Any], Any] | None:
    return type_.dialect_impl(dialect).bind_processor(dialect)


def _postgres_insert(dialect: Dialect, names: Sequence[str]) -> str:
    arrays = ", ".join(
        f"CAST(${number} AS {OUTREACH.c[name].type.compile(dialect)}[])"
        for number, name in enumerate(names, start=1)
    )
    return (
        f"INSERT INTO outreach ({', '.join(names)}) SELECT * FROM unnest({arrays})"
        " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key"
    )


def _sqlite_insert(names: Sequence[str], rows: int) -> str:
    row = f"({', '.join('?' for _ in names)})"
    return (
        f"INSERT INTO outreach ({', '.join(names)}) VALUES {', '.join([row] * rows)}"
        " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id, idempotency_key"
    )


def _rows_per_statement(dialect: Dialect, columns: int) -> int:
    """As many rows as one statement may bind values for (SQLAlchemy's own limits)."""
    limit = dialect.insertmanyvalues_max_parameters or 999
    return max(1, min(dialect.insertmanyvalues_page_size, limit // columns))


async def _record_planned(conn: AsyncConnection, ids: list[int], now: dt.datetime) -> None:
    """The audit event of each new row: (none) → planned, at ``now``."""
    if not ids:
        return
    dialect = conn.dialect
    (at,) = _processed(dialect, EVENT, "at", [now])
    planned = Status.PLANNED.value
    columns = ", ".join(_EVENT_COLUMNS)
    if dialect.name == "postgresql":
        id_type = EVENT.c.outreach_id.type.compile(dialect)
        await conn.exec_driver_sql(
            f"INSERT INTO outreach_event ({columns})"
            f" SELECT row_id, $2, NULL, $3, NULL FROM unnest(CAST($1 AS {id_type}[])) AS row_id",
            (ids, at, planned),
        )
    else:
        await conn.exec_driver_sql(
            f"INSERT INTO outreach_event ({columns}) VALUES (?, ?, NULL, ?, NULL)",
            [(row_id, at, planned) for row_id in ids],
        )
