"""The QR code's modules and the rectangles drawn for them."""

from __future__ import annotations

import pytest
import segno

from bot.letters import ERROR_LEVEL, QR_MM, QUIET_ZONE, dark_runs, qr_matrix

LINK = "https://t.me/GemistSchoolBot?start=" + "x" * 32


@pytest.mark.parametrize(
    ("matrix", "runs"),
    [
        ([[True, True, False, True]], [(0, 0, 2), (0, 3, 1)]),
        ([[False, False], [True, True]], [(1, 0, 2)]),
        ([[True], [False], [True]], [(0, 0, 1), (2, 0, 1)]),
        ([[False, False, False]], []),
        ([[True, False, True, False, True]], [(0, 0, 1), (0, 2, 1), (0, 4, 1)]),
    ],
)
def test_dark_runs_cover_exactly_the_dark_modules(matrix, runs):
    assert list(dark_runs(matrix)) == runs


def test_the_matrix_is_segnos_at_level_q_without_boosting():
    code = segno.make_qr(LINK, error="q", boost_error=False)
    assert qr_matrix(LINK) == tuple(tuple(bool(m) for m in row) for row in code.matrix)
    assert code.error == ERROR_LEVEL == "Q"
    assert code.version == 6  # 41 modules for a 70-character link


def test_the_code_is_big_enough_to_scan_from_paper():
    assert QR_MM >= 35
    assert QUIET_ZONE >= 4  # the QR standard's quiet zone
    modules = len(qr_matrix(LINK))
    assert QR_MM / modules >= 0.8  # millimetres per module: phone cameras at arm's length
