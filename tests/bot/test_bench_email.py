"""``gemist bench email`` sends through the channel to a server in its own process, counts
every message there by Message-ID, and judges the figures against the goals."""

from __future__ import annotations

import dataclasses

import pytest

from bot.bench.email import GOAL_RATE, EmailFigures, measure, report
from bot.cli import main
from bot.exits import Exit


@pytest.mark.slow  # two server processes start (a few seconds)
async def test_every_row_arrives_once_and_both_rates_are_measured():
    figures = await measure(messages=60, recipients=20, connections=2)

    assert (figures.accepted, figures.lost, figures.duplicated, figures.not_sent) == (60, 0, 0, 0)
    assert figures.rate > 0
    assert figures.bare_rate > 0
    assert figures.mean_bytes > 1000  # whole e-mails, both parts


def test_a_figure_off_its_goal_fails_the_benchmark(capsys):
    met = EmailFigures(
        messages=10, recipients=2, connections=2, accepted=10, seconds=0.01,
        rate=GOAL_RATE + 1, lost=0, duplicated=0, not_sent=0, bare_rate=900.0, mean_bytes=9000,
    )  # fmt: skip

    assert report(met) == Exit.OK
    assert "goals: MET" in capsys.readouterr().out
    for worse in (
        {"rate": GOAL_RATE - 1},
        {"lost": 1, "accepted": 9},
        {"duplicated": 1, "accepted": 11},
        {"not_sent": 1},
    ):
        assert report(dataclasses.replace(met, **worse)) == Exit.NOT_MET
    printed = capsys.readouterr().out
    assert "the server's own limit" in printed
    assert "goals: NOT MET" in printed


def test_the_command_refuses_counts_below_one(capsys, monkeypatch):
    monkeypatch.delenv("GEMIST_CONFIG", raising=False)

    assert main(["bench", "email", "--messages", "0"]) == Exit.UNUSABLE
    assert "--messages, --recipients and --connections" in capsys.readouterr().err
