"""The system fonts the letters are set in, found before anything is written.

The letters use the Noto fonts of the operating system rather than fonts shipped in the
repository: they are large, and Debian keeps them up to date (``fonts-noto-core``). Noto Sans
covers Latin and Cyrillic, Noto Naskh Arabic the Arabic script (Arabic, Persian, Pashto: it
has the Persian and Pashto letters), Noto Sans Ethiopic Tigrinya. All of them are required,
not only those of the languages at hand: the check must come before the invitations are made
(making them revokes the earlier codes), when who is invited is not known yet, and a name in
any script may need a fallback font.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from messages import normalize_language

__all__ = [
    "FACES",
    "FONT_DIRS",
    "PACKAGE",
    "Face",
    "FontsMissing",
    "family_for",
    "find_fonts",
]

FONT_DIRS: tuple[Path, ...] = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
"""Where fonts are searched, recursively (Debian puts Noto in ``truetype/noto``)."""
PACKAGE = "fonts-noto-core"
"""The Debian package that has every face below."""

SANS, ARABIC, ETHIOPIC = "sans", "naskh", "ethiopic"


@dataclass(frozen=True, slots=True)
class Face:
    """One font file, under the family name and style the layout asks fpdf2 for."""

    family: str
    style: str  # "" regular, "B" bold
    file: str
    name: str  # as a person looks for it


FACES = (
    Face(SANS, "", "NotoSans-Regular.ttf", "Noto Sans"),
    Face(SANS, "B", "NotoSans-Bold.ttf", "Noto Sans Bold"),
    Face(ARABIC, "", "NotoNaskhArabic-Regular.ttf", "Noto Naskh Arabic"),
    Face(ETHIOPIC, "", "NotoSansEthiopic-Regular.ttf", "Noto Sans Ethiopic"),
)

# Languages by script, where it is not Latin or Cyrillic.
_ARABIC_SCRIPT = frozenset({"ar", "fa", "ps", "ur", "ckb"})
_ETHIOPIC_SCRIPT = frozenset({"ti", "am"})


class FontsMissing(Exception):
    """A font the letters need is not installed; the message names it and the package."""

    def __init__(self, missing: Iterable[Face], dirs: Iterable[Path]) -> None:
        self.missing = tuple(missing)
        names = ", ".join(f"{face.name} ({face.file})" for face in self.missing)
        where = " or ".join(str(folder) for folder in dirs)
        super().__init__(
            f"the letters need fonts that are not installed: {names}; none found under "
            f"{where}. Install them with: apt-get install {PACKAGE}"
        )


def family_for(lang: str) -> str:
    """The font family a text in ``lang`` is set in (``ar`` and ``fa``: Naskh)."""
    base = normalize_language(lang).split("_")[0]
    if base in _ARABIC_SCRIPT:
        return ARABIC
    if base in _ETHIOPIC_SCRIPT:
        return ETHIOPIC
    return SANS


def find_fonts(dirs: Iterable[Path] | None = None) -> Mapping[Face, Path]:
    """Every face in :data:`FACES` with the file found for it; :class:`FontsMissing` names the
    ones that are not there."""
    folders = tuple(FONT_DIRS if dirs is None else dirs)
    wanted = {face.file: face for face in FACES}
    found: dict[Face, Path] = {}
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                face = wanted.get(name)
                if face is not None and face not in found:
                    found[face] = Path(root) / name
    missing = [face for face in FACES if face not in found]
    if missing:
        raise FontsMissing(missing, folders)
    return found
