"""Reading back what a letters PDF shows: each page's text, and the QR code as it was drawn.

The QR code is rebuilt from the page's own drawing operators (filled rectangles, ``re`` then
``f``), not from anything the code under test returns, so a test compares what a scanner would
see with what the QR standard asks for the link.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import ContentStream

__all__ = ["DrawnQr", "drawn_qr", "page_texts", "reader"]

POINTS_PER_MM = 72 / 25.4


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    """Each page's text, with all white space removed (a link may be split over two lines)."""
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader(data).pages]


@dataclass(frozen=True)
class DrawnQr:
    matrix: tuple[tuple[bool, ...], ...]
    left: float
    """Millimetres from the page's left edge to the first module."""
    top: float
    """Millimetres from the page's top edge to the first module."""
    module: float
    """Millimetres."""


def drawn_qr(data: bytes, page_number: int, modules: int) -> DrawnQr:
    """The dark modules drawn on a page, as a ``modules`` by ``modules`` matrix."""
    pdf = reader(data)
    page = pdf.pages[page_number]
    height = float(page.mediabox.height)
    rects: list[tuple[float, float, float, float]] = []
    pending: list[tuple[float, float, float, float]] = []
    for operands, operator in ContentStream(page.get_contents(), pdf).operations:
        if operator == b"re":
            x, y, w, h = (float(value) for value in operands)
            top = height - max(y, y + h)  # fpdf2 draws from the top with a negative height
            mm = POINTS_PER_MM
            pending.append((x / mm, top / mm, w / mm, abs(h) / mm))
        elif operator == b"f":
            rects += pending
            pending = []
        elif operator in (b"S", b"n", b"B"):
            pending = []
    assert rects, "no filled rectangles on the page"
    module = min(h for _x, _y, _w, h in rects)
    left = min(x for x, _y, _w, _h in rects)
    top = min(y for _x, y, _w, _h in rects)
    grid = [[False] * modules for _ in range(modules)]
    for x, y, w, h in rects:
        row = round((y - top) / module)
        assert round(h / module) == 1, "a rectangle taller than a module"
        first = round((x - left) / module)
        for column in range(first, first + round(w / module)):
            grid[row][column] = True
    return DrawnQr(tuple(tuple(row) for row in grid), left, top, module)
