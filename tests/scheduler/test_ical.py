"""A school's free days from an iCal file: the days it frees, and the errors it explains."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import Settings
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS
from scheduler.ical import CalendarFileError, read_free_days

DATA = Path(__file__).resolve().parents[1] / "data" / "calendar"
D = date.fromisoformat


def test_free_days_from_the_fixture() -> None:
    assert read_free_days(DATA / "free-days.ics", BRUSSELS) == {
        # 00:00 to 00:00 Brussels time on the first day of summer time, given in UTC
        D("2026-03-30"): "Facultatieve vrije dag",
        D("2026-10-05"): "Pedagogische studiedag",  # all-day, DTEND exclusive
        # 00:00 to 00:00 Brussels time on the first day of winter time, given in UTC
        D("2026-10-26"): "Facultatieve vrije dag",
        D("2026-11-18"): "Studiedag leerkrachten",  # timed, TZID=Europe/Brussels
        D("2027-02-22"): "Sportdagen (geen lessen)",  # two days; the SUMMARY line is folded
        D("2027-02-23"): "Sportdagen (geen lessen)",
        D("2027-03-15"): "Vrije dag (school)",  # no DTEND: one day; no SUMMARY
        D("2027-05-05"): "Personeelsvergadering",  # floating time: the school's wall clock
        # 2026-12-10 is STATUS:CANCELLED
    }


def test_calendar_with_the_fixture_and_configured_free_days() -> None:
    settings = Settings(
        calendar_ical=DATA / "free-days.ics",
        free_days=(D("2026-10-05"), D("2026-10-09")),
    )
    calendar = SchoolCalendar.from_settings(settings)
    # Around the DST changes only the day itself is free, not the day before or after.
    around_dst = (
        "2026-03-27",
        "2026-03-30",
        "2026-03-31",
        "2026-10-23",
        "2026-10-26",
        "2026-10-27",
    )
    free = [day for day in around_dst if not calendar.is_school_day(D(day))]
    assert free == ["2026-03-30", "2026-10-26"]
    assert calendar.reason_closed(D("2026-10-05")) == "Pedagogische studiedag"  # iCal names it
    assert calendar.reason_closed(D("2026-10-09")) == "Vrije dag (school)"
    assert calendar.is_school_day(D("2026-12-10"))  # the cancelled study day
    assert calendar.half_days(D("2027-05-05")) == ()


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "bad.ics"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def event(*lines: str) -> tuple[str, ...]:
    """A calendar with one event: BEGIN:VEVENT is line 3, the given lines start at line 4."""
    return ("BEGIN:VCALENDAR", "VERSION:2.0", "BEGIN:VEVENT", *lines, "END:VEVENT", "END:VCALENDAR")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            event("SUMMARY:Studiedag", "DTSTART;VALUE=DATE:2026100X"),
            r"bad\.ics, line 5: event 'Studiedag': DTSTART: .*2026100X",
        ),
        (
            event("SUMMARY:Studiedag", "this is not a content line"),
            r"bad\.ics, line 5: not an iCalendar line: 'this is not a content line'",
        ),
        (event("SUMMARY:Studiedag"), r"line 3: event 'Studiedag': No DTSTART"),
        (
            event("UID:x1@school", "DTSTART;VALUE=DATE:20261005", "DTEND;VALUE=DATE:20261003"),
            r"line 6: event 'x1@school': DTEND 2026-10-03 is not after DTSTART 2026-10-05",
        ),
        (
            event("DTSTART:20261005T120000Z", "DTEND:20261005T080000Z"),
            r"line 5: event \(no SUMMARY or UID\): it ends .* before it starts",
        ),
        (
            event("SUMMARY:Studiedag", "DTSTART;VALUE=DATE:20261005", "DTEND:20261006T120000"),
            r"line 3: event 'Studiedag': DTSTART and DTEND must be of the same type",
        ),
        (
            event("SUMMARY:Studiedag", "DTSTART;VALUE=DATE:20261005", "DTEND;VALUE=DATE:20361006"),
            r"line 6: event 'Studiedag': it spans 3654 days \(2026-10-05 to 2036-10-05\)",
        ),
        (
            event("SUMMARY:Elke woensdag", "DTSTART;VALUE=DATE:20261007", "RRULE:FREQ=WEEKLY"),
            r"line 6: event 'Elke woensdag': repeating events \(RRULE\) are not supported",
        ),
        (
            ("BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261005", "END:VCALENDAR"),
            r"line 4: END:VCALENDAR, but BEGIN:VEVENT \(line 2\) is still open",
        ),
        (
            ("BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261005", "END:VEVENT"),
            r"line 1: BEGIN:VCALENDAR is never closed by END",
        ),
        (("SUMMARY:Studiedag",), r"line 1: expected BEGIN:VCALENDAR, found 'SUMMARY:Studiedag'"),
        (("", "  "), r"bad\.ics: the file is empty, expected BEGIN:VCALENDAR"),
    ],
)
def test_malformed_files_name_file_line_and_event(
    tmp_path: Path, lines: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CalendarFileError, match=message):
        read_free_days(write(tmp_path, *lines), BRUSSELS)


def test_malformed_fixture_through_the_settings() -> None:
    settings = Settings(calendar_ical=DATA / "malformed.ics")
    with pytest.raises(
        CalendarFileError,
        match=r"malformed\.ics, line 8: event 'Pedagogische studiedag': DTSTART: .*2026-10-05",
    ):
        SchoolCalendar.from_settings(settings)


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.ics"
    path.write_bytes(
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:R\xe9union\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    with pytest.raises(CalendarFileError, match=r"latin1\.ics, line 3: not UTF-8 text"):
        read_free_days(path, BRUSSELS)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CalendarFileError, match=r"nowhere\.ics: cannot read the iCal file"):
        read_free_days(tmp_path / "nowhere.ics", BRUSSELS)
