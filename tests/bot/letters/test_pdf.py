"""The letters PDF: a page per letter, the code and link on it, the QR code as the standard has
it for the link, right-to-left letters, a guardian's translation before the Dutch original."""

from __future__ import annotations

import datetime as dt

import pytest
import segno

from bot.letters import QR_MM, QUIET_ZONE, Letter, find_fonts, letters_pdf
from messages import FAMILY_LANGUAGES, STAFF_LANGUAGES, render
from tests.helpers.pdf import drawn_qr, page_texts

BOT = "GemistSchoolBot"
CONTEXT = {
    "first_name": "Yasmine",
    "school": "Sint-Jozefcollege",
    "sender": "Koen De Backer (leerlingenbegeleiding)",
    "contact": "Koen De Backer, koen.debacker@example.org",
    "valid_until": dt.date(2026, 12, 17),
}


def _letter(template_id: str, lang: str, number: int) -> Letter:
    code = f"{number:02d}Ab-_cdEFghIJklMNopQRstUVwxYZ{number:04d}"[:32]
    return Letter(
        person_id=f"X{number:03d}",
        recipient="Fatima El Amrani",
        about=("Yasmine El Amrani (1A)", "Ilyas El Amrani (3A)"),
        school="Sint-Jozefcollege",
        bot_username=BOT,
        link=f"https://t.me/{BOT}?start={code}",
        code=code,
        rendered=render(template_id, lang, CONTEXT),
    )


@pytest.fixture(scope="module")
def fonts():
    return find_fonts()


def test_every_language_fits_one_page_with_its_code_and_link(fonts):
    """Every family language's pupil and guardian letter, and every staff language's staff
    letter, is one page that shows its own code and link (the longest translations included,
    set beside the Dutch original)."""
    letters = [
        _letter(f"letter.{role}", lang, number)
        for number, (role, lang) in enumerate(
            [("guardian", lang) for lang in FAMILY_LANGUAGES]
            + [("pupil", lang) for lang in FAMILY_LANGUAGES]
            + [("staff", lang) for lang in STAFF_LANGUAGES]
        )
    ]
    data = letters_pdf(letters, fonts, title="test")
    texts = page_texts(data)
    assert len(texts) == len(letters)
    for letter, text in zip(letters, texts, strict=True):
        assert letter.code in text, letter.person_id
        assert letter.link in text, letter.person_id
        assert f"@{BOT}" in text


@pytest.mark.parametrize("lang", ["ar", "fa", "ps", "ti"])
def test_right_to_left_and_ethiopic_letters_render(fonts, lang):
    data = letters_pdf(
        [_letter("letter.guardian", lang, 1), _letter("letter.pupil", lang, 2)],
        fonts,
        title="test",
    )
    texts = page_texts(data)
    assert len(texts) == 2
    # The guardian's page ends with the Dutch original, which extracts as plain Latin text.
    assert "Besteouder," in texts[0]
    assert "Decodeisalleenvooru" in texts[0]
    assert "Decodeisalleenvoorjou" not in texts[1]  # a pupil's letter has no Dutch part


def test_the_dutch_original_follows_the_translation(fonts):
    data = letters_pdf([_letter("letter.guardian", "fr", 1)], fonts, title="test")
    (text,) = page_texts(data)
    label = text.index("Traduction(letextenéerlandais")
    french = text.index("Cherspar")
    dutch = text.index("Besteouder,")
    assert label < french < dutch
    assert "Decodeisalleenvooruenwerktéénkeer,totdonderdag17december." in text
    assert "jusqu'aujeudi17décembre" in text


def test_the_drawn_qr_code_is_the_links(fonts):
    letters = [_letter("letter.guardian", "ar", 1), _letter("letter.pupil", "nl", 2)]
    data = letters_pdf(letters, fonts, title="test")
    for page, letter in enumerate(letters):
        expected = segno.make_qr(letter.link, error="q", boost_error=False)
        size = len(expected.matrix)
        drawn = drawn_qr(data, page, size)
        assert drawn.matrix == tuple(tuple(bool(m) for m in row) for row in expected.matrix)
        assert drawn.module * size == pytest.approx(QR_MM, abs=0.05)
        # The quiet zone: four light modules between the card's edge (the page margin) and
        # the first module.
        assert drawn.left - 20 >= QUIET_ZONE * drawn.module - 0.05


def test_a_second_link_draws_a_different_code(fonts):
    data = letters_pdf(
        [_letter("letter.pupil", "nl", 1), _letter("letter.pupil", "nl", 2)], fonts, title="t"
    )
    size = len(
        segno.make_qr(_letter("letter.pupil", "nl", 1).link, error="q", boost_error=False).matrix
    )
    assert drawn_qr(data, 0, size).matrix != drawn_qr(data, 1, size).matrix
