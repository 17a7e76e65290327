"""A pupil's, a parent's or a coordinator's answer about a pupil, stored as a
:class:`~bot.models.Reply` under the episode rules of :mod:`bot.answers.episodes`.

Every function writes in the caller's transaction, so that a caller keeps its own order (the
inbox stores first, then the person is thanked).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.answers.episodes import MessageRow, latest_episode, latest_to
from bot.engine.facts import NOTICE_DECISION_PREFIX, RETURN_PREFIX, Answer, SenderRole
from bot.models import Guardian, Pupil, Reply

__all__ = ["insert_reply", "is_own_words", "pupil_key", "store_reply", "store_return", "store_tap"]


def is_own_words(answer: str) -> bool:
    """Whether ``answer`` is a person's own words rather than a button's key."""
    return answer not in Answer.__members__.values() and not answer.startswith(
        (RETURN_PREFIX, NOTICE_DECISION_PREFIX)
    )


async def store_tap(
    conn: AsyncConnection,
    *,
    row: MessageRow,
    sender_role: str,
    sender_id: str,
    answer: str,
    at: dt.datetime,
) -> bool:
    """Store ``answer`` to the message ``row`` (rule 1); False when the row is about no pupil
    or this very answer to it is stored already (a second tap, a replayed update)."""
    if row.pupil_id is None or await _answered(conn, row.id, answer):
        return False
    await insert_reply(
        conn, row.school_id, row.pupil_id, (sender_role, sender_id), answer, at, row.episode, row.id
    )
    return True


async def store_reply(
    conn: AsyncConnection,
    *,
    school_id: str,
    pupil: int,
    sender_role: SenderRole,
    sender_id: str,
    answer: str,
    at: dt.datetime,
) -> bool:
    """Store a pupil's or a guardian's key ``answer`` about ``pupil`` that names no message
    (rule 2, else rule 3); False when it answers a message this very answer is stored for
    already. Own words go through :func:`bot.answers.words.store_words` instead."""
    row = None
    recipient = await _recipient(conn, school_id, pupil, sender_role, sender_id)
    if recipient is not None:
        row = await latest_to(conn, pupil, sender_role.value, recipient, at)
    if row is not None:
        return await store_tap(
            conn, row=row, sender_role=sender_role.value, sender_id=sender_id, answer=answer, at=at
        )
    episode = await latest_episode(conn, pupil, at)
    await insert_reply(conn, school_id, pupil, (sender_role.value, sender_id), answer, at, episode)
    return True


async def store_return(
    conn: AsyncConnection, row: MessageRow, *, sender_id: str, back: dt.date, at: dt.datetime
) -> bool:
    """The spilfiguur's return date chosen under the message ``row`` (a nudge, which may be
    about the school year rather than one absence), stored as their ``return:`` answer about
    the pupil's latest episode (rule 3); False when this very date was stored from ``row``."""
    answer = f"{RETURN_PREFIX}{back.isoformat()}"
    if row.pupil_id is None or await _answered(conn, row.id, answer):
        return False
    episode = await latest_episode(conn, row.pupil_id, at)
    sender = (SenderRole.COORDINATOR.value, sender_id)
    await insert_reply(conn, row.school_id, row.pupil_id, sender, answer, at, episode, row.id)
    return True


async def pupil_key(conn: AsyncConnection, school_id: str, pupil_id: str) -> int | None:
    """The database's id of the roster's pupil ``pupil_id``; None for a pupil not on it."""
    found = await conn.scalar(
        sa.select(col(Pupil.id)).where(
            col(Pupil.school_id) == school_id, col(Pupil.pupil_id) == pupil_id
        )
    )
    return int(found) if found is not None else None


async def insert_reply(
    conn: AsyncConnection,
    school_id: str,
    pupil: int,
    sender: tuple[str, str],
    answer: str,
    at: dt.datetime,
    episode: str | None,
    outreach_id: int | None = None,
) -> None:
    """One answer about a pupil; ``sender`` is the role and the roster id of who gave it,
    ``outreach_id`` the message it answers (None: none in particular)."""
    await conn.execute(
        sa.insert(Reply).values(
            school_id=school_id,
            pupil_id=pupil,
            sender_role=sender[0],
            sender_id=sender[1],
            answer=answer,
            received_at=at,
            episode_key=episode,
            outreach_id=outreach_id,
        )
    )


async def _answered(conn: AsyncConnection, outreach_id: int, answer: str) -> bool:
    known = await conn.scalar(
        sa.select(col(Reply.id)).where(
            col(Reply.outreach_id) == outreach_id, col(Reply.answer) == answer
        )
    )
    return known is not None


async def _recipient(
    conn: AsyncConnection, school_id: str, pupil: int, role: SenderRole, sender_id: str
) -> int | None:
    """The database's id of the sender as a recipient of messages about ``pupil``: the pupil
    themself, or a guardian of the school; None when the sender is neither."""
    if role is SenderRole.PUPIL:
        own = await conn.scalar(sa.select(col(Pupil.pupil_id)).where(col(Pupil.id) == pupil))
        return pupil if own == sender_id else None
    if role is SenderRole.GUARDIAN:
        found = await conn.scalar(
            sa.select(col(Guardian.id)).where(
                col(Guardian.school_id) == school_id, col(Guardian.guardian_id) == sender_id
            )
        )
        return int(found) if found is not None else None
    return None
