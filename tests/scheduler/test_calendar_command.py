"""``gemist calendar``: the overview, the JSON Lines, and the errors."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.commands import calendar as calendar_command
from bot.config import Settings
from scheduler.clock import VirtualClock

DATA = Path(__file__).resolve().parents[1] / "data" / "calendar"


async def gemist_calendar(*argv: str, settings: Settings | None = None) -> int:
    """Parse ``argv`` with the command's own parser and run it, as ``bot.cli.main`` does."""
    parser = argparse.ArgumentParser(prog="gemist")
    calendar_command.register(parser.add_subparsers())
    args = parser.parse_args(["calendar", *argv])
    code: int = await args.handler(args, settings or Settings())
    return code


def frozen_wall_clock(instant: str) -> Callable[[ZoneInfo], VirtualClock]:
    return lambda tz: VirtualClock(datetime.fromisoformat(instant).astimezone(UTC), tz)


async def test_overview(capsys: pytest.CaptureFixture[str]) -> None:
    assert await gemist_calendar("--school-year", "2026-2027") == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.splitlines()[:12] == [
        "School year 2026-2027",
        "  first day:    Tue 1 Sep 2026",
        "  last day:     Wed 30 Jun 2027",
        "  school days:  183 (329 half-days; Wednesday afternoons free)",
        "",
        "Holidays and free days:",
        "  Mon 2 Nov 2026 to Sun 8 Nov 2026    Herfstvakantie (7 days)",
        "  Wed 11 Nov 2026                     Wapenstilstand",
        "  Mon 21 Dec 2026 to Sun 3 Jan 2027   Kerstvakantie (14 days)",
        "  Mon 8 Feb 2027 to Sun 14 Feb 2027   Krokusvakantie (7 days)",
        "  Mon 29 Mar 2027 to Sun 11 Apr 2027  Paasvakantie (14 days)",
        "  Sat 1 May 2027                      Dag van de Arbeid",
    ]
    assert out.splitlines()[-1] == "  Thu 1 Jul 2027 to Tue 31 Aug 2027   Zomervakantie (62 days)"
    assert "School days per month" not in out


async def test_overview_with_free_days_and_months(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(calendar_ical=DATA / "free-days.ics", wednesday_afternoon_free=False)
    assert await gemist_calendar("--school-year", "2026-2027", "--months", settings=settings) == 0
    lines = capsys.readouterr().out.splitlines()
    # The fixture frees 7 school days in 2026-2027; afternoons are lessons every day.
    assert "  school days:  176 (352 half-days)" in lines
    assert "  Mon 5 Oct 2026                      Pedagogische studiedag" in lines
    assert "  Mon 22 Feb 2027 to Tue 23 Feb 2027  Sportdagen (geen lessen) (2 days)" in lines
    assert lines[lines.index("School days per month:") :][1:4] == [
        "  Sep 2026  22:  1-4 7-11 14-18 21-25 28-30",
        "  Oct 2026  20:  1-2 6-9 12-16 19-23 27-30",
        "  Nov 2026  14:  9-10 12-13 16-17 19-20 23-27 30",
    ]
    assert lines[-1] == "  Jun 2027  22:  1-4 7-11 14-18 21-25 28-30"


async def test_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert await gemist_calendar("--school-year", "2026-2027", "--json", "--months") == 0
    out, err = capsys.readouterr()
    assert err == ""
    records = [json.loads(line) for line in out.splitlines()]  # nothing but JSON on stdout
    assert len(records) == 303  # 1 September 2026 up to and including 30 June 2027
    assert records[0] == {
        "date": "2026-09-01",
        "school_day": True,
        "half_days": ["am", "pm"],
        "closed": None,
    }
    by_date = {record["date"]: record for record in records}
    assert by_date["2026-09-02"]["half_days"] == ["am"]
    assert by_date["2026-11-11"] == {
        "date": "2026-11-11",
        "school_day": False,
        "half_days": [],
        "closed": "Wapenstilstand",
    }
    assert by_date["2026-09-05"]["closed"] == "Weekend"
    assert records[-1]["date"] == "2027-06-30"
    assert sum(record["school_day"] for record in records) == 183


@pytest.mark.parametrize(
    ("now", "label"),
    [
        ("2027-03-01T10:00:00+01:00", "2026-2027"),
        ("2027-06-30T23:30:00+02:00", "2026-2027"),  # still the last day of school in Brussels
        ("2027-07-01T00:30:00+02:00", "2027-2028"),  # summer: the coming school year
        ("2027-08-31T12:00:00+02:00", "2027-2028"),
    ],
)
async def test_default_school_year(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], now: str, label: str
) -> None:
    monkeypatch.setattr(calendar_command, "WallClock", frozen_wall_clock(now))
    assert await gemist_calendar() == 0
    assert capsys.readouterr().out.splitlines()[0] == f"School year {label}"


@pytest.mark.parametrize(
    ("argv", "settings", "message"),
    [
        (
            ("--school-year", "2026-2028"),
            Settings(),
            "gemist: calendar: school year '2026-2028': the second year must follow the first, "
            "e.g. 2026-2027\n",
        ),
        (
            ("--school-year", "volgend jaar", "--json"),
            Settings(),
            "gemist: calendar: school year 'volgend jaar': expected two years like 2026-2027\n",
        ),
        (
            ("--school-year", "1999-2000"),
            Settings(),
            "gemist: calendar: school year 1999-2000: the calendar knows the school years "
            "2010-2011 to 2099-2100\n",
        ),
        (
            ("--school-year", "2026-2027", "--json"),
            Settings(calendar_ical=DATA / "malformed.ics"),
            f"gemist: calendar: {DATA / 'malformed.ics'}, line 8: event 'Pedagogische studiedag': "
            "DTSTART: ",
        ),
    ],
)
async def test_unusable_input_exits_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], settings: Settings, message: str
) -> None:
    assert await gemist_calendar(*argv, settings=settings) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(message)


def test_through_the_gemist_command_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot import cli

    for name in ("GEMIST_CONFIG", "GEMIST_DATABASE_URL", "GEMIST_TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["calendar", "--school-year", "2027-2028", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[0]["date"] == "2027-09-01"
    assert records[-1]["date"] == "2028-06-30"
    assert cli.main(["calendar", "--school-year", "2027"]) == 2
    assert "expected two years like 2026-2027" in capsys.readouterr().err
