"""``gemist bench web`` opens the answer page of a real ``gemist web`` and judges the figures."""

from __future__ import annotations

from pathlib import Path

from bot.bench.web import GOAL_P95_MS, GOAL_RATE, WebFigures, measure, report
from bot.exits import Exit

CHECKOUT = str(Path(__file__).resolve().parents[2])


async def test_the_answer_page_is_opened_over_http_and_records_nothing(tmp_path, monkeypatch):
    # The child process runs this checkout's gemist, whatever the installed one is.
    monkeypatch.setenv("PYTHONPATH", CHECKOUT)
    figures = await measure(requests=60, concurrency=3, folder=tmp_path)
    assert figures.requests == len(figures.latencies_ms) == 60
    assert figures.failures == 0
    assert figures.answers_recorded == 0
    assert figures.seconds > 0
    assert figures.server_cpu_ms >= 0


def _figures(rate: float, p95: float, recorded: int = 0) -> WebFigures:
    latencies = (1.0,) * 94 + (p95,) * 6
    return WebFigures(100, 4, 100 / rate, latencies, 0, recorded, 1.0)


def test_the_goals_are_a_rate_a_p95_and_nothing_recorded(capsys):
    assert report(_figures(GOAL_RATE + 1, GOAL_P95_MS)) == Exit.OK
    assert report(_figures(GOAL_RATE - 1, GOAL_P95_MS)) == Exit.NOT_MET
    assert report(_figures(GOAL_RATE + 1, GOAL_P95_MS + 1)) == Exit.NOT_MET
    assert report(_figures(GOAL_RATE + 1, GOAL_P95_MS, recorded=1)) == Exit.NOT_MET
    printed = capsys.readouterr().out
    assert "requests/s" in printed
    assert "p50" in printed
    assert "p99" in printed
