"""Someone blocks the bot: Telegram's ``my_chat_member`` update, noticed when it happens.

Telegram tells a bot that asked for ``my_chat_member`` updates when a person blocks it in
their private chat: the bot's new status there is ``kicked``. Without that update, Gemist
would learn of the block only when its next message is refused (``403``,
:mod:`integrations.telegram.channel`), perhaps days later. Both ways end the same:

- the Telegram contact of everyone the chat was linked to becomes ``blocked`` as of that
  moment (:meth:`DatabaseChats.unlink`'s effect), so the planner plans around the person (a
  pupil's guardians are asked at once, ...) and, for a pupil or a guardian, tells the
  spilfiguur once from the contact's state (``coordinator_nudge``, reason ``unreachable``);
- for a pupil or a guardian, the outbox keeps the same trace a refused message leaves, for
  the audit trail: a row with status ``failed`` and ``last_error`` ``blocked_by_user: ...``
  (kind :data:`BLOCK_KIND`, about no pupil and never sent).

Both happen in one transaction. A replayed update changes nothing (the row's idempotency key
names the update). Unblocking (``kicked`` to ``member``) does nothing by itself: the person
links again with ``/start`` and a code, as after ``/stop``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import ChatMember, Update
from telegram.ext import ContextTypes

from bot.contacts import ContactState
from bot.contacts import store as contacts
from bot.domain import OutreachKind
from bot.outbox import PlannedOutreach, write_transaction
from bot.outbox import store as outbox
from bot.outbox.channel import DeliveryOutcome
from bot.outbox.records import Status
from bot.outbox.tables import OUTREACH, record
from bot.telegram import invites
from bot.telegram.invites import Linked

if TYPE_CHECKING:
    from bot.telegram.conversation import Conversation

__all__ = ["BLOCK_KIND", "on_member", "record_block"]

log = logging.getLogger(__name__)

BLOCK_KIND = OutreachKind.TELEGRAM_BLOCK
"""The kind of the outbox row that records a block Telegram told of."""


async def on_member(
    conversation: Conversation, update: Update, context: ContextTypes.DEFAULT_TYPE
) -> None:
    """The bot's own membership of a chat changed: a block is acted on, the rest ignored."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    if change.new_chat_member.status != ChatMember.BANNED:
        return
    people = await invites.linked(conversation.engine, change.chat.id)
    if not people:
        return
    await record_block(
        conversation.engine, people, at=conversation.clock.now(), update_id=update.update_id
    )
    log.info("chat %s blocked the bot: unlinked from %d people", change.chat.id, len(people))
    conversation.news()


async def record_block(
    engine: AsyncEngine, people: Sequence[Linked], *, at: dt.datetime, update_id: int
) -> None:
    """Mark the chat of ``people`` (everyone it was linked to) blocked and leave for each pupil or
    guardian among them the outbox's trace of a block; one transaction."""
    outcome = DeliveryOutcome.blocked_by_user("my_chat_member: kicked").describe()
    async with write_transaction(engine) as conn:
        for person in people:
            await contacts.set_state(
                conn, person.role, person.person_id, contacts.TELEGRAM, ContactState.BLOCKED, at
            )
        family = [person for person in people if person.role in ("pupil", "guardian")]
        planned = [_trace(person, at, update_id) for person in family]
        stored = await outbox.plan(conn, planned, at)
        for row in stored.values():
            await conn.execute(
                sa.update(OUTREACH)
                .where(OUTREACH.c.id == row)
                .values(status=Status.FAILED.value, last_error=outcome, updated_at=at)
            )
        failed = [(row, Status.PLANNED, Status.FAILED, outcome) for row in stored.values()]
        await record(conn, at, failed)


def _trace(person: Linked, at: dt.datetime, update_id: int) -> PlannedOutreach:
    return PlannedOutreach(
        school_id=person.school_id,
        idempotency_key=f"blocked:{person.school_id}:{person.role}:{person.person_id}:{update_id}",
        kind=BLOCK_KIND,
        recipient_role=person.role,
        recipient_id=person.person_id,
        channel="telegram",
        lang=person.lang,
        due_at=at,
        expires_at=at + dt.timedelta(seconds=1),
    )
