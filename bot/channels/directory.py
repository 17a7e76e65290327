"""Where the channels find people's addresses: the roster in the database.

Today only Telegram's chats are kept (on the person tables, through
:class:`~bot.telegram.chats.DatabaseChats`); a channel without its addresses here finds nobody,
and its messages fail as "no address" rather than going anywhere else.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.telegram.chats import DatabaseChats

__all__ = ["RosterDirectory"]


class RosterDirectory:
    """:class:`~bot.outbox.plugin.Directory` over the roster tables."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._chats = DatabaseChats(engine)

    async def address_of(self, channel: str, role: str, person_id: int) -> str | None:
        if channel != "telegram":
            return None
        chat = await self._chats.chat_of(role, person_id)
        return None if chat is None else str(chat)

    async def forget(self, channel: str, role: str, person_id: int) -> None:
        if channel == "telegram":
            await self._chats.unlink(role, person_id)

    async def move(self, channel: str, role: str, person_id: int, address: str) -> None:
        if channel == "telegram":
            await self._chats.move(role, person_id, int(address))
