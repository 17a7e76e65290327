"""The roster's Telegram chats on both backends: found, unlinked when blocked, moved."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.contacts.store import link_chat
from bot.models import Contact, Pupil
from bot.telegram import DatabaseChats
from tests.helpers.contacts import NOW
from tests.helpers.seed import seed_pupils


async def _pupil(engine, pupil_id: str) -> int:
    async with engine.connect() as conn:
        return int(
            await conn.scalar(sa.select(col(Pupil.id)).where(col(Pupil.pupil_id) == pupil_id))
        )


async def _link(engine, row_id: int, chat: int | None, *, active: bool = True) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.update(Pupil).where(col(Pupil.id) == row_id).values(active=active))
        school = await conn.scalar(sa.select(col(Pupil.school_id)).where(col(Pupil.id) == row_id))
        if chat is not None:
            await link_chat(conn, str(school), "pupil", row_id, chat, NOW)


async def test_a_linked_pupil_has_a_chat_and_others_have_none(engine, clock):
    await seed_pupils(engine, clock, ["P1", "P2", "P3"])
    p1, p2, p3 = [await _pupil(engine, p) for p in ("P1", "P2", "P3")]
    await _link(engine, p1, 7_000_000_001)
    await _link(engine, p3, 7_000_000_003, active=False)  # left the school
    chats = DatabaseChats(engine, clock)

    assert await chats.chat_of("pupil", p1) == 7_000_000_001
    assert await chats.chat_of("pupil", p2) is None
    assert await chats.chat_of("pupil", p3) is None
    assert await chats.chat_of("guardian", p1) is None  # another table, no such guardian


async def test_a_blocked_chat_is_unlinked_and_a_migrated_one_moves(engine, clock):
    await seed_pupils(engine, clock, ["P1", "P2"])
    p1, p2 = await _pupil(engine, "P1"), await _pupil(engine, "P2")
    await _link(engine, p1, 11)
    await _link(engine, p2, -100_22)
    chats = DatabaseChats(engine, clock)

    await chats.unlink("pupil", p1)
    await chats.move("pupil", p2, -100_000_000_022)

    assert await chats.chat_of("pupil", p1) is None
    assert await chats.chat_of("pupil", p2) == -100_000_000_022
    # The block is the contact's state, kept with the chat (not a guess from a failed message).
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(col(Contact.person_id), col(Contact.address), col(Contact.state))
            .where(col(Contact.channel) == "telegram")
            .order_by(col(Contact.person_id))
        )
        assert [tuple(row) for row in rows] == [
            (p1, "11", "blocked"),
            (p2, "-100000000022", "active"),
        ]


async def test_an_unknown_role_is_a_clear_error(engine, clock):
    with pytest.raises(LookupError, match="no people with the role 'parent'"):
        await DatabaseChats(engine, clock).chat_of("parent", 1)
