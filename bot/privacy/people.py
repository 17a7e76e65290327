"""One person Gemist holds data about, found by their roster id (``P0042``, ``G005``, ``S02``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.contacts import store as contacts
from bot.models import Guardian, Pupil, Staff

__all__ = ["ROLES", "Person", "find_people", "table_of"]

ROLES = ("pupil", "guardian", "staff")
"""The kinds of people in the roster, as the command line names them."""

_TABLES: dict[str, Any] = {"pupil": Pupil, "guardian": Guardian, "staff": Staff}


def table_of(role: str) -> Any:
    """The model of ``role``'s table."""
    return _TABLES[role]


@dataclass(frozen=True, slots=True)
class Person:
    """Who a request is about: enough to find every row, and every text that names them."""

    role: str
    key: int
    """The database id in the role's table."""
    roster_id: str
    first_name: str
    last_name: str
    chat_id: str | None
    """Their Telegram chat id, when one is kept (texts may quote it)."""
    active: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


async def find_people(
    conn: AsyncConnection, school_id: str, roster_id: str, role: str | None = None
) -> list[Person]:
    """Everyone of the school with that roster id (of ``role`` only, when given); a roster id
    is unique per table, so at most one per role."""
    found: list[Person] = []
    for name in (role,) if role else ROLES:
        table = table_of(name)
        key_column = getattr(table, f"{name}_id")
        rows = await conn.execute(
            sa.select(
                col(table.id),
                key_column,
                col(table.first_name),
                col(table.last_name),
                contacts.address_of(name, col(table.id), contacts.TELEGRAM),
                col(table.active),
            ).where(col(table.school_id) == school_id, key_column == roster_id)
        )
        found.extend(Person(name, *row) for row in rows)
    return found
