"""Gettext catalogs, read from the ``.po`` files at first use.

The ``.po`` file is the only thing shipped: it is compiled in memory when a language is first
needed, so a fresh install without a compile step still speaks every language it has.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

__all__ = ["DOMAIN", "LOCALES_DIR", "Catalogs", "LoadedCatalog"]

DOMAIN = "gemist"
# Installed wheels carry ``locales`` as a top-level package beside ``messages``.
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


@dataclass(frozen=True, slots=True)
class LoadedCatalog:
    """One language: its translations, and which Dutch texts it translates completely."""

    lang: str
    translations: Translations
    complete: frozenset[str]
    """msgids with a reviewed translation: not fuzzy, and every plural form filled in."""


class Catalogs:
    """The catalogs under one ``locales`` folder, loaded once per language."""

    def __init__(self, root: Path = LOCALES_DIR) -> None:
        self.root = root
        self._loaded: dict[str, LoadedCatalog | None] = {}
        self._lock = threading.Lock()

    def path(self, lang: str) -> Path:
        return self.root / lang / "LC_MESSAGES" / f"{DOMAIN}.po"

    def languages(self) -> list[str]:
        """The languages that have a catalog file, sorted."""
        return sorted(p.parent.parent.name for p in self.root.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))

    def get(self, lang: str) -> LoadedCatalog | None:
        """The catalog for ``lang``, or None when there is none."""
        with self._lock:
            if lang not in self._loaded:
                self._loaded[lang] = self._load(lang)
            return self._loaded[lang]

    def _load(self, lang: str) -> LoadedCatalog | None:
        path = self.path(lang)
        if not path.is_file():
            return None
        with path.open("rb") as file:
            catalog = read_po(file, locale=lang, domain=DOMAIN)
        compiled = BytesIO()
        write_mo(compiled, catalog)  # leaves fuzzy entries out, as msgfmt does
        compiled.seek(0)
        return LoadedCatalog(lang, Translations(compiled, domain=DOMAIN), _complete(catalog))


def _complete(catalog: Catalog) -> frozenset[str]:
    done: set[str] = set()
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, str):
            if isinstance(message.string, str) and message.string:
                done.add(message.id)
            continue
        # A plural entry: complete when every form the language has is filled in.
        strings = message.string if isinstance(message.string, tuple | list) else ()
        if len(strings) == catalog.num_plurals and all(strings):
            done.update(message.id)
    return frozenset(done)
