"""The follow-up signals: each one firing, and its nearest miss, on the real Flemish calendar."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.engine.episodes import Episode, episodes, year_counts
from bot.engine.signals import (
    Signal,
    SignalKind,
    after_holiday,
    clb_threshold,
    first_days_back,
    frequent_short,
    long_absence,
    weekday_pattern,
)
from scheduler.calendar import SchoolCalendar
from tests.helpers.engine import CALENDAR, FEED, YEAR, day, days, marks, slot, whole_days


def absences(*spec: str, no_feed: str = "") -> list[Episode]:
    """The episodes of whole days absent (code Z): one argument per group of days."""
    given = [mark for group in spec for mark in whole_days(group)]
    return episodes(given, CALENDAR, FEED - days(no_feed))


def fired(signal: Signal | None) -> tuple[str, tuple[str, ...]] | None:
    """``(reached_on, dates)`` as ``MM-DD`` or ISO dates, or None."""
    if signal is None:
        return None

    def text(when: object) -> str:
        iso = str(when)
        return iso[5:] if iso.startswith("2026-") else iso

    return text(signal.reached_on), tuple(text(when) for when in signal.dates)


# Five problematic half-days on four dates, with a justified and an unknown one in between.
FIVE = "09-07 am B, 09-07 pm B, 09-14 am B, 10-05 am Z, 10-05 pm -, 10-12 am B, 10-13 pm B"


@pytest.mark.parametrize(
    ("spec", "threshold", "expected"),
    [
        pytest.param(FIVE, 5, ("10-13", ("09-07", "09-14", "10-12", "10-13")), id="the 5th"),
        pytest.param(FIVE.replace("10-13 pm B", "10-13 pm Z"), 5, None, id="4: justified"),
        pytest.param(FIVE.replace("10-13 pm B", "10-13 pm -"), 5, None, id="4: unknown"),
        pytest.param(
            f"{FIVE}, 10-20 am B",
            5,
            ("10-13", ("09-07", "09-14", "10-12", "10-13")),
            id="a 6th does not move the day",
        ),
        pytest.param(FIVE, 3, ("09-14", ("09-07", "09-14")), id="a school's own threshold"),
    ],
)
def test_clb_threshold(spec: str, threshold: int, expected: object) -> None:
    assert fired(clb_threshold(year_counts(marks(spec), YEAR), threshold=threshold)) == expected


def test_clb_threshold_reason() -> None:
    signal = clb_threshold(year_counts(marks(f"{FIVE}, 10-20 am B"), YEAR))
    assert signal is not None
    assert signal.kind is SignalKind.CLB_THRESHOLD
    assert signal.reason == (
        "6 problematic half-days in school year 2026-2027; "
        "the threshold of 5 was reached on 2026-10-13 pm: involve the CLB"
    )


@pytest.mark.parametrize(
    ("spec", "no_feed", "length", "expected"),
    [
        pytest.param(
            "10-29 10-30 11-09 11-10 11-12",
            "",
            5,
            ("11-12", ("10-29", "10-30", "11-09", "11-10", "11-12")),
            id="over the autumn holiday and Armistice Day",
        ),
        pytest.param("10-29 10-30 11-09 11-10", "", 5, None, id="4 days"),
        pytest.param(
            "10-19 10-20 10-21 10-22 10-23",
            "",
            5,
            ("10-23", ("10-19", "10-20", "10-21", "10-22", "10-23")),
            id="a Wednesday morning is a day",
        ),
        pytest.param(
            "10-19 10-20 10-22 10-23", "10-21", 5, None, id="a day without feed is not counted"
        ),
        pytest.param(
            "10-19 10-20 10-22 10-23",
            "10-21",
            4,
            ("10-23", ("10-19", "10-20", "10-22", "10-23")),
            id="a school's own length",
        ),
    ],
)
def test_long_absence(spec: str, no_feed: str, length: int, expected: object) -> None:
    (episode,) = absences(spec, no_feed=no_feed)
    assert fired(long_absence(episode, days=length)) == expected


def test_long_absence_reason() -> None:
    (episode,) = absences("10-29 10-30 11-09 11-10 11-12 11-13")
    signal = long_absence(episode)
    assert signal is not None
    assert signal.kind is SignalKind.LONG_ABSENCE
    assert signal.reason == (
        "absent 6 school days since 2026-10-29; 5 school days were reached on 2026-11-12"
    )


@pytest.mark.parametrize(
    ("spec", "today", "max_days", "expected"),
    [
        pytest.param(
            ("10-19", "10-26", "11-09"),
            "11-16",
            4,
            ("11-09", ("10-19", "10-26", "11-09")),
            id="3 Mondays, justified",
        ),
        pytest.param(
            ("10-05", "10-19", "10-26"), "11-16", 4, None, id="the first is 6 weeks ago: out"
        ),
        pytest.param(
            ("10-05", "10-19", "10-26"),
            "11-15",
            4,
            ("10-26", ("10-05", "10-19", "10-26")),
            id="a day later in: 6 weeks minus a day",
        ),
        pytest.param(
            (
                "10-12 10-13 10-14 10-15 10-16 10-19 10-20 10-21 10-22 10-23 "
                "10-26 10-27 10-28 10-29 10-30",
            ),
            "11-16",
            4,
            None,
            id="a three-week illness is no pattern",
        ),
        pytest.param(("10-19", "10-26"), "11-16", 4, None, id="2 Mondays"),
        pytest.param(
            ("10-02 10-05", "10-19", "10-26"),
            "11-15",
            4,
            ("10-26", ("10-05", "10-19", "10-26")),
            id="an episode begun before the window counts its days inside",
        ),
        pytest.param(
            ("10-05 10-06", "10-19", "10-26"),
            "11-16",
            4,
            None,
            id="... and not those before it",
        ),
    ],
)
def test_weekday_pattern(
    spec: tuple[str, ...], today: str, max_days: int, expected: object
) -> None:
    assert fired(weekday_pattern(absences(*spec), day(today), max_days=max_days)) == expected


def test_weekday_pattern_counts_long_episodes_when_told() -> None:
    three_weeks = absences(
        "10-12 10-13 10-14 10-15 10-16 10-19 10-20 10-21 10-22 10-23 10-26 10-27 10-28 10-29 10-30"
    )
    signal = weekday_pattern(three_weeks, day("11-16"), max_days=15)
    assert signal is not None
    assert signal.reached_on == day("10-26")  # the third Monday comes first
    assert len(signal.dates) == 15  # every weekday three times


def test_weekday_pattern_on_two_weekdays() -> None:
    # Friday and the Monday after form one episode of two school days.
    found = absences("10-16 10-19", "10-23 10-26", "10-30 11-09")
    signal = weekday_pattern(found, day("11-16"))
    assert fired(signal) == ("10-30", ("10-16", "10-19", "10-23", "10-26", "10-30", "11-09"))
    assert signal is not None
    assert signal.kind is SignalKind.WEEKDAY_PATTERN
    assert signal.reason == (
        "absent on 3 Mondays in the last 6 weeks (2026-10-19, 2026-10-26, 2026-11-09); "
        "absent on 3 Fridays in the last 6 weeks (2026-10-16, 2026-10-23, 2026-10-30)"
    )


@pytest.mark.parametrize(
    ("when", "first_day_back"),
    [
        ("09-01", True),  # the first day of the school year
        ("11-09", True),  # after the autumn holiday
        ("2027-01-04", True),  # after the Christmas holiday
        ("2027-05-10", True),  # after Ascension Day and the Friday after: four days
        ("2027-05-18", True),  # after Whit Monday: three days
        ("11-12", False),  # after Armistice Day, a Wednesday: one day
        ("10-26", False),  # after an ordinary weekend
        ("2027-05-03", False),  # 1 May 2027 is a Saturday: an ordinary weekend
        ("11-10", False),  # the second day back
    ],
)
def test_first_days_back(when: str, first_day_back: bool) -> None:
    assert (day(when) in first_days_back(CALENDAR, YEAR)) is first_day_back


@pytest.mark.parametrize(("min_closed_days", "expected"), [(3, True), (4, False)])
def test_first_days_back_after_a_free_friday(min_closed_days: int, expected: bool) -> None:
    calendar = SchoolCalendar({day("10-16"): "Pedagogische studiedag"})
    first_days = first_days_back(calendar, YEAR, min_closed_days=min_closed_days)
    assert (day("10-19") in first_days) is expected


RETURNS = first_days_back(CALENDAR, YEAR)


@pytest.mark.parametrize(
    ("spec", "times", "expected"),
    [
        pytest.param(
            ("11-09", "2027-01-04"),
            2,
            ("2027-01-04", ("11-09", "2027-01-04")),
            id="after autumn and Christmas",
        ),
        pytest.param(
            ("10-30 11-09", "2027-01-04"),
            2,
            ("2027-01-04", ("11-09", "2027-01-04")),
            id="an absence begun before the holiday counts",
        ),
        pytest.param(("11-09", "11-12"), 2, None, id="after Armistice Day does not count"),
        pytest.param(("11-09",), 2, None, id="once"),
        pytest.param(("11-09",), 1, ("11-09", ("11-09",)), id="once, for a school that asks"),
    ],
)
def test_after_holiday(spec: tuple[str, ...], times: int, expected: object) -> None:
    assert fired(after_holiday(absences(*spec), RETURNS, times=times)) == expected


def test_after_holiday_reason() -> None:
    signal = after_holiday(absences("11-09", "2027-01-04"), RETURNS)
    assert signal is not None
    assert signal.kind is SignalKind.AFTER_HOLIDAY
    assert signal.reason == (
        "absent on the first school day after a holiday or long weekend "
        "2 times this school year (2026-11-09, 2027-01-04)"
    )


@pytest.mark.parametrize(
    ("spec", "today", "expected"),
    [
        pytest.param(
            ("09-28", "10-07", "10-20", "11-12"),
            "11-20",
            ("11-12", ("09-28", "10-07", "10-20", "11-12")),
            id="4 single days in 8 weeks",
        ),
        pytest.param(
            ("09-28", "10-07", "10-20 10-21", "11-12"), "11-20", None, id="one lasted 2 days"
        ),
        pytest.param(
            ("09-25", "10-07", "10-20", "11-12"), "11-20", None, id="the first is 8 weeks ago"
        ),
        pytest.param(
            ("09-25", "10-07", "10-20", "11-12"),
            "11-19",
            ("11-12", ("09-25", "10-07", "10-20", "11-12")),
            id="a day later in: 8 weeks minus a day",
        ),
    ],
)
def test_frequent_short(spec: tuple[str, ...], today: str, expected: object) -> None:
    assert fired(frequent_short(absences(*spec), day(today))) == expected


def test_frequent_short_counts_todays_absence() -> None:
    # 10:30 on Friday: absent this morning, the afternoon not known yet.
    given = [mark for group in ("09-28", "10-07", "10-20") for mark in whole_days(group)]
    given += marks("11-20 am B")
    found = episodes(given, CALENDAR, FEED, horizon=slot("11-20 pm"))
    assert found[-1].ongoing(day("11-20"))
    signal = frequent_short(found, day("11-20"))
    assert fired(signal) == ("11-20", ("09-28", "10-07", "10-20", "11-20"))
    assert signal is not None
    assert signal.kind is SignalKind.FREQUENT_SHORT
    assert signal.reason == (
        "4 short absences (at most 1 school day each) in the last 8 weeks, "
        "starting 2026-09-28, 2026-10-07, 2026-10-20, 2026-11-20"
    )


@pytest.mark.parametrize(
    "call",
    [
        lambda: clb_threshold(year_counts([], YEAR), threshold=0),
        lambda: long_absence(absences("10-19")[0], days=0),
        lambda: weekday_pattern([], day("11-16"), weeks=0),
        lambda: first_days_back(CALENDAR, YEAR, min_closed_days=0),
        lambda: after_holiday([], RETURNS, times=0),
        lambda: frequent_short([], day("11-16"), max_days=0),
    ],
)
def test_thresholds_below_one_are_refused(call: Callable[[], object]) -> None:
    with pytest.raises(ValueError, match="= 0: must be at least 1"):
        call()
