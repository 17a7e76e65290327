"""What the tone tests know about each language, one module per language.

A language joins the message tests by adding a module here (``de.py``, ``tr.py``, ...) next to
its complete catalog in ``locales/``; the module defines ``CUES``, a :class:`Cues`. One file per
language lets translators work side by side without touching each other's files.

The lists are written by a reader of the language: accusing, threatening, legal and money words
that must never reach a pupil, a parent or a colleague writing about a pupil (docs/domain.md,
principles 2 and 4), and the words that show a paragraph really offers help or a way to answer.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import cache

__all__ = ["Cues", "all_cues", "languages"]


@dataclass(frozen=True, slots=True)
class Cues:
    """One language's tone data.

    ``forbidden``: regular expressions matched case-insensitively where a word starts (so a stem
    catches its forms; add ``\\b`` for a whole word). ``guilty`` must be caught by them and
    ``innocent`` must not: a check that the list works. ``help`` and ``reply``: one regular
    expression each, found in every paragraph that offers help or a way to answer. ``choose``:
    the pattern of "choose <answer>" with the quoted label as its one group, or None when the
    translations never quote a button.

    ``tapping``: the words that tell the reader to tap, press or click, or that name a button,
    matched like ``forbidden``. A message may go out as an e-mail or a Smartschool message,
    where nothing can be tapped and the answers are links (issue 14): texts say "choose" or
    "answer" instead. ``tapped`` is the old wording of one such sentence, which the list must
    catch.
    """

    forbidden: tuple[str, ...]
    guilty: str
    innocent: str
    help: str
    reply: str
    choose: str | None = None
    tapping: tuple[str, ...] = ()
    tapped: str = ""

    def forbidden_pattern(self) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)(" + "|".join(self.forbidden) + ")", re.IGNORECASE)

    def tapping_pattern(self) -> re.Pattern[str]:
        return re.compile(r"(?<!\w)(" + "|".join(self.tapping) + ")", re.IGNORECASE)


@cache
def all_cues() -> dict[str, Cues]:
    """Every language with a module here, Dutch (the source) first."""
    found: dict[str, Cues] = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: (m.name != "nl", m.name)):
        cues = importlib.import_module(f"{__name__}.{module.name}").CUES
        if not isinstance(cues, Cues):
            raise TypeError(f"{module.name}.CUES is not a Cues")
        found[module.name] = cues
    return found


def languages() -> tuple[str, ...]:
    """The languages the message tests cover: Dutch, then the others in alphabetical order."""
    return tuple(all_cues())
