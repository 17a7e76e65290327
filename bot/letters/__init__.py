"""Printable invitation letters (``gemist invite --pdf``): one A4 page per invited person.

Each page says, in the reader's language (for a guardian: the translation, then the Dutch
original), what Gemist is, how to link a phone by scanning the QR code or opening the link,
until when the personal code works, how to stop, and whom to ask at the school.

- :func:`find_fonts` checks the system fonts first (:class:`FontsMissing` names what is
  missing and the package that has it), so that nothing is made or written without them;
- :func:`compose_letters` renders the texts from the messages registry;
- :func:`letters_pdf` lays them out, with the QR code drawn as vector modules.
"""

from __future__ import annotations

from bot.letters._content import TEMPLATES, Letter, compose_letters
from bot.letters._fonts import FACES, FONT_DIRS, PACKAGE, Face, FontsMissing, find_fonts
from bot.letters._pdf import QR_MM, letters_pdf, qr_placement
from bot.letters._qr import ERROR_LEVEL, QUIET_ZONE, dark_runs, qr_matrix

__all__ = [
    "ERROR_LEVEL",
    "FACES",
    "FONT_DIRS",
    "PACKAGE",
    "QR_MM",
    "QUIET_ZONE",
    "TEMPLATES",
    "Face",
    "FontsMissing",
    "Letter",
    "compose_letters",
    "dark_runs",
    "find_fonts",
    "letters_pdf",
    "qr_matrix",
    "qr_placement",
]
