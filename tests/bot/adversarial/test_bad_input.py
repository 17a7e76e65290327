"""Hostile and broken import files (issue 15, item 5), on SQLite and PostgreSQL alike: each
gets a clear error or a per-row reject that says where and why, in bounded time and memory,
and every valid row is still imported."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.exits import Exit
from bot.imports import import_roster
from bot.models import Guardian, GuardianLink
from integrations.abc import RowReject
from integrations.csv import CsvRosterSource
from scheduler.clock import BRUSSELS, VirtualClock
from tests.helpers.feeds import active_marks, count, import_feed, write
from tests.helpers.seed import SCHOOL, seed_pupils

HEADER = "pupil_id;date;half_day;code;expected_return;note\n"
GOOD = "P1;2026-11-17;am;B;;\n"
ROSTER = Path(__file__).parents[2] / "data" / "roster" / "basic"


@pytest.fixture
async def pupils(engine, clock):
    await seed_pupils(engine, clock, ["P1", "P2", "P3", "P4"])


def only_reject(report) -> RowReject:
    [reject] = report.files[0].rejects
    return reject


# -- sizes ---------------------------------------------------------------------------------


async def test_a_header_field_over_a_mebibyte_is_unusable_with_its_file_and_line(
    engine, clock, tmp_path
):
    path = write(tmp_path / "absences.csv", "\n" + "x" * (1 << 20) + "y;date\n" + GOOD)

    report = await import_feed(engine, clock, path)

    assert report.exit_code == Exit.UNUSABLE
    assert (report.error.file, report.error.line) == ("absences.csv", 2)
    assert "the header row is longer than 65,536 characters" in report.error.reason
    assert await count(engine, "absence_mark") == 0


@pytest.mark.usefixtures("pupils")
async def test_a_data_field_over_a_mebibyte_is_unusable_with_its_line(engine, clock, tmp_path):
    path = write(
        tmp_path / "absences.csv", HEADER + GOOD + f"P2;2026-11-17;am;B;;{'n' * (1 << 21)}\n"
    )

    report = await import_feed(engine, clock, path)

    assert report.exit_code == Exit.UNUSABLE
    assert report.error.line == 3
    assert report.error.reason == "a field is longer than 1,048,576 characters"


# -- NUL -----------------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["pupil_id", "note"])
@pytest.mark.usefixtures("pupils")
async def test_a_nul_late_in_the_file_rejects_its_row_only(engine, clock, tmp_path, column):
    filler = "".join(
        f"{pupil};2026-{month:02d}-{day:02d};am;Z;;griep\n"
        for pupil in ("P2", "P4") for month in (9, 10, 11) for day in range(1, 29)
    )  # fmt: skip
    bad = "P\x003;2026-11-17;am;B;;" if column == "pupil_id" else "P3;2026-11-17;am;B;;ko\x00rts"
    text = HEADER + filler + bad + "\n" + GOOD
    assert text.index("\x00") > 4096  # past the look for binary data at the start
    path = write(tmp_path / "absences.csv", text)

    report = await import_feed(engine, clock, path)

    assert report.exit_code == Exit.REJECTS
    reject = only_reject(report)
    assert (reject.line, reject.column) == (text.count("\n", 0, text.index("\x00")) + 1, column)
    assert reject.reason.startswith("holds U+0000 (a NUL character) at character ")
    assert ("P1", "2026-11-17", "am", "B") in await active_marks(engine)
    assert not any(pupil == "P3" for pupil, *_ in await active_marks(engine))


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["2926", "9999", "0001"])
@pytest.mark.usefixtures("pupils")
async def test_an_absurd_year_is_rejected_with_its_line(engine, clock, tmp_path, year):
    rows = f"P2;{year}-11-17;am;B;;\nP3;{year}-11-17;am;B;;\n"
    path = write(tmp_path / "absences.csv", HEADER + GOOD + rows)

    report = await import_feed(engine, clock, path)

    assert report.exit_code == Exit.REJECTS
    assert [(r.line, r.column) for r in report.files[0].rejects] == [(3, "date"), (4, "date")]
    assert report.files[0].rejects[0].reason == (
        f"{year}-11-17 is outside the school years a feed can hold (2021-09-01 to 2028-08-31): "
        "is the year right?"
    )
    assert await active_marks(engine) == {("P1", "2026-11-17", "am", "B")}
    assert await count(engine, "feed_day") == 1


@pytest.mark.usefixtures("pupils")
async def test_pupils_never_share_an_in_file_key_whatever_the_year(engine, tmp_path):
    """The key of a half-day packs pupil, date and half; dates of a far year once spilled into
    the pupil's bits, so that two pupils' rows were taken for a conflict."""
    far = VirtualClock(dt.datetime(2926, 11, 17, 9, 30, tzinfo=BRUSSELS))
    rows = "".join(f"P{n};2926-11-17;am;B;;\n" for n in range(1, 5))

    report = await import_feed(engine, far, write(tmp_path / "absences.csv", HEADER + rows))

    assert report.files[0].rejects == []
    assert len(await active_marks(engine)) == 4


@pytest.mark.usefixtures("pupils")
async def test_an_expected_return_years_away_is_rejected(engine, clock, tmp_path):
    path = write(tmp_path / "absences.csv", HEADER + GOOD + "P2;2026-11-17;am;Z;9999-01-01;\n")

    report = await import_feed(engine, clock, path)

    assert only_reject(report) == RowReject(
        "absences.csv",
        3,
        "expected_return",
        "9999-01-01 is more than a year after the absence (2026-11-17): is the year right?",
    )


# -- characters ----------------------------------------------------------------------------

HIDDEN = [
    ("\x1b", "U+001B (a control character)", "escape"),
    ("\x9b", "U+009B (a control character)", "c1-csi"),
    ("\u200b", "U+200B (ZERO WIDTH SPACE)", "zero-width-space"),
    ("\u200c", "U+200C (ZERO WIDTH NON-JOINER)", "zwnj"),
    ("\u200d", "U+200D (ZERO WIDTH JOINER)", "zwj"),
    ("\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE)", "bom-inside"),
    ("\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)", "bidi-override"),
    ("\u2067", "U+2067 (RIGHT-TO-LEFT ISOLATE)", "bidi-isolate"),
]


def hidden_reason(name: str, at: int) -> str:
    return (
        f"holds {name}, which shows nothing or controls the screen, at character {at}: "
        "retype the value without it"
    )


@pytest.mark.parametrize(("char", "name"), [h[:2] for h in HIDDEN], ids=[h[2] for h in HIDDEN])
@pytest.mark.usefixtures("pupils")
async def test_a_hidden_character_in_a_feed_s_pupil_id_is_refused(
    engine, clock, tmp_path, char, name
):
    path = write(tmp_path / "absences.csv", HEADER + GOOD + f"P{char}2;2026-11-17;am;B;;\n")

    report = await import_feed(engine, clock, path)

    assert only_reject(report) == RowReject("absences.csv", 3, "pupil_id", hidden_reason(name, 2))
    assert await active_marks(engine) == {("P1", "2026-11-17", "am", "B")}


ROSTER_CASES = [
    ("pupils.csv", "P0042;Ja\x1b[2Jn;Test;2012-01-01;1A;nl;;;;", "first_name", "U+001B", 3),
    ("pupils.csv", "P\u200b0042;Jan;Test;2012-01-01;1A;nl;;;;", "pupil_id", "U+200B", 2),
    ("pupils.csv", "P0042;Jan;Test\u202e;2012-01-01;1A;nl;;;;", "last_name", "U+202E", 5),
    ("pupils.csv", "P0042;Jan;Test;2012-01-01;1\u200dA;nl;;;;", "class", "U+200D", 2),
]


@pytest.mark.parametrize(("file", "row", "column", "code", "at"), ROSTER_CASES)
async def test_a_hidden_character_in_a_roster_id_or_name_is_refused(
    engine, clock, tmp_path, file, row, column, code, at
):
    folder = tmp_path / "roster"
    shutil.copytree(ROSTER, folder)
    with (folder / file).open("a", encoding="utf-8", newline="") as handle:
        handle.write(row + ("\r\n" if file == "pupils.csv" else "\n"))

    report = await import_roster(
        engine, CsvRosterSource(folder, today=clock.today()), school_id=SCHOOL,
        school_name="Testschool", clock=clock,
    )  # fmt: skip

    [reject] = [r for f in report.files for r in f.rejects]
    assert (reject.file, reject.column) == (file, column)
    assert reject.reason.startswith(f"holds {code} (")
    assert reject.reason.endswith(f"at character {at}: retype the value without it")


async def test_a_hidden_character_in_an_optional_column_leaves_the_value_out_not_the_person(
    engine, clock, tmp_path
):
    folder = tmp_path / "roster"
    shutil.copytree(ROSTER, folder)
    with (folder / "guardians.csv").open("a", encoding="utf-8", newline="") as handle:
        handle.write("G9,P01,Ann,Test,mo\u200cder,nl,,,,\n")

    report = await import_roster(
        engine, CsvRosterSource(folder, today=clock.today()), school_id=SCHOOL,
        school_name="Testschool", clock=clock,
    )  # fmt: skip

    assert not any(f.rejects for f in report.files)
    [warning] = [w for w in report.warnings if "guardians.csv" in w and "relation" in w]
    assert "holds U+200C (" in warning
    assert warning.endswith("left out, the rest of the row is kept")
    async with engine.connect() as conn:
        relation = await conn.scalar(
            sa.select(col(GuardianLink.relation))
            .join(Guardian, col(Guardian.id) == col(GuardianLink.guardian_id))
            .where(col(Guardian.guardian_id) == "G9")
        )
    assert relation is None


# -- echoes --------------------------------------------------------------------------------


@pytest.mark.usefixtures("pupils")
async def test_a_huge_rejected_value_is_echoed_as_a_short_excerpt(engine, clock, tmp_path):
    date = "2026-11-17" + "7" * 899_990
    path = write(tmp_path / "absences.csv", HEADER + GOOD + f"P2;{date};am;B;;\n")

    report = await import_feed(engine, clock, path)

    reject = only_reject(report)
    assert reject.reason == (
        f"{'2026-11-17' + '7' * 50!r}… (900,000 characters) is not a date "
        "(use YYYY-MM-DD or DD/MM/YYYY)"
    )


async def test_a_huge_unknown_column_is_named_by_an_excerpt_in_the_warning(tmp_path):
    from integrations.csv.reader import CsvTable

    path = write(tmp_path / "absences.csv", "pupil_id;date;half_day;" + "q" * 60_000 + "\n")

    with CsvTable(path, ["pupil_id", "date", "half_day"]) as table:
        [warning] = table.warnings

    assert len(warning) < 200
    assert warning.endswith("… (60,000 characters)")


async def test_a_header_of_thousands_of_columns_is_summed_up_in_the_error(engine, clock, tmp_path):
    names = ";".join(f"c{n}" for n in range(5000))
    path = write(tmp_path / "absences.csv", f"{names}\n" + GOOD)

    report = await import_feed(engine, clock, path)

    assert report.exit_code == Exit.UNUSABLE
    assert report.error.reason == (
        "missing required columns pupil_id, date, half_day (the header has: "
        + ", ".join(f"c{n}" for n in range(20))
        + " and 4,980 more)"
    )
