"""The school calendar checked against the Flemish rules, school year by school year.

Expectations come from ``flemish_rules`` (the written rules, computed without the ``holidays``
package), from a table of key dates worked out by hand, and from the calendars the Flemish
government published for 2023-2024 to 2025-2026.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scheduler.calendar import SchoolCalendar, SchoolYear
from tests.scheduler.flemish_rules import easter_sunday, rule_year

SCHOOL_YEARS = range(2023, 2031)  # 2023-2024 up to and including 2030-2031
ONE_DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def calendar() -> SchoolCalendar:
    return SchoolCalendar()


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2028, date(2028, 4, 16)),
        (2029, date(2029, 4, 1)),
        (2030, date(2030, 4, 21)),
        (2031, date(2031, 4, 13)),
        (2038, date(2038, 4, 25)),  # the latest possible date
        (2285, date(2285, 3, 22)),  # the earliest possible date
    ],
)
def test_easter_of_the_yardstick_is_right(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


# Worked out by hand from the rules; the notes say which rule each year exercises.
KEY_DATES = {
    # year: (first day, last day, autumn, Christmas, carnival, Easter holiday start)
    2023: ("2023-09-01", "2024-06-28", "2023-10-30", "2023-12-25", "2024-02-12", "2024-04-01"),
    # 1 Sept on Sunday; Easter on 20 April (after 15 April)
    2024: ("2024-09-02", "2025-06-30", "2024-10-28", "2024-12-23", "2025-03-03", "2025-04-07"),
    # 1 Nov on Saturday
    2025: ("2025-09-01", "2026-06-30", "2025-10-27", "2025-12-22", "2026-02-16", "2026-04-06"),
    # 1 Nov on Sunday: the week after; Easter in March: the Monday after Easter
    2026: ("2026-09-01", "2027-06-30", "2026-11-02", "2026-12-21", "2027-02-08", "2027-03-29"),
    # 25 Dec on Saturday: the Monday after; Easter on 16 April
    2027: ("2027-09-01", "2028-06-30", "2027-11-01", "2027-12-27", "2028-02-28", "2028-04-03"),
    # 30 June on Saturday: the Friday before; Easter on 1 April
    2028: ("2028-09-01", "2029-06-29", "2028-10-30", "2028-12-25", "2029-02-12", "2029-04-02"),
    # 1 Sept on Saturday, 30 June on Sunday
    2029: ("2029-09-03", "2030-06-28", "2029-10-29", "2029-12-24", "2030-03-04", "2030-04-08"),
    # Easter on 13 April: the first Monday of April
    2030: ("2030-09-02", "2031-06-30", "2030-10-28", "2030-12-23", "2031-02-24", "2031-04-07"),
}


@pytest.mark.parametrize("first_year", SCHOOL_YEARS)
def test_yardstick_agrees_with_the_hand_worked_dates(first_year: int) -> None:
    rules = rule_year(first_year)
    expected = [date.fromisoformat(text) for text in KEY_DATES[first_year]]
    got = [
        rules.start,
        rules.end,
        rules.breaks["Herfstvakantie"][0],
        rules.breaks["Kerstvakantie"][0],
        rules.breaks["Krokusvakantie"][0],
        rules.breaks["Paasvakantie"][0],
    ]
    assert got == expected


@pytest.mark.parametrize("first_year", SCHOOL_YEARS)
def test_school_year_bounds_follow_the_rules(first_year: int) -> None:
    rules = rule_year(first_year)
    year = SchoolYear(first_year)
    assert (year.start, year.end) == (rules.start, rules.end)


@pytest.mark.parametrize("first_year", SCHOOL_YEARS)
def test_holidays_follow_the_rules(calendar: SchoolCalendar, first_year: int) -> None:
    rules = rule_year(first_year)
    expected = dict(rules.breaks)
    easter_first, easter_last = expected["Paasvakantie"]
    if rules.single_days["Paasmaandag"] == easter_last + ONE_DAY:
        # Easter after 15 April: Easter Monday extends the holiday by a day.
        expected["Paasvakantie"] = (easter_first, easter_last + ONE_DAY)
    periods = {p.name: (p.start, p.end) for p in calendar.holidays_in(SchoolYear(first_year))}
    assert {name: periods.get(name) for name in expected} == expected


@pytest.mark.parametrize("first_year", SCHOOL_YEARS)
def test_single_free_days_follow_the_rules(calendar: SchoolCalendar, first_year: int) -> None:
    single_days = rule_year(first_year).single_days
    got = {name: calendar.reason_closed(day) for name, day in single_days.items()}
    # Easter Monday always falls inside the Easter holiday or extends it: shown as part of it.
    expected = {name: "Paasvakantie" if name == "Paasmaandag" else name for name in single_days}
    assert got == expected


@pytest.mark.parametrize("first_year", SCHOOL_YEARS)
def test_every_day_follows_the_rules(calendar: SchoolCalendar, first_year: int) -> None:
    rules = rule_year(first_year)
    year = SchoolYear(first_year)
    got = set(calendar.school_days(year.span_start, year.span_end))
    expected = rules.school_days()
    assert sorted(got - expected) == []  # school days the rules close
    assert sorted(expected - got) == []  # closed days the rules keep open


# The calendars the Flemish government published (onderwijs.vlaanderen.be), typed in by hand.
PUBLISHED = {
    2023: {
        "Herfstvakantie": ("2023-10-30", "2023-11-05"),
        "Kerstvakantie": ("2023-12-25", "2024-01-07"),
        "Krokusvakantie": ("2024-02-12", "2024-02-18"),
        "Paasvakantie": ("2024-04-01", "2024-04-14"),
        "O. L. H. Hemelvaart": ("2024-05-09", "2024-05-09"),
        "Vrijdag na O. L. H. Hemelvaart": ("2024-05-10", "2024-05-10"),
        "Pinkstermaandag": ("2024-05-20", "2024-05-20"),
    },
    2024: {
        "Herfstvakantie": ("2024-10-28", "2024-11-03"),
        "Wapenstilstand": ("2024-11-11", "2024-11-11"),
        "Kerstvakantie": ("2024-12-23", "2025-01-05"),
        "Krokusvakantie": ("2025-03-03", "2025-03-09"),
        "Paasvakantie": ("2025-04-07", "2025-04-21"),  # Easter Monday included
        "Dag van de Arbeid": ("2025-05-01", "2025-05-01"),
        "O. L. H. Hemelvaart": ("2025-05-29", "2025-05-29"),
        "Pinkstermaandag": ("2025-06-09", "2025-06-09"),
    },
    2025: {
        "Herfstvakantie": ("2025-10-27", "2025-11-02"),
        "Wapenstilstand": ("2025-11-11", "2025-11-11"),
        "Kerstvakantie": ("2025-12-22", "2026-01-04"),
        "Krokusvakantie": ("2026-02-16", "2026-02-22"),
        "Paasvakantie": ("2026-04-06", "2026-04-19"),
        "Dag van de Arbeid": ("2026-05-01", "2026-05-01"),
        "O. L. H. Hemelvaart": ("2026-05-14", "2026-05-14"),
        "Vrijdag na O. L. H. Hemelvaart": ("2026-05-15", "2026-05-15"),
        "Pinkstermaandag": ("2026-05-25", "2026-05-25"),
    },
}


@pytest.mark.parametrize("first_year", sorted(PUBLISHED))
def test_published_calendars(calendar: SchoolCalendar, first_year: int) -> None:
    periods = {p.name: (p.start, p.end) for p in calendar.holidays_in(SchoolYear(first_year))}
    expected = {
        name: (date.fromisoformat(first), date.fromisoformat(last))
        for name, (first, last) in PUBLISHED[first_year].items()
    }
    assert {name: periods.get(name) for name in expected} == expected
