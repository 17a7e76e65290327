"""A smoke run of ``gemist bench rules-preview`` with a tiny school: the printed structure."""

from __future__ import annotations

import pytest

from bot.cli import main
from tests.conftest import ADMIN_URL


@pytest.mark.slow
def test_a_tiny_run_prints_the_preview_on_both_backends_beside_the_year_replay(capsys):
    code = main(["bench", "rules-preview", "--pupils", "4", "--postgres", ADMIN_URL])
    out = capsys.readouterr().out

    assert code in (0, 1)  # the verdict; a benchmark informs, it does not fail
    assert "Rules preview: 4 pupils, the last four school weeks (2027-06-07 to 2027-06-30)" in out
    assert "  sqlite   " in out
    assert "  postgresql  " in out
    assert "<= 5 s:" in out
    assert "a second change right after" in out
    assert "Full-year replay beside it: 2026-09-01 to 2027-06-30, 4 pupils" in out
