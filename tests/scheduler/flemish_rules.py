"""The Flemish school calendar worked out from the written rules alone.

This is the yardstick for ``scheduler.calendar``: it follows docs/domain.md ("The school calendar")
and the Besluit van de Vlaamse Regering of 17 April 1991 sentence by sentence, and uses neither
the ``holidays`` package nor ``dateutil`` (which ``holidays`` itself uses for Easter), so that a
mistake in either cannot hide in both the code and its expectations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

ONE_DAY = timedelta(days=1)
MONDAY, SATURDAY, SUNDAY = 0, 5, 6


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday by the anonymous (Meeus/Jones/Butcher) algorithm."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon_correction = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon_correction + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    shift = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * shift + 114, 31)
    return date(year, month, day + 1)


def monday_of_week(day: date) -> date:
    return day - day.weekday() * ONE_DAY


def first_monday_of(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + ((MONDAY - first.weekday()) % 7) * ONE_DAY


@dataclass(frozen=True)
class RuleYear:
    """One school year by the rules: lesson period, the five holidays, the single free days."""

    start: date
    end: date
    breaks: dict[str, tuple[date, date]]  # name -> (first day, last day), as Monday..Sunday
    single_days: dict[str, date]

    def closed_days(self) -> set[date]:
        closed = set(self.single_days.values())
        for first, last in self.breaks.values():
            closed.update(first + offset * ONE_DAY for offset in range((last - first).days + 1))
        return closed

    def school_days(self) -> set[date]:
        closed = self.closed_days()
        days = (self.start + offset * ONE_DAY for offset in range((self.end - self.start).days + 1))
        return {day for day in days if day.weekday() < SATURDAY and day not in closed}


def rule_year(first_year: int) -> RuleYear:
    """The school year that starts in September of ``first_year``."""
    second_year = first_year + 1
    easter = easter_sunday(second_year)
    return RuleYear(
        start=_school_start(first_year),
        end=_school_end(second_year),
        breaks={
            "Herfstvakantie": _weeks(_autumn_start(first_year), 1),
            "Kerstvakantie": _weeks(_christmas_start(first_year), 2),
            # The 7th Monday before Easter: the Monday 7 weeks less 1 day before Easter Sunday.
            "Krokusvakantie": _weeks(easter - 7 * 7 * ONE_DAY + ONE_DAY, 1),
            "Paasvakantie": _weeks(_easter_holiday_start(easter), 2),
            "Zomervakantie": (date(second_year, 7, 1), date(second_year, 8, 31)),
        },
        single_days={
            "Wapenstilstand": date(first_year, 11, 11),
            "Paasmaandag": easter + ONE_DAY,
            "Dag van de Arbeid": date(second_year, 5, 1),
            "O. L. H. Hemelvaart": easter + 39 * ONE_DAY,
            "Vrijdag na O. L. H. Hemelvaart": easter + 40 * ONE_DAY,
            "Pinkstermaandag": easter + 50 * ONE_DAY,
        },
    )


def _school_start(year: int) -> date:
    day = date(year, 9, 1)
    while day.weekday() >= SATURDAY:  # a weekend: the Monday after
        day += ONE_DAY
    return day


def _school_end(year: int) -> date:
    day = date(year, 6, 30)
    while day.weekday() >= SATURDAY:  # a weekend: the Friday before
        day -= ONE_DAY
    return day


def _autumn_start(year: int) -> date:
    all_saints = date(year, 11, 1)
    if all_saints.weekday() == SUNDAY:  # then it starts on Monday 2 November
        return all_saints + ONE_DAY
    return monday_of_week(all_saints)


def _christmas_start(year: int) -> date:
    christmas = date(year, 12, 25)
    if christmas.weekday() >= SATURDAY:  # then it starts on the Monday after Christmas
        return monday_of_week(christmas) + 7 * ONE_DAY
    return monday_of_week(christmas)


def _easter_holiday_start(easter: date) -> date:
    if easter.month == 3:  # Easter in March: the Monday after Easter
        return easter + ONE_DAY
    if easter > date(easter.year, 4, 15):  # Easter after 15 April: 2nd Monday before Easter
        return easter - 2 * 7 * ONE_DAY + ONE_DAY
    return first_monday_of(easter.year, 4)


def _weeks(monday: date, weeks: int) -> tuple[date, date]:
    assert monday.weekday() == MONDAY, monday
    return monday, monday + (7 * weeks - 1) * ONE_DAY
