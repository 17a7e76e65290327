"""The secret that signs the answer links: the operator's ``web_secret``, or one Gemist makes
once and keeps in the database (:class:`~bot.models.SigningKey`), so that ``gemist run`` and
``gemist web`` (maybe on another machine) agree, and a restart keeps the links that went out
working. Two processes that start at once make one key between them: the first insert wins
and both read it back."""

from __future__ import annotations

import datetime as dt
import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.models import SigningKey

__all__ = ["LINKS_KEY", "stored_secret"]

LINKS_KEY = "links"


async def stored_secret(engine: AsyncEngine, now: dt.datetime) -> bytes:
    """The database's signing key for the links, made at the first call ever."""
    found = await _read(engine)
    if found is None:
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    sa.insert(SigningKey).values(
                        name=LINKS_KEY, value=secrets.token_urlsafe(48), created_at=now
                    )
                )
        except IntegrityError:  # another process made it a moment ago: theirs is the key
            pass
        found = await _read(engine)
    if found is None:
        raise RuntimeError("the links' signing key could not be stored")
    return found.encode()


async def _read(engine: AsyncEngine) -> str | None:
    async with engine.connect() as conn:
        value = await conn.scalar(
            sa.select(col(SigningKey.value)).where(col(SigningKey.name) == LINKS_KEY)
        )
    return str(value) if value is not None else None
