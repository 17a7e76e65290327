"""Reading a family's words in another language: whether the spilfiguur needs help with them,
and a machine translation when the school chose a local engine.

A parent writes in Arabic, Turkish or Pashto; the spilfiguur reads Dutch. The forwarded message
then says plainly which language it is (:func:`reading_aid`) and either

- shows a machine translation below the original, labelled as one, when the school configured
  a translation engine (``translation_engine``), or
- suggests asking an interpreter, as the school does for a conversation with parents.

Nothing is translated by default. An engine is named explicitly in the configuration and runs
on the school's own machine: a family's words are personal data, and sending them to an online
service is a choice only the school can make, which Gemist does not make for it. The engines
are optional dependencies, installed on demand (``pip install 'gemist[translate]'`` for Argos
Translate, whose language packages the school installs as files).

A coordinator is taken to read their own language and Dutch, the school's language: a Dutch
message to a French-speaking coordinator of a Flemish school needs no interpreter.
"""

from __future__ import annotations

import logging
from typing import Protocol

from bot.config import TRANSLATION_ENGINES
from messages import SOURCE_LANGUAGE, normalize_language

__all__ = [
    "ENGINES",
    "TranslationUnavailable",
    "Translator",
    "foreign",
    "machine_translation",
    "reading_aid",
    "translator_named",
]

log = logging.getLogger(__name__)

ENGINES = TRANSLATION_ENGINES
"""The engines a school can name in ``translation_engine``; each runs on its own machine."""


class TranslationUnavailable(Exception):
    """The configured engine cannot run here (its package or language files are missing)."""


class Translator(Protocol):
    """A local translation engine."""

    name: str
    """How the configuration names it (``argos``)."""

    def translate(self, text: str, source: str, target: str) -> str | None:
        """``text``, written in ``source``, in ``target`` (language codes such as ``tr``,
        ``nl``); None when the engine has no way between the two languages."""
        ...


def translator_named(name: str) -> Translator:
    """The engine the configuration names. Raises :class:`TranslationUnavailable` saying what
    to install when it cannot run, and ``ValueError`` for a name Gemist does not know."""
    if name == "argos":
        from bot.translation.argos import ArgosTranslator

        return ArgosTranslator.load()
    raise ValueError(f"unknown translation engine {name!r} (known: {', '.join(ENGINES)})")


def _primary(lang: str) -> str:
    return normalize_language(lang).split("_")[0]


def foreign(written_in: str | None, reader: str) -> bool:
    """Whether words ``written_in`` a language (None: not recognised) are in a language the
    reader, whose language is ``reader``, may not read: neither theirs nor Dutch."""
    if not written_in:
        return False
    return _primary(written_in) not in {_primary(reader), SOURCE_LANGUAGE}


def machine_translation(
    translator: Translator | None, text: str, written_in: str | None, reader: str
) -> str | None:
    """``text`` translated for the reader by ``translator``, when it is foreign to them and the
    engine can do it; None otherwise. A failing engine is logged (without the words) and the
    message goes on without a translation: a family's words are never held up by it."""
    if translator is None or written_in is None or not foreign(written_in, reader):
        return None
    try:
        translated = translator.translate(text, _primary(written_in), _primary(reader))
    except Exception as err:  # an engine's failure must not lose the family's message
        # Only the kind of error: an engine's message could quote the words.
        log.warning("the %s translation engine failed: %s", translator.name, type(err).__name__)
        return None
    if translated is None or not translated.strip():
        return None
    return translated.strip()


def reading_aid(written_in: str | None, reader: str, translation: str | None) -> str:
    """What a forwarded message adds for its reader, as the part of its template variant:
    ``translated`` (a machine translation below the words), ``foreign`` (the language is named
    and an interpreter suggested), or nothing (the reader can read it, or it was not
    recognised)."""
    if not foreign(written_in, reader):
        return ""
    return "translated" if translation else "foreign"
