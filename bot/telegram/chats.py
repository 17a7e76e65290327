"""The Telegram chats of the roster's people, as the Telegram channel needs them.

A pupil, a guardian and a staff member each have at most one linked chat
(``telegram_chat_id``). Someone who blocks the bot is unlinked: the planner then treats them as
unreachable (a pupil's guardians are asked at once, for instance) until they link again, and the
dispatcher reports the failed message to the coordinator.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.models import Guardian, Pupil, Staff

__all__ = ["DatabaseChats"]

log = logging.getLogger(__name__)

_TABLES: dict[str, Any] = {
    "pupil": Pupil,
    "guardian": Guardian,
    "teacher": Staff,
    "coordinator": Staff,
}


class DatabaseChats:
    """:class:`~integrations.telegram.channel.ChatDirectory` over the roster tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def chat_of(self, role: str, person_id: int) -> int | None:
        table = _table(role)
        async with self._engine.connect() as conn:
            chat = await conn.scalar(
                sa.select(col(table.telegram_chat_id)).where(
                    col(table.id) == person_id, col(table.active)
                )
            )
        return int(chat) if chat is not None else None

    async def unlink(self, role: str, person_id: int) -> None:
        await self._set(role, person_id, None)
        log.info("%s %s blocked the bot: chat unlinked", role, person_id)

    async def move(self, role: str, person_id: int, chat_id: int) -> None:
        await self._set(role, person_id, chat_id)

    async def _set(self, role: str, person_id: int, chat_id: int | None) -> None:
        table = _table(role)
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.update(table).where(col(table.id) == person_id).values(telegram_chat_id=chat_id)
            )


def _table(role: str) -> Any:
    try:
        return _TABLES[role]
    except KeyError:
        raise LookupError(
            f"no people with the role {role!r} (known: {', '.join(_TABLES)})"
        ) from None
