"""The Telegram chats of the roster's people, as the Telegram channel needs them.

A pupil, a guardian and a staff member each have at most one linked chat (their ``telegram``
contact, :mod:`bot.contacts`). Someone who blocks the bot has that contact ``blocked``; a chat
id Telegram does not know (a wrong one in the roster) makes it ``bounced``. The planner then
reaches them on their next contact or treats them as unreachable (a pupil's guardians are
asked at once, for instance) until they link again, and tells their spilfiguur once, from the
contact's state.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.contacts import store as contacts
from bot.outbox.plugin import Refusal
from scheduler.clock import Clock

__all__ = ["DatabaseChats"]

log = logging.getLogger(__name__)

_WHAT = {Refusal.BLOCKED: "blocked the bot", Refusal.BOUNCED: "has a chat Telegram does not know"}


class DatabaseChats:
    """:class:`~integrations.telegram.channel.ChatDirectory` over the contacts: the Telegram
    side of what :class:`bot.channels.directory.RosterDirectory` gives every channel, with chat
    ids as numbers. ``clock`` dates a block."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def chat_of(self, role: str, person_id: int) -> int | None:
        async with self._engine.connect() as conn:
            chat = await contacts.active_address(conn, contacts.TELEGRAM, role, person_id)
        return None if chat is None else int(chat)

    async def unlink(self, role: str, person_id: int, why: Refusal = Refusal.BLOCKED) -> None:
        async with self._engine.begin() as conn:
            await contacts.refuse(conn, contacts.TELEGRAM, role, person_id, self._clock.now(), why)
        log.info("%s %s %s: chat unlinked", role, person_id, _WHAT[why])

    async def move(self, role: str, person_id: int, chat_id: int) -> None:
        """The chat became another (a group upgraded to a supergroup): same person, new id."""
        async with self._engine.begin() as conn:
            await contacts.move(
                conn, contacts.TELEGRAM, role, person_id, str(chat_id), self._clock.now()
            )
