"""The QR code of an invitation link, as a matrix of modules and as the rectangles to draw.

The code is drawn as vector rectangles (not an image), so it stays sharp at any printer
resolution. Error correction Q (25 % of the symbol may be lost) survives a crease, a stain or
a pen mark on a letter that went home in a school bag; the level is fixed rather than boosted,
so a test can rebuild the very same matrix. A link of 70 characters makes a symbol of 41 by 41
modules, version 6.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import segno

__all__ = ["ERROR_LEVEL", "QUIET_ZONE", "Matrix", "dark_runs", "qr_matrix"]

ERROR_LEVEL = "Q"
QUIET_ZONE = 4
"""Light modules around the symbol, as the QR standard asks; scanners need them."""

Matrix = tuple[tuple[bool, ...], ...]
"""Rows of modules, top to bottom, without the quiet zone; True is dark."""


def qr_matrix(link: str) -> Matrix:
    """The modules of the QR code that opens ``link``."""
    code = segno.make_qr(link, error=ERROR_LEVEL, boost_error=False)
    return tuple(tuple(bool(module) for module in row) for row in code.matrix)


def dark_runs(matrix: Sequence[Sequence[bool]]) -> Iterator[tuple[int, int, int]]:
    """(row, column, length) of each horizontal run of dark modules: one rectangle per run
    instead of one per module keeps the page small and leaves no hairlines between modules."""
    for row, modules in enumerate(matrix):
        start: int | None = None
        for column, dark in enumerate((*modules, False)):
            if dark and start is None:
                start = column
            elif not dark and start is not None:
                yield row, start, column - start
                start = None
