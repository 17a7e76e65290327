"""The languages Gemist speaks, and what Babel knows about them."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError

__all__ = [
    "AUTONYMS",
    "FAMILY_LANGUAGES",
    "SOURCE_LANGUAGE",
    "STAFF_LANGUAGES",
    "autonym",
    "cldr_autonym",
    "is_rtl",
    "normalize",
]

SOURCE_LANGUAGE = "nl"

# The languages families in Flemish schools speak most (issue 4); pupil and guardian texts
# are meant to exist in all of them. Until a catalog is complete, a template falls back to Dutch.
FAMILY_LANGUAGES = (
    "nl", "fr", "en", "de", "ar", "tr", "pl", "ro", "bg", "uk",
    "ru", "es", "pt", "it", "sq", "so", "ps", "fa", "ti",
)  # fmt: skip
STAFF_LANGUAGES = ("nl", "fr", "en")


def normalize(lang: str) -> str:
    """``pt-BR``, ``pt_br`` and ``PT_BR`` all become ``pt_BR``; an empty code means Dutch."""
    parts = lang.strip().replace("-", "_").split("_")
    if not parts[0]:
        return SOURCE_LANGUAGE
    return "_".join([parts[0].lower(), *(part.upper() for part in parts[1:])])


@cache
def is_rtl(lang: str) -> bool:
    """Whether the language is written right to left (ar, fa, ps; per CLDR, not a fixed list)."""
    try:
        return Locale.parse(normalize(lang)).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


# CLDR's names of the family languages in themselves, capitalised as a button shows them.
# Kept here because the language buttons are built at import and reading 19 locales' display
# names from Babel's data costs every command a tenth of a second at start;
# tests/messages/test_languages.py holds this table equal to what CLDR says.
AUTONYMS = {
    "nl": "Nederlands", "fr": "Français", "en": "English", "de": "Deutsch", "ar": "العربية",
    "tr": "Türkçe", "pl": "Polski", "ro": "Română", "bg": "Български", "uk": "Українська",
    "ru": "Русский", "es": "Español", "pt": "Português", "it": "Italiano", "sq": "Shqip",
    "so": "Soomaali", "ps": "پښتو", "fa": "فارسی", "ti": "ትግርኛ",
}  # fmt: skip


@cache
def autonym(lang: str) -> str:
    """The language's name in that language ("Türkçe"), as a reader looks for it."""
    known = AUTONYMS.get(lang)
    return known if known is not None else cldr_autonym(lang)


def cldr_autonym(lang: str) -> str:
    """The language's name in itself as CLDR gives it, with a capital first letter."""
    name = Locale.parse(normalize(lang)).get_display_name(normalize(lang)) or lang
    return name[:1].upper() + name[1:]
