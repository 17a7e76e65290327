"""``gemist bench desk``'s pages on a small school and a few weeks: every page of the desk is
asked for over HTTP through the real application, signed in as the direction and as the
busiest spilfiguur, and answers (the figures are printed by the benchmark, not judged here)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import col

from bot.bench.desk import live_a_year
from bot.bench.desk_pages import PAGES, PageFigures, measure_pages, report_pages
from bot.bench.engine import generate_school
from bot.db import connect
from bot.models import DeskSession, Staff


async def test_every_page_answers_both_viewers_and_its_server_time_is_noted(tmp_path, capsys):
    generate_school(tmp_path / "school", 60, 7, replies=True)
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    until = dt.date(2026, 9, 25)
    await live_a_year(url, tmp_path / "school", until, 7)

    results = await measure_pages(url, until, runs=2)

    assert [(r.page, r.viewer) for r in results] == [
        (page, viewer) for viewer in ("direction", "spilfiguur") for page in PAGES
    ]
    assert [r.statuses for r in results] == [{200}] * len(results)
    # signed in, every page theirs: no redirect to the sign-in page, no 404
    assert all(len(r.server) == 2 and len(r.client) == 2 for r in results)
    assert all(0 < s <= c for r in results for s, c in zip(r.server, r.client, strict=True))
    report_pages("sqlite", results)
    out = capsys.readouterr().out
    assert "goal p95 <= 100 ms of server time per page" in out
    assert out.count("HTTP 200") == 2 * len(PAGES)

    engine = connect(url)
    try:
        async with engine.connect() as conn:
            roles = await conn.execute(
                sa.select(col(Staff.role)).join(
                    DeskSession, col(DeskSession.staff_id) == col(Staff.id)
                )
            )
            assert sorted(row[0] for row in roles) == ["coordinator", "direction"]
    finally:
        await engine.dispose()


def test_a_page_meets_the_goal_only_when_it_was_the_page_itself_within_100_ms():
    fast, slow = [5.0] * 20, [5.0] * 18 + [150.0] * 2
    assert PageFigures("vandaag", "direction", fast, fast, {200}).met
    assert not PageFigures("vandaag", "direction", slow, slow, {200}).met  # p95 150 ms
    assert not PageFigures("vandaag", "direction", fast, fast, {303}).met  # sent to sign in
    assert not PageFigures("regels", "spilfiguur", fast, fast, {200, 404}).met
