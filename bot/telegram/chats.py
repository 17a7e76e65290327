"""The Telegram chats of the roster's people, as the Telegram channel needs them.

A pupil, a guardian and a staff member each have at most one linked chat (their ``telegram``
contact, :mod:`bot.contacts`). Someone who blocks the bot has that contact ``blocked``: the
planner then treats them as unreachable (a pupil's guardians are asked at once, for
instance) until they link again, and the dispatcher reports the failed message to the
coordinator.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.contacts import ContactState
from bot.contacts import store as contacts
from bot.models import Contact, Guardian, Pupil, Staff

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
            active = await conn.scalar(
                sa.select(col(table.active)).where(col(table.id) == person_id)
            )
            if not active:
                return None
            return await contacts.telegram_chat(conn, role, person_id)

    async def unlink(self, role: str, person_id: int) -> None:
        _table(role)
        async with self._engine.begin() as conn:
            await contacts.set_state(
                conn, role, person_id, contacts.TELEGRAM, ContactState.BLOCKED, _now()
            )
        log.info("%s %s blocked the bot: chat unlinked", role, person_id)

    async def move(self, role: str, person_id: int, chat_id: int) -> None:
        """The chat became another (a group upgraded to a supergroup): same person, new id."""
        _table(role)
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.update(Contact)
                .where(
                    col(Contact.role) == contacts.person_role(role),
                    col(Contact.person_id) == person_id,
                    col(Contact.channel) == contacts.TELEGRAM,
                )
                .values(address=str(chat_id), since=_now())
            )


def _now() -> dt.datetime:
    # The channel that calls these has no clock of its own; the time only dates the change.
    return dt.datetime.now(dt.UTC)


def _table(role: str) -> Any:
    try:
        return _TABLES[role]
    except KeyError:
        raise LookupError(
            f"no people with the role {role!r} (known: {', '.join(_TABLES)})"
        ) from None
