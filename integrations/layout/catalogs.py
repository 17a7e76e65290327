"""A channel's own words in a gettext domain of their own, read and compiled in memory at first
use like the messages' catalogs: ``locales/<lang>/LC_MESSAGES/<domain>.po``."""

from __future__ import annotations

import gettext
import threading
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from messages import normalize_language

__all__ = ["LOCALES_DIR", "Catalogs"]

# Installed wheels carry ``locales`` as a top-level package beside ``integrations``.
LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"


class Catalogs:
    """The catalogs of ``domain`` under one ``locales`` folder, each compiled once."""

    def __init__(self, domain: str, root: Path = LOCALES_DIR) -> None:
        self.domain = domain
        self.root = root
        self._loaded: dict[str, gettext.NullTranslations] = {}
        self._lock = threading.Lock()

    def path(self, lang: str) -> Path:
        return self.root / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def languages(self) -> list[str]:
        """The languages with a catalog of the domain, sorted."""
        found = self.root.glob(f"*/LC_MESSAGES/{self.domain}.po")
        return sorted(p.parent.parent.name for p in found)

    def get(self, lang: str) -> gettext.NullTranslations:
        """The translations for ``lang`` (``pt_BR`` falls back to ``pt``); Dutch, the msgids
        themselves, when there is no catalog."""
        code = normalize_language(lang)
        with self._lock:
            for candidate in (code, code.split("_")[0]):
                if candidate not in self._loaded and self.path(candidate).is_file():
                    self._loaded[candidate] = self._load(candidate)
                if candidate in self._loaded:
                    return self._loaded[candidate]
        return gettext.NullTranslations()

    def _load(self, lang: str) -> gettext.NullTranslations:
        with self.path(lang).open("rb") as file:
            catalog = read_po(file, locale=lang, domain=self.domain)
        compiled = BytesIO()
        write_mo(compiled, catalog)  # leaves fuzzy entries out, as msgfmt does
        compiled.seek(0)
        return Translations(compiled, domain=self.domain)
