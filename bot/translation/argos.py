"""Argos Translate as Gemist's local translation engine (``translation_engine = "argos"``).

Argos Translate (MIT licence) translates offline with OpenNMT models. It is an optional
dependency (``pip install 'gemist[translate]'``); the school installs the language packages it
wants as files (``argospm install translate-tr_en``, ``translate-en_nl``, ...), and Argos goes
through English where there is no direct package. Argos can also be set up, through its own
``ARGOS_MODEL_PROVIDER`` setting, to send text to LibreTranslate or OpenAI: Gemist refuses to
start with such a setting, because a family's words leave the school's machine only if the
school itself decides so, and this engine is the local one.
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from bot.translation import TranslationUnavailable

__all__ = ["ArgosTranslator"]

_INSTALL = "install it with: pip install 'gemist[translate]'"


class ArgosTranslator:
    """Translations through the Argos language packages installed on this machine."""

    name = "argos"

    def __init__(self, module: Any) -> None:
        self._argos = module
        self._lock = threading.Lock()  # the models are not meant to be shared between threads

    @classmethod
    def load(cls) -> ArgosTranslator:
        """The engine, once Argos is importable and set to translate on this machine."""
        try:
            settings = importlib.import_module("argostranslate.settings")
            translate = importlib.import_module("argostranslate.translate")
        except ImportError as err:
            raise TranslationUnavailable(
                f"translation_engine = 'argos' needs Argos Translate, which is not installed; "
                f"{_INSTALL}"
            ) from err
        provider = getattr(settings, "model_provider", None)
        if provider is not settings.ModelProvider.OPENNMT:
            raise TranslationUnavailable(
                "Argos Translate is set to translate through a network service "
                f"(ARGOS_MODEL_PROVIDER={getattr(provider, 'name', provider)}); Gemist only uses "
                "it offline: unset ARGOS_MODEL_PROVIDER"
            )
        return cls(translate)

    def translate(self, text: str, source: str, target: str) -> str | None:
        with self._lock:
            languages = {
                language.code: language for language in self._argos.get_installed_languages()
            }
            if source not in languages or target not in languages:
                return None
            way = languages[source].get_translation(languages[target])
            return None if way is None else str(way.translate(text))
