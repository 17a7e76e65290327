"""The language a pupil or a parent wrote in, recognised offline, or honestly not at all.

The spilfiguur reads the forwarded words with the language they were written in, so that they
know whether an interpreter is needed. That is the language of the text, not the one on the
roster: a parent whose roster language is Arabic often writes in Dutch.

:func:`detect` uses py3langid (a naive Bayes classifier over byte n-grams, BSD licence, its model
shipped inside the package: nothing is downloaded, nothing leaves the machine). It knows all
the languages Gemist speaks but Tigrinya, and many more; measured on a parent's sentence in
each of the 19 (docs/telegram.md, "Free text"), it names every one but Tigrinya right. Two
rules keep it honest:

- a text is named only when the classifier's probability (normalised over its languages)
  reaches :data:`CONFIDENT` and the text has :data:`MIN_LETTERS` letters: "ok", "merci" or an
  emoji are "language not recognised" (None), never a confident wrong guess;
- Ethiopic script is Tigrinya or Amharic, which the classifier cannot tell apart (it says
  Amharic for both): a text with a letter that only Tigrinya writes (ኣ, and the ቐ series) is
  Tigrinya, anything else in that script is not recognised.

Regional forms are named by their language (Moroccan Arabic ``ary`` is Arabic), and a code
that has no name to show is not recognised. The model takes about 1.5 s to load, once, at the
first text; callers in the event loop run :func:`detect` in a thread.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import cache
from typing import Any

from babel import Locale, UnknownLocaleError

__all__ = ["CONFIDENT", "MIN_LETTERS", "detect"]

CONFIDENT = 0.65
"""The probability from which a language is named."""
MIN_LETTERS = 6
"""Fewer letters than this say too little about a language to name it."""
_TIGRINYA_ONLY = frozenset("ኣ") | frozenset(map(chr, range(0x1250, 0x125E)))
"""Ethiopic letters Tigrinya writes and Amharic does not: ኣ, and ቐ with its forms."""
_ETHIOPIC = range(0x1200, 0x1400)
_SAME_LANGUAGE = {"ary": "ar", "arz": "ar", "apc": "ar", "prs": "fa"}
_lock = threading.Lock()


def detect(text: str) -> str | None:
    """The language code ``text`` is written in (``nl``, ``ar``, ``ti``), or None when it
    cannot be said with confidence."""
    letters = [char for char in text if char.isalpha()]
    if len(letters) < MIN_LETTERS:
        return None
    ethiopic = sum(ord(char) in _ETHIOPIC for char in letters)
    if ethiopic * 2 > len(letters):
        return "ti" if _TIGRINYA_ONLY & set(letters) else None
    with _lock:  # the classifier keeps scratch state between calls
        code, probability = _identifier().classify(unicodedata.normalize("NFC", text))
    if probability < CONFIDENT:
        return None
    code = _SAME_LANGUAGE.get(str(code), str(code))
    return code if _nameable(code) else None


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@cache
def _nameable(code: str) -> bool:
    try:
        return bool(Locale.parse(code).get_language_name("nl"))
    except (ValueError, UnknownLocaleError):
        return False
