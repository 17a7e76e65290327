"""Where the channels find people's addresses: their contacts in the database (:mod:`bot.contacts`).

One directory for every channel: a channel asks for the address of the person a row is for on
its own name (a chat id on ``telegram``, an address on ``email``) and gets it only while that
contact is ``active`` and the person is still on the roster. When the channel learns that the
address will never work, it calls :meth:`RosterDirectory.forget` with the reason: the contact
ends as ``blocked`` (the person blocked the bot: Telegram's 403) or ``bounced`` (the address is
no good: an e-mail server's 5xx for the recipient, a chat id Telegram does not know), dated by
the clock, and the planner reaches the person on their next contact, or nowhere, and tells
their spilfiguur once, with that reason.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.contacts import store as contacts
from bot.outbox.plugin import Refusal
from scheduler.clock import Clock

__all__ = ["RosterDirectory"]

log = logging.getLogger(__name__)


class RosterDirectory:
    """:class:`~bot.outbox.plugin.Directory` over the ``contact`` table. ``clock`` dates the
    changes (a replay's virtual one, too): the spilfiguur is told about the day it happened."""

    def __init__(self, engine: AsyncEngine, clock: Clock) -> None:
        self._engine = engine
        self._clock = clock

    async def address_of(self, channel: str, role: str, person_id: int) -> str | None:
        async with self._engine.connect() as conn:
            return await contacts.active_address(conn, channel, role, person_id)

    async def forget(
        self, channel: str, role: str, person_id: int, why: Refusal | None = None
    ) -> None:
        async with self._engine.begin() as conn:
            state = await contacts.refuse(conn, channel, role, person_id, self._clock.now(), why)
        if state is not None:
            log.info("%s %s: their %s contact is now %s", role, person_id, channel, state.value)

    async def move(self, channel: str, role: str, person_id: int, address: str) -> None:
        async with self._engine.begin() as conn:
            await contacts.move(conn, channel, role, person_id, address, self._clock.now())
