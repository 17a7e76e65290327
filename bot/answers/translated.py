"""A family's words machine-translated for their spilfiguur, when the school chose an engine:
for words written in the chat and on the web application's page alike.

Without an engine nothing is looked up and nothing is translated. With one, the words are
translated into the spilfiguur's language when they are in a language the spilfiguur may not
read (:func:`bot.translation.foreign`), in a thread (a model takes a while), for at most
:data:`TIMEOUT`: the words go on without a translation rather than wait longer.
"""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.models import Staff
from bot.translation import Translator, foreign, machine_translation

__all__ = ["TIMEOUT", "translation_for"]

log = logging.getLogger(__name__)

TIMEOUT = 20.0
"""Seconds a translation may take before the words go on without it."""


async def translation_for(
    engine: AsyncEngine,
    translator: Translator | None,
    spilfiguur: int | None,
    written_in: str | None,
    text: str,
) -> str | None:
    """``text`` (written in ``written_in``) translated for the staff member ``spilfiguur``
    (their database id), or None: no engine, no spilfiguur, a language they read, or no
    translation to be had."""
    if translator is None or written_in is None or spilfiguur is None:
        return None
    async with engine.connect() as conn:
        reader = await conn.scalar(
            sa.select(col(Staff.language)).where(col(Staff.id) == spilfiguur)
        )
    if reader is None or not foreign(written_in, str(reader)):
        return None
    work = asyncio.to_thread(machine_translation, translator, text, written_in, str(reader))
    try:
        return await asyncio.wait_for(work, TIMEOUT)
    except TimeoutError:
        log.warning(
            "the %s translation took more than %s s: passed on without", translator.name, TIMEOUT
        )
        return None
