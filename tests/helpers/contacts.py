"""Linking a chat to someone of the roster directly, as a roster's ``telegram`` column does,
and reading it back: the chats are contacts (:mod:`bot.contacts`)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.contacts.store import link_chat, telegram_chat
from bot.models import Contact, Guardian, Pupil, Staff

__all__ = ["chat_of", "link", "telegram_state"]

_TABLES = {
    "pupil": (Pupil, "pupil_id"),
    "guardian": (Guardian, "guardian_id"),
    "staff": (Staff, "staff_id"),
}
NOW = dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC)


async def _person(conn: AsyncConnection, role: str, roster_id: str) -> tuple[int, str]:
    table, column = _TABLES[role]
    found = (
        await conn.execute(
            sa.select(table.id, table.school_id).where(getattr(table, column) == roster_id)  # type: ignore[attr-defined]
        )
    ).one()
    return int(found[0]), str(found[1])


async def link(
    conn: AsyncConnection, role: str, roster_id: str, chat: int, *, chosen: bool = False
) -> int:
    """Link ``chat`` to the person with ``roster_id``; returns their database id."""
    person, school = await _person(conn, role, roster_id)
    await link_chat(conn, school, role, person, chat, NOW, chosen=chosen)
    return person


async def chat_of(conn: AsyncConnection, role: str, roster_id: str) -> int | None:
    """The person's active chat; None when they have none."""
    person, _school = await _person(conn, role, roster_id)
    return await telegram_chat(conn, role, person)


async def telegram_state(conn: AsyncConnection, role: str, roster_id: str) -> str | None:
    """The state of the person's Telegram contact (None: they have none)."""
    person, _school = await _person(conn, role, roster_id)
    found = await conn.scalar(
        sa.select(Contact.state).where(  # type: ignore[call-overload]
            Contact.role == role, Contact.person_id == person, Contact.channel == "telegram"
        )
    )
    return None if found is None else str(found)
