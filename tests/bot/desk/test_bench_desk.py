"""``python -m bot.bench.desk`` on a small school and a few weeks: the year is lived with the
real imports, ticks and dispatcher, and every read of the desk is timed for both scopes (the
figures are printed by the benchmark, not judged here)."""

from __future__ import annotations

import datetime as dt

from bot.bench.desk import READS, live_a_year, measure, report
from bot.bench.engine import generate_school


async def test_a_small_school_lives_some_weeks_and_every_read_is_timed(tmp_path, capsys):
    generate_school(tmp_path / "school", 60, 7, replies=True)
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    until = dt.date(2026, 9, 25)  # 19 school days: a trip on the 8th, rejected rows

    figures = await live_a_year(url, tmp_path / "school", until, 7)

    assert figures["pupils"] == 60
    assert figures["import runs"] == 1 + 19  # the roster, then a feed every school day
    assert figures["messages"] > 0
    assert figures["holds"] >= 1  # the trip (its class; here also the small school)
    results = await measure(url, until, runs=2)
    assert sorted({(r["read"], r["scope"]) for r in results}) == sorted(
        (read, scope) for read in READS for scope in ("school", "spilfiguur")
    )
    assert all(len(result["ms"]) == 2 for result in results)
    report("sqlite", figures, results)
    assert "goal p95 <= 100 ms per read" in capsys.readouterr().out
