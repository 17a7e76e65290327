"""Fast bulk writes on the driver's own connection, inside SQLAlchemy's transaction.

A feed can hold a million marks. Building ORM objects or even SQLAlchemy parameter dicts for
each would cost more than the database itself, so the importers hand plain tuples to the
driver: ``executemany`` on SQLite, ``COPY`` on PostgreSQL (each dialect's own bulk path).
Values are prepared in the form each driver stores without conversion.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ["BulkWriter", "bulk_writer"]


class BulkWriter(abc.ABC):
    """Writes rows of plain values to a table, and prepares values for it."""

    def __init__(self, driver: Any) -> None:
        self._driver = driver

    @abc.abstractmethod
    def date(self, value: dt.date) -> Any:
        """A date as this driver stores it."""

    @abc.abstractmethod
    def instant(self, value: dt.datetime) -> Any:
        """An aware datetime as :class:`bot.models.UTCDateTime` stores it."""

    @abc.abstractmethod
    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Append ``rows`` to ``table``; no conflicts are expected."""

    @abc.abstractmethod
    async def create_stage(self, name: str, like_columns: str) -> None:
        """Create an empty temporary table ``name`` with the given column definitions."""

    @abc.abstractmethod
    async def drop_stage(self, name: str) -> None:
        """Drop the temporary table ``name`` if it exists."""


class SqliteBulkWriter(BulkWriter):
    def __init__(self, driver: Any) -> None:
        super().__init__(driver)
        self._dates: dict[dt.date, str] = {}

    def date(self, value: dt.date) -> str:
        text = self._dates.get(value)
        if text is None:
            text = self._dates[value] = value.isoformat()
        return text

    def instant(self, value: dt.datetime) -> str:
        # The same text SQLAlchemy's SQLite DateTime writes, so the ORM reads it back.
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" for _ in columns)
        await self._driver.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )

    async def create_stage(self, name: str, like_columns: str) -> None:
        await self.drop_stage(name)
        await self._driver.execute(f"CREATE TEMP TABLE {name} ({like_columns})")

    async def drop_stage(self, name: str) -> None:
        await self._driver.execute(f"DROP TABLE IF EXISTS temp.{name}")


class PostgresBulkWriter(BulkWriter):
    def date(self, value: dt.date) -> dt.date:
        return value

    def instant(self, value: dt.datetime) -> dt.datetime:
        return value

    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        await self._driver.copy_records_to_table(table, records=rows, columns=list(columns))

    async def create_stage(self, name: str, like_columns: str) -> None:
        await self._driver.execute(f"CREATE TEMP TABLE {name} ({like_columns}) ON COMMIT DROP")

    async def drop_stage(self, name: str) -> None:
        await self._driver.execute(f"DROP TABLE IF EXISTS {name}")


async def bulk_writer(conn: AsyncConnection) -> BulkWriter:
    """The writer for the driver behind ``conn`` (its transaction must already be open)."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    name = conn.dialect.name
    if name == "sqlite":
        return SqliteBulkWriter(driver)
    if name == "postgresql":
        return PostgresBulkWriter(driver)
    raise LookupError(f"no bulk writer for the {name!r} database")
