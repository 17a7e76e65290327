"""The pages' language: their own gettext domain, ``web`` (``locales/<lang>/LC_MESSAGES/web.po``,
apart from the messages' ``gemist.po``), with Dutch as the source.

A page speaks the reader's language. A guardian reads every line in their language with the
Dutch original under it (as in the messages themselves: the language law asks schools to write
to parents in Dutch, a translation may go with it): :class:`Said` renders both, each with its
own ``lang`` and ``dir``. A page for nobody in particular (a link that does not work) takes the
browser's language among the families' (``Accept-Language``).

Catalogs are compiled in memory at first use, as the messages' are; an entry still marked fuzzy
is left out, so an unreviewed line shows in Dutch rather than wrong. Catalog work, from the
repository root (``bot/web/babel.cfg`` names the templates and the code)::

    pybabel extract -F bot/web/babel.cfg -k _ -k gettext --no-location --sort-output \
        --width=100 --project=Gemist -o locales/web.pot .
    pybabel update -i locales/web.pot -d locales -D web --width=100 --no-fuzzy-matching \
        --ignore-obsolete
    pybabel init -i locales/web.pot -d locales -D web -l de   # a new language

``tests/bot/web/test_catalogs.py`` checks that the template is up to date and every family
language translates every line with the same placeholders.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from markupsafe import escape

from messages import FAMILY_LANGUAGES, SOURCE_LANGUAGE, is_rtl, normalize_language

__all__ = ["DOMAIN", "LOCALES_DIR", "Reader", "Said", "WebCatalogs", "browser_language"]

DOMAIN = "web"
LOCALES_DIR = Path(__file__).resolve().parent.parent.parent / "locales"


def direction(lang: str) -> str:
    return "rtl" if is_rtl(lang) else "ltr"


@dataclass(frozen=True, slots=True)
class Said:
    """One line of a page in the reader's language, and for a guardian who reads another
    language than Dutch, the Dutch original too (``original``)."""

    text: str
    original: str | None = None

    def __mod__(self, values: Mapping[str, object]) -> Said:
        original = self.original % values if self.original is not None else None
        return Said(self.text % values, original)

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> str:
        """Escaped, as Jinja's autoescape asks; the original in a span of its own language."""
        html = str(escape(self.text))
        if self.original is None:
            return html
        return f'{html}<span class="original" lang="nl" dir="ltr">{escape(self.original)}</span>'


class WebCatalogs:
    """The ``web`` catalogs (or another domain's: the desk's ``desk``) under one ``locales``
    folder, loaded once per language."""

    def __init__(self, root: Path = LOCALES_DIR, domain: str = DOMAIN) -> None:
        self.root = root
        self.domain = domain
        self._loaded: dict[str, NullTranslations] = {}
        self._lock = threading.Lock()

    def path(self, lang: str) -> Path:
        return self.root / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def get(self, lang: str) -> NullTranslations:
        """The translations into ``lang``; Dutch (the source) and a language without a
        catalog get the source texts."""
        with self._lock:
            if lang not in self._loaded:
                self._loaded[lang] = self._load(lang)
            return self._loaded[lang]

    def _load(self, lang: str) -> NullTranslations:
        path = self.path(lang)
        if lang == SOURCE_LANGUAGE or not path.is_file():
            return NullTranslations()
        with path.open("rb") as file:
            catalog = read_po(file, locale=lang, domain=self.domain)
        compiled = BytesIO()
        write_mo(compiled, catalog)  # without fuzzy entries
        compiled.seek(0)
        return Translations(compiled, domain=self.domain)


@dataclass(frozen=True, slots=True)
class Reader:
    """Who a page speaks to: their language, and whether the Dutch original goes with it."""

    lang: str
    translations: NullTranslations
    with_dutch: bool = False

    @classmethod
    def of(cls, catalogs: WebCatalogs, lang: str, *, guardian: bool = False) -> Reader:
        """The reader of ``lang`` (a family language; anything else reads Dutch)."""
        code = normalize_language(lang).split("_")[0]
        if code not in FAMILY_LANGUAGES:
            code = SOURCE_LANGUAGE
        dutch = guardian and code != SOURCE_LANGUAGE
        return cls(code, catalogs.get(code), dutch)

    @property
    def dir(self) -> str:
        return direction(self.lang)

    def gettext(self, text: str) -> Said:
        translated = self.translations.gettext(text)
        return Said(translated, text if self.with_dutch else None)

    def context(self) -> dict[str, Any]:
        """What every template gets: ``_``, the page's ``lang`` and ``dir``."""
        return {"_": self.gettext, "lang": self.lang, "dir": self.dir}


def browser_language(header: str | None) -> str:
    """The first family language the browser asks for (``Accept-Language``), else Dutch."""
    wanted: list[tuple[float, str]] = []
    for index, item in enumerate((header or "").split(",")[:20]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            wanted.append((-quality + index * 1e-6, tag.strip().replace("-", "_")))
    preferred = [tag for _, tag in sorted(wanted)]
    found = negotiate_locale(preferred, list(FAMILY_LANGUAGES), sep="_")
    if found is None:
        return SOURCE_LANGUAGE
    try:
        return Locale.parse(found).language
    except (ValueError, UnknownLocaleError):
        return SOURCE_LANGUAGE
