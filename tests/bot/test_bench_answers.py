"""``gemist bench import --answers N`` runs end to end at a small size and prints its figures."""

from __future__ import annotations

from bot.cli import main


def test_the_answers_benchmark_prints_stored_lost_and_latency(capsys):
    code = main(
        ["bench", "import", "--answers", "5", "--rows", "3000", "--pupils", "200",
         "--backend", "sqlite"]
    )  # fmt: skip

    out = capsys.readouterr().out
    assert code == 0, out
    assert "Re-import of 3,000 marks while 5 answers arrive" in out
    [row] = [line.split() for line in out.splitlines() if line.startswith("sqlite")]
    assert row[2:4] == ["5", "0"]  # stored, lost
