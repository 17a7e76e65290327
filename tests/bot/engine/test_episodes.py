"""Absence episodes and school-year counts, table by table, on the real Flemish calendar."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import HalfDay
from bot.engine.episodes import Episode, EpisodeClass, Mark, Slot, episodes, year_counts
from scheduler.calendar import SchoolCalendar, SchoolYear
from tests.helpers.engine import CALENDAR, FEED, YEAR, day, days, marks, slot, whole_days


def summary(episode: Episode) -> str:
    """``10-19am..10-20pm 4/2 back 10-21am``: first..last, half-days/school days, return."""

    def short(where: Slot | None) -> str:
        return "none" if where is None else f"{where.date:%m-%d}{where.half_day}"

    return (
        f"{short(episode.first)}..{short(episode.last)} "
        f"{episode.half_days}/{episode.school_days} back {short(episode.returned)}"
    )


def found(spec: str, *, no_feed: str = "", calendar: SchoolCalendar = CALENDAR) -> list[str]:
    return [summary(e) for e in episodes(marks(spec), calendar, FEED - days(no_feed))]


@pytest.mark.parametrize(
    ("spec", "no_feed", "expected"),
    [
        pytest.param("10-19 am B", "", ["10-19am..10-19am 1/1 back 10-19pm"], id="one morning"),
        pytest.param(
            "10-19 am B, 10-19 pm B", "", ["10-19am..10-19pm 2/1 back 10-20am"], id="one day"
        ),
        pytest.param(
            "10-19 pm B, 10-20 am B",
            "",
            ["10-19pm..10-20am 2/2 back 10-20pm"],
            id="afternoon and the next morning",
        ),
        pytest.param(
            "10-19 am B, 10-20 am B",
            "",
            ["10-19am..10-19am 1/1 back 10-19pm", "10-20am..10-20am 1/1 back 10-20pm"],
            id="present in the afternoon in between splits",
        ),
        pytest.param(
            "10-23 am Z, 10-23 pm Z, 10-26 am Z, 10-26 pm Z",
            "",
            ["10-23am..10-26pm 4/2 back 10-27am"],
            id="across a weekend and the change to winter time",
        ),
        pytest.param(
            "10-30 am Z, 10-30 pm Z, 11-09 am Z",
            "",
            ["10-30am..11-09am 3/2 back 11-09pm"],
            id="across the autumn holiday",
        ),
        pytest.param(
            "11-10 pm B, 11-12 am B",
            "",
            ["11-10pm..11-12am 2/2 back 11-12pm"],
            id="across Armistice Day",
        ),
        pytest.param(
            "10-19 am B, 10-19 pm B, 10-21 am B",
            "",
            ["10-19am..10-19pm 2/1 back 10-20am", "10-21am..10-21am 1/1 back 10-22am"],
            id="a present day splits",
        ),
        pytest.param(
            "10-19 am B, 10-19 pm B, 10-21 am B",
            "10-20",
            ["10-19am..10-21am 3/2 back 10-22am"],
            id="a day without feed does not split and does not count",
        ),
        pytest.param(
            "10-19 am B, 10-20 pm B",
            "10-20",
            ["10-19am..10-19am 1/1 back 10-19pm", "10-20pm..10-20pm 1/1 back 10-21am"],
            id="an afternoon with feed splits before a day without",
        ),
        pytest.param(
            "10-21 am Z, 10-22 am Z, 10-22 pm Z",
            "",
            ["10-21am..10-22pm 3/2 back 10-23am"],
            id="no lessons on Wednesday afternoon",
        ),
        pytest.param(
            "10-21 am Z, 10-22 pm Z",
            "",
            ["10-21am..10-21am 1/1 back 10-22am", "10-22pm..10-22pm 1/1 back 10-23am"],
            id="present on the Thursday morning",
        ),
        pytest.param(
            "10-21 am B, 10-21 pm B",
            "",
            ["10-21am..10-21pm 2/1 back 10-22am"],
            id="a mark on a Wednesday afternoon still counts",
        ),
        pytest.param(
            "11-12 am B, 11-12 pm B, 11-13 am B",
            "11-13",
            ["11-12am..11-13am 3/2 back 11-16am"],
            id="a day without feed after it: the next day with one ends it",
        ),
        pytest.param(
            "10-27 am Z, 10-28 am Z",
            "10-27 10-28 10-29 10-30 11-09",
            ["10-27am..10-28am 2/2 back 11-10am"],
            id="days without feed up to the first known presence",
        ),
    ],
)
def test_episode_boundaries(spec: str, no_feed: str, expected: list[str]) -> None:
    assert found(spec, no_feed=no_feed) == expected


def test_a_school_with_lessons_on_wednesday_afternoon() -> None:
    # The same marks as "no lessons on Wednesday afternoon": there the pupil stays absent.
    calendar = SchoolCalendar(wednesday_afternoon_free=False)
    assert found("10-21 am Z, 10-22 am Z, 10-22 pm Z", calendar=calendar) == [
        "10-21am..10-21am 1/1 back 10-21pm",
        "10-22am..10-22pm 2/1 back 10-23am",
    ]


def test_a_free_day_with_a_feed_shows_nobody_present() -> None:
    # A feed imported for a pedagogical study day lists nobody: that is not a presence.
    calendar = SchoolCalendar({day("10-20"): "Pedagogische studiedag"})
    assert found("10-19 pm B, 10-21 am B", calendar=calendar) == [
        "10-19pm..10-21am 2/2 back 10-22am"
    ]


def test_without_a_horizon_every_feed_is_complete() -> None:
    feed_days = frozenset(CALENDAR.school_days(day("10-12"), day("10-19")))
    (episode,) = episodes(marks("10-19 am B"), CALENDAR, feed_days)
    assert episode.returned == slot("10-19 pm")


def test_no_feed_at_all() -> None:
    result = episodes(marks("10-19 am B, 10-23 pm B"), CALENDAR, frozenset())
    assert [summary(e) for e in result] == ["10-19am..10-23pm 2/2 back none"]


def test_the_first_feed_after_the_summer_ends_an_episode_of_june() -> None:
    # The timeline must reach from the mark's school year into the feed's.
    result = episodes(marks("2026-06-29 am B"), CALENDAR, FEED)
    assert result[0].returned == slot("09-01 am")


@pytest.mark.parametrize(
    ("horizon", "expected"),
    [
        # At 10:30 on Monday the afternoon's registrations are not in yet.
        ("10-19 pm", ["10-19am..10-19am 1/1 back none"]),
        ("10-20 am", ["10-19am..10-19am 1/1 back 10-19pm"]),
    ],
)
def test_horizon_same_day(horizon: str, expected: list[str]) -> None:
    result = episodes(marks("10-19 am B"), CALENDAR, FEED, horizon=slot(horizon))
    assert [summary(e) for e in result] == expected


@pytest.mark.parametrize(
    ("horizon", "returned"),
    [
        ("10-19 am", None),  # Monday's feed is there, but its morning has not settled
        ("10-19 pm", slot("10-19 am")),
    ],
)
def test_horizon_next_school_day(horizon: str, returned: Slot | None) -> None:
    result = episodes(whole_days("10-16"), CALENDAR, FEED, horizon=slot(horizon))
    assert [e.returned for e in result] == [returned]


def test_ongoing() -> None:
    ended, going = episodes(
        marks("10-19 am B, 10-20 am B"), CALENDAR, FEED, horizon=slot("10-20 pm")
    )
    assert ended.returned == slot("10-19 pm")
    assert [ended.ongoing(day(today)) for today in ("10-16", "10-19", "10-20")] == [
        True,  # a replay before the return had been seen
        False,
        False,
    ]
    assert going.returned is None
    assert going.ongoing(day("10-20"))
    assert going.ongoing(day("12-18"))


@pytest.mark.parametrize(
    ("codes", "episode_class", "unexplained"),
    [
        ("Z Z", EpisodeClass.JUSTIFIED, False),
        ("R P M H", EpisodeClass.JUSTIFIED, False),
        ("Z B", EpisodeClass.PROBLEMATIC, True),
        ("B", EpisodeClass.PROBLEMATIC, True),
        ("Z -", EpisodeClass.UNKNOWN, True),
        ("B - Z", EpisodeClass.MIXED, True),
        ("A", EpisodeClass.NOT_COMPULSORY, False),
        ("A Z", EpisodeClass.JUSTIFIED, False),
    ],
)
def test_episode_class(codes: str, episode_class: EpisodeClass, unexplained: bool) -> None:
    slots = [slot(text) for text in ("10-19 am", "10-19 pm", "10-20 am", "10-20 pm")]
    given = [Mark(*where, code) for where, code in zip(slots, codes.split(), strict=False)]
    (episode,) = episodes(given, CALENDAR, FEED)
    assert episode.codes == frozenset(codes.split())
    assert episode.episode_class is episode_class
    assert episode.is_unexplained is unexplained


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        # The newest estimate wins, even when it is earlier than an older one.
        ("10-19 am Z 10-23, 10-19 pm Z, 10-20 am Z 10-22, 10-20 pm Z", "10-22"),
        ("10-19 am Z 10-23, 10-19 pm Z", "10-23"),
        ("10-19 am Z, 10-19 pm Z", None),
    ],
)
def test_expected_return(spec: str, expected: str | None) -> None:
    (episode,) = episodes(marks(spec), CALENDAR, FEED)
    assert episode.expected_return == (None if expected is None else day(expected))


def test_key_is_the_start_and_survives_a_shorter_episode() -> None:
    whole = episodes(whole_days("10-19 10-20 10-21"), CALENDAR, FEED)
    # A correction takes Wednesday away: the episode is shorter, its key the same.
    shorter = episodes(whole_days("10-19 10-20"), CALENDAR, FEED)
    assert [e.key for e in whole] == [e.key for e in shorter] == ["2026-10-19-am"]
    assert (whole[0].end, shorter[0].end) == (day("10-21"), day("10-20"))
    # Taking the first half-day away starts the episode later, under another key.
    later = episodes(whole_days("10-19 10-20")[1:], CALENDAR, FEED)
    assert [e.key for e in later] == ["2026-10-19-pm"]


def test_marks_in_any_order_and_repeated() -> None:
    given = marks("10-23 am Z, 10-23 pm Z, 10-26 am Z, 10-27 am B")
    expected = episodes(given, CALENDAR, FEED)
    shuffled = [given[2], given[0], given[3], given[1], given[2]]
    assert episodes(shuffled, CALENDAR, FEED) == expected
    assert [summary(e) for e in expected] == [
        "10-23am..10-26am 3/2 back 10-26pm",
        "10-27am..10-27am 1/1 back 10-27pm",
    ]


def test_no_marks() -> None:
    assert episodes([], CALENDAR, FEED) == []


def test_marks_of_an_episode() -> None:
    given = marks("10-19 am B, 10-19 pm -")
    (episode,) = episodes(reversed(given), CALENDAR, FEED)
    assert episode.marks == tuple(given)
    assert (episode.start, episode.end) == (day("10-19"), day("10-19"))
    assert episode.dates == (day("10-19"),)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(
            "09-01 am B, 09-01 pm B, 09-02 am Z, 09-07 am -, 09-07 pm A, 10-19 am R",
            (2, 1, 2, 1, 6),
            id="every class",
        ),
        pytest.param(
            "2026-08-31 am B, 09-01 am B, 2027-08-31 pm Z, 2027-09-01 am B",
            (1, 0, 1, 0, 2),
            id="only 1 September to 31 August",
        ),
        pytest.param("", (0, 0, 0, 0, 0), id="none"),
    ],
)
def test_year_counts(spec: str, expected: tuple[int, int, int, int, int]) -> None:
    counts = year_counts(marks(spec), YEAR)
    got = (counts.problematic, counts.unknown, counts.justified, counts.not_compulsory)
    assert (*got, counts.total) == expected


def test_problematic_half_days_in_time_order() -> None:
    counts = year_counts(marks("10-20 am B, 09-07 pm B, 10-19 am Z, 09-07 am B"), YEAR)
    assert counts.problematic_slots == (slot("09-07 am"), slot("09-07 pm"), slot("10-20 am"))
    assert counts.school_year == SchoolYear(2026)


def test_an_unknown_code_is_named() -> None:
    with pytest.raises(ValueError, match="absence code 'X'"):
        year_counts([Mark(date(2026, 10, 19), HalfDay.AM, "X")], YEAR)
