"""Laying the letters out on A4 pages with fpdf2: one page per letter.

A page reads like a school letter: the school's name at the top, the recipient (and, for
whoever hands the letters out, the pupil or children it is about), a card with the QR code and
the link, then the text. A guardian's translation and the Dutch original are separated by a
rule; the translation's first paragraph is the renderer's label, set smaller and grey.

Arabic, Persian and Pashto are shaped and laid out right to left by fpdf2's text shaping
(HarfBuzz, through uharfbuzz) and its bidirectional algorithm; the renderer's direction marks
keep each paragraph's direction and isolate Latin names inside it. A name in another script
falls back to a font that has it.

The body's size is the largest that fits the page, so a long translation shrinks a little
rather than spilling onto a second sheet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from bot.letters._content import Letter
from bot.letters._fonts import ARABIC, ETHIOPIC, SANS, Face, family_for
from bot.letters._qr import QUIET_ZONE, dark_runs, qr_matrix
from messages import is_rtl

__all__ = ["QR_MM", "letters_pdf", "qr_placement"]

MARGIN = 20.0
TOP = 16.0
BOTTOM = 14.0
WIDTH = 210.0 - 2 * MARGIN
PAGE_HEIGHT = 297.0
QR_MM = 38.0
"""Width of the symbol's dark area, without the quiet zone: scans from arm's length."""
CARD_PAD = 3.0
BODY_SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
"""Points, for Latin text; tried in order until the body fits the page."""
# Naskh looks smaller than Noto Sans at the same size and needs room for its marks.
_SCALE = {SANS: 1.0, ARABIC: 1.2, ETHIOPIC: 1.1}
_LEADING = {SANS: 1.45, ARABIC: 1.7, ETHIOPIC: 1.6}
_PT = 25.4 / 72  # millimetres per point
_MARKS = re.compile("[\u200e\u200f\u2066-\u2069]")
"""Direction marks and isolates (messages._render puts them in right-to-left messages)."""
_COMMAND = re.compile(r"(?<![\w/])/[a-z]+\b")
LRI, PDI = "\u2066", "\u2069"

INK = (33, 37, 41)
GREY = (108, 117, 125)
RULE = (206, 212, 218)
LINK = (13, 71, 161)


def qr_placement(card_top: float, modules: int) -> tuple[float, float, float]:
    """(x, y, module size) in millimetres from the page's top left corner: where the QR code
    of a card starting at ``card_top`` goes. The quiet zone lies inside the card, between its
    edge and the first module."""
    module = QR_MM / modules
    return MARGIN + CARD_PAD + QUIET_ZONE * module, card_top + QUIET_ZONE * module, module


def letters_pdf(letters: Sequence[Letter], fonts: Mapping[Face, Path], *, title: str) -> bytes:
    """One PDF with a page per letter, in the order given."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, TOP, MARGIN)
    pdf.set_auto_page_break(True, margin=BOTTOM)  # a safety net only: the body is sized to fit
    for face, path in fonts.items():
        pdf.add_font(face.family, face.style, str(path))
    pdf.set_fallback_fonts([SANS, ARABIC, ETHIOPIC], exact_match=False)
    pdf.set_title(title)
    pdf.set_creator("Gemist")
    pdf.set_lang("nl")
    for letter in letters:
        pdf.add_page()
        _page(pdf, letter)
    return bytes(pdf.output())


def _page(pdf: FPDF, letter: Letter) -> None:
    _header(pdf, letter)
    card_bottom = _card(pdf, letter, pdf.get_y() + 5)
    top = card_bottom + 7
    size = _fitting_size(pdf, letter, PAGE_HEIGHT - BOTTOM - top)
    pdf.set_xy(MARGIN, top)
    _body(pdf, letter, size, dry=False)


def _fitting_size(pdf: FPDF, letter: Letter, room: float) -> float:
    """The largest of :data:`BODY_SIZES` at which the body fits in ``room``. Measuring is the
    slow part of a page, so the search starts from an estimate: the height grows about as the
    square of the size (more lines, each of them taller)."""
    largest = BODY_SIZES[0]
    height = _body(pdf, letter, largest, dry=True)
    if height <= room:
        return largest
    estimate = largest * (room / height) ** 0.5
    for size in (s for s in BODY_SIZES[1:] if s <= estimate + 0.25):
        if _body(pdf, letter, size, dry=True) <= room:
            return size
    return BODY_SIZES[-1]


def _header(pdf: FPDF, letter: Letter) -> None:
    """The school's name, the roster id (to sort the letters by), then who the letter is for."""
    pdf.set_text_shaping(False)
    pdf.set_text_color(*GREY)
    pdf.set_font(SANS, size=8)
    pdf.set_xy(MARGIN, TOP + 1)
    pdf.cell(WIDTH, 5, letter.person_id, align="R")
    pdf.set_text_color(*INK)
    pdf.set_font(SANS, "B", 15)
    pdf.set_xy(MARGIN, TOP)
    pdf.cell(WIDTH - 30, 8, _shaping_for(pdf, letter.school), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, TOP + 10, MARGIN + WIDTH, TOP + 10)
    pdf.set_xy(MARGIN, TOP + 14)
    pdf.set_font(SANS, "B", 11)
    pdf.cell(WIDTH, 6, _shaping_for(pdf, letter.recipient), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(SANS, size=9.5)
    pdf.set_text_color(*GREY)
    for line in letter.about:
        pdf.cell(WIDTH, 5, _shaping_for(pdf, line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)


def _card(pdf: FPDF, letter: Letter, top: float) -> float:
    """The QR code and, beside it, the bot's name and the link (a live link in the PDF, for
    letters sent by e-mail). Returns the card's bottom edge."""
    matrix = qr_matrix(letter.link)
    x, y, module = qr_placement(top, len(matrix))
    side = (len(matrix) + 2 * QUIET_ZONE) * module
    height = side
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.3)
    pdf.rect(MARGIN, top, WIDTH, height, style="D", round_corners=True, corner_radius=3)
    pdf.set_fill_color(0, 0, 0)
    for row, column, length in dark_runs(matrix):
        pdf.rect(x + column * module, y + row * module, length * module, module, style="F")
    pdf.set_text_shaping(False)  # the card is Latin: the bot's name and the link
    left = MARGIN + CARD_PAD + side + 4
    width = MARGIN + WIDTH - CARD_PAD - left
    # The link on two lines, split before the code: one line would not fit beside the code.
    base = letter.link.removesuffix(letter.code)
    rest = letter.link[len(base) :]
    pdf.set_xy(left, top + height / 2 - 12)
    pdf.set_font(SANS, "B", 13)
    pdf.cell(width, 7, "Telegram", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(SANS, size=11)
    pdf.cell(width, 6, f"@{letter.bot_username}", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_xy(left, pdf.get_y() + 3)
    pdf.set_text_color(*LINK)
    pdf.set_font(SANS, size=9)
    pdf.cell(width, 5, base, link=letter.link, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(SANS, "B", 10)
    pdf.cell(width, 5.5, rest, link=letter.link, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)
    return top + height


def _body(pdf: FPDF, letter: Letter, size: float, *, dry: bool) -> float:
    """Write (or with ``dry`` only measure) the letter's text at ``size``; returns its height."""
    parts = letter.rendered.parts
    translated = len(parts) > 1  # a guardian's translation, then the Dutch original
    height = 0.0
    for index, part in enumerate(parts):
        family = family_for(part.lang)
        points = size * _SCALE[family]
        line = points * _PT * _LEADING[family]
        align = "R" if is_rtl(part.lang) else "L"
        if index:
            height += _rule(pdf, line, dry)
        for number, paragraph in enumerate(part.text.split("\n\n")):
            label = translated and index == 0 and number == 0
            pdf.set_font(family, size=points * (0.85 if label else 1.0))
            pdf.set_text_color(*(GREY if label else INK))
            if number:
                height += line * 0.5
                if not dry:
                    pdf.set_y(pdf.get_y() + line * 0.5)
            height += _paragraph(pdf, paragraph, line, align, dry)
    pdf.set_text_color(*INK)
    return height


def _paragraph(pdf: FPDF, text: str, line: float, align: str, dry: bool) -> float:
    """Set one paragraph. Shaping (and with it the bidirectional algorithm) is switched on only
    for a paragraph with right-to-left letters: it makes line breaking several times slower, and
    Latin, Cyrillic and Ethiopic text does not need it. Without it the direction marks would
    only be invisible characters to look up in the font, so they are left out."""
    text = _shaping_for(pdf, text)
    if dry:
        measured = pdf.multi_cell(
            WIDTH, line, text, align=align, dry_run=True, output=MethodReturnValue.HEIGHT
        )
        assert isinstance(measured, float | int)
        return float(measured)
    before = pdf.get_y()
    pdf.multi_cell(WIDTH, line, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return pdf.get_y() - before


def _shaping_for(pdf: FPDF, text: str) -> str:
    """Switch shaping on or off for ``text``; the text to set."""
    shaped = any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)
    pdf.set_text_shaping(shaped)
    if not shaped:
        return _MARKS.sub("", text)
    # In right-to-left text the slash of "/stop" is drawn after the word ("stop/") unless the
    # command is isolated as left-to-right: a reader types what the letter shows.
    return _COMMAND.sub(lambda found: f"{LRI}{found.group(0)}{PDI}", text)


def _rule(pdf: FPDF, line: float, dry: bool) -> float:
    """The line between the translation and the Dutch original."""
    if not dry:
        y = pdf.get_y() + line * 0.9
        pdf.set_draw_color(*RULE)
        pdf.set_line_width(0.3)
        pdf.line(MARGIN, y, MARGIN + WIDTH, y)
        pdf.set_y(y + line * 0.9)
    return line * 1.8
