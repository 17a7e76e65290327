"""``gemist bench smartschool`` counts the calls a roster sync and a day's absences make
against a local Smartschool in its own process, and judges them against the minimum."""

from __future__ import annotations

import dataclasses

import pytest

from bot.bench.smartschool import Shape, SmartschoolFigures, measure, report, school
from bot.cli import main
from bot.exits import Exit


@pytest.mark.slow  # two server processes start (a few seconds)
async def test_both_shapes_make_no_call_more_than_the_minimum():
    figures = await measure(pupils=30, co_accounts=50)

    listed, asked = figures.shapes
    assert (listed.roster_calls, listed.absence_calls, listed.minimum) == (3, 1, 4)
    assert (asked.roster_calls, asked.absence_calls, asked.minimum) == (33, 1, 34)
    for shape in figures.shapes:
        assert (shape.pupils, shape.guardians) == (30, 50)
        assert shape.marks == 5  # pupils 0, 12 and 24 absent: a morning and two whole days


def test_the_school_has_the_co_accounts_asked_for():
    built = school(10, 15, "2026-11-17")
    pupils = [a for a in built.accounts if a.basisrol == "1"]
    assert sum(len(p.co_accounts) for p in pupils) == 15
    assert max(len(p.co_accounts) for p in pupils) == 2
    assert len(built.class_teachers) == 1


def test_a_call_more_than_the_minimum_fails_the_benchmark(capsys):
    shape = Shape("co-accounts in the account lists", 3, 0.5, 1, 0.01, 4, 2000, 3500, 278)
    figures = SmartschoolFigures(2000, 3500, (shape,))

    assert report(figures) == Exit.OK
    assert (
        report(dataclasses.replace(figures, shapes=(dataclasses.replace(shape, roster_calls=4),)))
        == Exit.NOT_MET
    )
    printed = capsys.readouterr().out
    assert "4 calls, minimum 4" in printed
    assert "goals: NOT MET" in printed


def test_the_command_refuses_impossible_counts(capsys, monkeypatch):
    monkeypatch.delenv("GEMIST_CONFIG", raising=False)

    assert main(["bench", "smartschool", "--pupils", "10", "--co-accounts", "21"]) == Exit.UNUSABLE
    assert "--co-accounts from 0 to twice that" in capsys.readouterr().err
