"""SchoolCalendar and SchoolYear: the questions a planner asks, table by table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
import pytest

from bot.config import Settings
from bot.domain import HalfDay
from scheduler.calendar import ClosedPeriod, SchoolCalendar, SchoolYear
from scheduler.clock import VirtualClock

AM, PM = HalfDay.AM, HalfDay.PM
D = date.fromisoformat


@pytest.fixture(scope="module")
def calendar() -> SchoolCalendar:
    return SchoolCalendar()


@pytest.mark.parametrize(
    ("day", "wednesday_afternoon_free", "expected"),
    [
        ("2026-09-01", True, (AM, PM)),  # Tuesday, first day of school
        ("2026-09-02", True, (AM,)),  # Wednesday: the afternoon is free
        ("2026-09-02", False, (AM, PM)),  # ... unless the school has lessons then
        ("2026-09-05", True, ()),  # Saturday
        ("2026-11-04", True, ()),  # Wednesday in the autumn holiday
        ("2026-11-11", True, ()),  # Wednesday, Armistice Day
        ("2026-11-11", False, ()),
        ("2027-06-30", True, (AM,)),  # the last day of school is a Wednesday
        ("2027-07-01", True, ()),  # summer holiday
    ],
)
def test_half_days(day: str, wednesday_afternoon_free: bool, expected: tuple[HalfDay, ...]) -> None:
    calendar = SchoolCalendar(wednesday_afternoon_free=wednesday_afternoon_free)
    assert calendar.half_days(D(day)) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Summer time ends on Sunday 25 October 2026; the autumn holiday and 11 November follow.
        (
            "2026-10-23",
            "2026-11-13",
            "2026-10-23 2026-10-26 2026-10-27 2026-10-28 2026-10-29 2026-10-30 "
            "2026-11-09 2026-11-10 2026-11-12 2026-11-13",
        ),
        # Summer time starts on Sunday 28 March 2027, which is Easter Sunday.
        ("2027-03-24", "2027-04-13", "2027-03-24 2027-03-25 2027-03-26 2027-04-12 2027-04-13"),
        # Ascension Thursday and the Friday after, Whit Monday.
        (
            "2027-05-05",
            "2027-05-18",
            "2027-05-05 2027-05-10 2027-05-11 2027-05-12 2027-05-13 2027-05-14 2027-05-18",
        ),
        # Across the summer: 2027-2028 starts on Wednesday 1 September.
        ("2027-06-29", "2027-09-02", "2027-06-29 2027-06-30 2027-09-01 2027-09-02"),
        ("2026-11-13", "2026-11-12", ""),  # an empty range
        ("2026-11-07", "2026-11-08", ""),  # a weekend in the autumn holiday
    ],
)
def test_school_days(calendar: SchoolCalendar, start: str, end: str, expected: str) -> None:
    assert list(calendar.school_days(D(start), D(end))) == [D(day) for day in expected.split()]


@pytest.mark.parametrize(
    ("method", "day", "expected"),
    [
        ("next", "2026-10-30", "2026-11-09"),  # Friday before the autumn holiday
        ("next", "2026-11-10", "2026-11-12"),  # over Armistice Day
        ("next", "2026-12-18", "2027-01-04"),  # over Christmas
        ("next", "2027-06-30", "2027-09-01"),  # over the summer
        ("next", "2026-09-05", "2026-09-07"),  # Saturday
        ("previous", "2026-11-09", "2026-10-30"),
        ("previous", "2027-09-01", "2027-06-30"),
        ("previous", "2024-09-02", "2024-06-28"),  # 2023-2024 ended on Friday 28 June
        ("previous", "2027-04-12", "2027-03-26"),  # back over the Easter holiday
    ],
)
def test_next_and_previous_school_day(
    calendar: SchoolCalendar, method: str, day: str, expected: str
) -> None:
    search = calendar.next_school_day if method == "next" else calendar.previous_school_day
    assert search(D(day)) == D(expected)


def test_a_calendar_that_never_opens_gives_up() -> None:
    start = D("2026-06-01")
    closed_for_good = {start + timedelta(days=offset): "Dicht" for offset in range(500)}
    with pytest.raises(LookupError, match="no school day within 366 days of 2026-06-01"):
        SchoolCalendar(closed_for_good).next_school_day(start)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2026-09-01", None),
        ("2026-09-05", "Weekend"),
        ("2024-09-01", "Weekend"),  # Sunday before 2024-2025 started
        ("2026-11-04", "Herfstvakantie"),
        ("2026-11-07", "Herfstvakantie"),  # a Saturday in a holiday keeps the holiday's name
        ("2026-11-11", "Wapenstilstand"),
        ("2027-01-01", "Kerstvakantie"),
        ("2027-03-29", "Paasvakantie"),  # Easter Monday
        ("2027-05-07", "Vrijdag na O. L. H. Hemelvaart"),
        ("2027-07-15", "Zomervakantie"),
    ],
)
def test_reason_closed(calendar: SchoolCalendar, day: str, expected: str | None) -> None:
    assert calendar.reason_closed(D(day)) == expected
    assert calendar.is_school_day(D(day)) is (expected is None)


def test_free_days_from_the_settings() -> None:
    settings = Settings(free_days=(D("2026-10-05"), D("2026-10-06"), D("2026-11-11")))
    calendar = SchoolCalendar.from_settings(settings)
    assert not calendar.is_school_day(D("2026-10-05"))
    assert calendar.half_days(D("2026-10-06")) == ()
    assert calendar.is_school_day(D("2026-10-07"))
    assert calendar.reason_closed(D("2026-10-05")) == "Vrije dag (school)"
    assert calendar.reason_closed(D("2026-11-11")) == "Wapenstilstand"  # a holiday keeps its name
    periods = calendar.holidays_in(SchoolYear(2026))
    assert ClosedPeriod("Vrije dag (school)", D("2026-10-05"), D("2026-10-06")) in periods
    assert SchoolCalendar().is_school_day(D("2026-10-05"))  # other calendars are not touched


def test_holidays_in_merges_only_consecutive_days_with_one_name() -> None:
    calendar = SchoolCalendar(
        {
            D("2027-01-29"): "Studiedag",  # Friday
            D("2027-02-01"): "Studiedag",  # Monday: not consecutive
            D("2027-02-02"): "Studiedag",
            D("2027-02-03"): "Sportdag",  # consecutive, but another name
        }
    )
    periods = calendar.holidays_in(SchoolYear(2026))
    assert periods == (
        ClosedPeriod("Herfstvakantie", D("2026-11-02"), D("2026-11-08")),
        ClosedPeriod("Wapenstilstand", D("2026-11-11"), D("2026-11-11")),
        ClosedPeriod("Kerstvakantie", D("2026-12-21"), D("2027-01-03")),
        ClosedPeriod("Studiedag", D("2027-01-29"), D("2027-01-29")),
        ClosedPeriod("Studiedag", D("2027-02-01"), D("2027-02-02")),
        ClosedPeriod("Sportdag", D("2027-02-03"), D("2027-02-03")),
        ClosedPeriod("Krokusvakantie", D("2027-02-08"), D("2027-02-14")),
        ClosedPeriod("Paasvakantie", D("2027-03-29"), D("2027-04-11")),
        ClosedPeriod("Dag van de Arbeid", D("2027-05-01"), D("2027-05-01")),
        ClosedPeriod("O. L. H. Hemelvaart", D("2027-05-06"), D("2027-05-06")),
        ClosedPeriod("Vrijdag na O. L. H. Hemelvaart", D("2027-05-07"), D("2027-05-07")),
        ClosedPeriod("Pinkstermaandag", D("2027-05-17"), D("2027-05-17")),
        ClosedPeriod("Zomervakantie", D("2027-07-01"), D("2027-08-31")),
    )
    assert [period.days for period in periods[:3]] == [7, 1, 14]


@pytest.mark.parametrize(
    ("day", "supported"),
    [
        ("2009-12-01", False),  # 2009-2010: the package has no Flemish school holidays yet
        ("2010-09-01", True),
        ("2100-06-30", True),  # the last day of 2099-2100
        ("2100-09-01", False),  # the package stops at 2100
    ],
)
def test_years_outside_the_package_are_refused(day: str, supported: bool) -> None:
    calendar = SchoolCalendar()
    if supported:
        assert calendar.is_school_day(D(day))
    else:
        with pytest.raises(ValueError, match="knows the school years 2010-2011 to 2099-2100"):
            calendar.is_school_day(D(day))


def test_each_school_year_is_worked_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    original = holidays.country_holidays

    def counting(*args: object, **kwargs: object) -> holidays.HolidayBase:
        calls.append(kwargs["years"])
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(holidays, "country_holidays", counting)
    calendar = SchoolCalendar()
    school_days = 0
    for _ in range(200):
        for day in (D("2026-09-01"), D("2027-03-01"), D("2027-09-01"), D("2026-11-11")):
            school_days += calendar.is_school_day(day)
    assert school_days == 600
    assert calls == [(2026, 2027), (2027, 2028)]


@pytest.mark.parametrize(
    ("instant", "is_school_day"),
    [
        # Spring forward on Sunday 29 March 2026: Monday starts at 22:00 UTC, not 23:00.
        ("2026-03-29T21:59:00+00:00", False),
        ("2026-03-29T22:00:00+00:00", True),
        # Fall back on Sunday 25 October 2026: Monday starts at 23:00 UTC.
        ("2026-10-25T22:59:00+00:00", False),
        ("2026-10-25T23:00:00+00:00", True),
        # Friday 30 October 2026 ends at 23:00 UTC; the autumn holiday follows.
        ("2026-10-30T22:59:00+00:00", True),
        ("2026-10-30T23:00:00+00:00", False),
    ],
)
def test_school_day_of_the_clock_around_dst(
    calendar: SchoolCalendar, instant: str, is_school_day: bool
) -> None:
    clock = VirtualClock(datetime.fromisoformat(instant).astimezone(UTC))
    assert calendar.is_school_day(clock.today()) is is_school_day


@pytest.mark.parametrize(
    ("text", "first_year"),
    [("2026-2027", 2026), (" 2026 - 2027 ", 2026), ("2010-2011", 2010), ("1999-2000", 1999)],
)
def test_school_year_parse(text: str, first_year: int) -> None:
    year = SchoolYear.parse(text)
    assert year == SchoolYear(first_year)
    assert year.label == str(year) == f"{first_year}-{first_year + 1}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026", r"'2026': expected two years like 2026-2027"),
        ("", r"'': expected two years like 2026-2027"),
        ("26-27", r"'26-27': expected two years"),
        ("2026/2027", r"'2026/2027': expected two years"),
        ("twee-drie", r"'twee-drie': expected two years"),
        ("2026-2028", r"'2026-2028': the second year must follow the first, e.g. 2026-2027"),
        ("2027-2026", r"'2027-2026': the second year must follow the first, e.g. 2027-2028"),
        ("0000-0001", r"starting in 0: not a valid year"),
    ],
)
def test_school_year_parse_errors(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SchoolYear.parse(text)


@pytest.mark.parametrize(
    ("day", "containing", "current_or_coming"),
    [
        ("2026-09-01", 2026, 2026),
        ("2027-01-15", 2026, 2026),
        ("2027-06-30", 2026, 2026),  # the last day of 2026-2027
        ("2027-07-01", 2026, 2027),  # summer: the holiday ends 2026-2027, 2027-2028 is coming
        ("2027-08-31", 2026, 2027),
        ("2024-06-29", 2023, 2024),  # Saturday after 2023-2024 ended on Friday 28 June
        ("2024-06-28", 2023, 2023),
    ],
)
def test_which_school_year(
    calendar: SchoolCalendar, day: str, containing: int, current_or_coming: int
) -> None:
    assert calendar.school_year_of(D(day)) == SchoolYear(containing)
    assert SchoolYear.containing(D(day)) == SchoolYear(containing)
    assert SchoolYear.current_or_coming(D(day)) == SchoolYear(current_or_coming)


def test_school_year_span() -> None:
    year = SchoolYear(2029)
    assert (year.start, year.end) == (D("2029-09-03"), D("2030-06-28"))
    assert (year.span_start, year.span_end) == (D("2029-09-01"), D("2030-08-31"))
    assert year.following() == SchoolYear(2030) > year
