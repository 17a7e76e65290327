"""An answer that names no message, as a replies file gives it (``gemist simulate --replies``,
the tests' and the demo's scripted people): stored by the same rules as the live bot's."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.answers.replies import is_own_words, pupil_key, store_reply
from bot.answers.words import store_words
from bot.answers.written_in import detect
from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.engine.facts import SenderRole
from bot.outbox import write_transaction

__all__ = ["record_reply"]


async def record_reply(
    engine: AsyncEngine,
    *,
    school_id: str,
    pupil_id: str,
    sender_role: SenderRole,
    sender_id: str,
    answer: str,
    at: dt.datetime,
    channels: ChannelOrder = DEFAULT_ORDER,
) -> bool | None:
    """Store ``answer`` (a key, ``return:YYYY-MM-DD`` or own words) of the roster's
    ``sender_id`` about the roster's ``pupil_id``, given at ``at``, in a transaction of its own;
    own words reach the spilfiguur as ``channels`` (the school's order) choose.

    None for a pupil not on the roster; False when it was stored already (the same answer to
    the same message, the same words at the same instant) or, for own words, when they are
    stored but the pupil has no spilfiguur to pass them on to.
    """
    own_words = is_own_words(answer)
    # Like the live bot, the language of own words is recognised before they are stored.
    language = await asyncio.to_thread(detect, answer) if own_words else None
    async with write_transaction(engine) as conn:
        pupil = await pupil_key(conn, school_id, pupil_id)
        if pupil is None:
            return None
        if not own_words:
            return await store_reply(
                conn,
                school_id=school_id,
                pupil=pupil,
                sender_role=sender_role,
                sender_id=sender_id,
                answer=answer,
                at=at,
            )
        instant = at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        return await store_words(
            conn,
            school_id=school_id,
            pupil=pupil,
            sender_role=sender_role.value,
            sender_id=sender_id,
            language=language,
            text=answer,
            source=f"reply:{sender_role.value}:{sender_id}:{instant}",
            message_id=0,
            at=at,
            channels=channels,
        )
