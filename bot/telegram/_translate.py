"""A family's words in the chat, machine-translated for the spilfiguur of the pupil they are
about (:mod:`bot.answers.translated`, shared with the web application's page)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.answers.translated import TIMEOUT
from bot.answers.translated import translation_for as _for_spilfiguur
from bot.telegram._store import Pupilship
from bot.translation import Translator

__all__ = ["TIMEOUT", "translation_for"]


async def translation_for(
    engine: AsyncEngine,
    translator: Translator | None,
    pupil: Pupilship,
    written_in: str | None,
    text: str,
) -> str | None:
    """``text`` (written in ``written_in``) translated for the spilfiguur of ``pupil``, or
    None: no engine, no spilfiguur, a language they read, or no translation to be had."""
    return await _for_spilfiguur(engine, translator, pupil.spilfiguur_id, written_in, text)
