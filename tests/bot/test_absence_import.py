"""Importing absence feeds into SQLite and PostgreSQL (docs/contracts.md, "Files")."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.exits import Exit
from bot.imports import import_absences
from integrations.abc import RowReject
from integrations.csv.source import CsvAbsenceSource
from scheduler.calendar import SchoolCalendar
from tests.helpers.feeds import active_marks, corrections, count, import_feed, write
from tests.helpers.seed import seed_pupils

HEADER = "pupil_id;date;half_day;code;expected_return;note\n"
GOOD = "P1;2026-11-17;am;B;;\nP2;17/11/2026;vm;Z;;griep\n"
GOOD_MARKS = {("P1", "2026-11-17", "am", "B"), ("P2", "2026-11-17", "am", "Z")}


@pytest.fixture
async def pupils(engine, clock):
    await seed_pupils(engine, clock, ["P1", "P2", "P3"])


# Each bad row sits between two good rows; the expected reject is exact.
BAD_ROWS = [
    ("unknown pupil", "P9;2026-11-17;am;B;;", "pupil_id", "no pupil with id 'P9' in the roster"),
    ("empty pupil", ";2026-11-17;am;B;;", "pupil_id", "is empty"),
    ("not a date", "P3;17-11-2026;am;B;;", "date",
     "'17-11-2026' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
    ("impossible date", "P3;31/02/2026;am;B;;", "date",
     "'31/02/2026' is not a date in the calendar"),
    ("bad half-day", "P3;2026-11-17;morning;B;;", "half_day",
     "'morning' is not a half-day (am/pm or vm/nm)"),
    ("unknown code", "P3;2026-11-17;am;Q;;", "code",
     "unknown absence code 'Q' (expected one of B, Z, R, P, M, H, A, '-' or empty)"),
    ("L without mapping", "P3;2026-11-17;am;L;;", "code",
     "code 'L' has no fixed meaning: set the school's mapping "
     "(for example [codes] L = \"P\" in the configuration)"),
    ("return before absence", "P3;2026-11-17;am;Z;2026-11-16;", "expected_return",
     "2026-11-16 is before the absence (2026-11-17)"),
    ("return not a date", "P3;2026-11-17;am;Z;soon;", "expected_return",
     "'soon' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"),
    ("too few fields", "P3;2026-11-17;am", None, "has 3 fields where the header has 6"),
    ("too many fields", "P3;2026-11-17;am;B;;;extra", None, "has 7 fields where the header has 6"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "column", "reason"), [r[1:] for r in BAD_ROWS], ids=[r[0] for r in BAD_ROWS]
)
@pytest.mark.usefixtures("pupils")
async def test_a_bad_row_is_rejected_with_its_place_and_the_rest_imported(
    engine, clock, tmp_path, row, column, reason
):
    lines = GOOD.splitlines()
    feed = write(tmp_path / "absences.csv", HEADER + f"{lines[0]}\n{row}\n{lines[1]}\n")

    report = await import_feed(engine, clock, feed)

    assert report.exit_code == Exit.REJECTS
    assert report.files[0].rejects == [RowReject("absences.csv", 3, column, reason)]
    assert report.files[0].summary() == {
        "summary": True, "file": "absences.csv", "rows": 3, "imported": 2, "unchanged": 0,
        "rejected": 1, "corrections": 0,
    }  # fmt: skip
    assert await active_marks(engine) == GOOD_MARKS


UNUSABLE = [
    ("missing column", "pupil_id;date;code\nP1;2026-11-17;B\n", 1, "half_day",
     "missing required column half_day (the header has: pupil_id, date, code)"),
    ("empty file", "", None, None, "the file is empty: a header row is required"),
    ("twice the same column", "pupil_id;date;half_day;date\nP1;2026-11-17;am;x\n", 1, None,
     "column 'date' appears twice in the header"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "column", "reason"), [u[1:] for u in UNUSABLE], ids=[u[0] for u in UNUSABLE]
)
@pytest.mark.usefixtures("pupils")
async def test_an_unusable_file_imports_nothing(
    engine, clock, tmp_path, text, line, column, reason
):
    report = await import_feed(engine, clock, write(tmp_path / "absences.csv", text))

    assert report.exit_code == Exit.UNUSABLE
    assert (report.error.file, report.error.line, report.error.column, report.error.reason) == (
        "absences.csv", line, column, reason,
    )  # fmt: skip
    assert await count(engine, "absence_mark") == 0
    async with engine.connect() as conn:
        run = (await conn.execute(sa.text("SELECT status, imported FROM import_run"))).one()
        stored = (await conn.execute(sa.text("SELECT file, line, reason FROM import_reject"))).all()
    assert tuple(run) == ("unusable", 0)
    assert [tuple(r) for r in stored] == [("absences.csv", line, reason)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b"PK\x03\x04rest of a zip",
            "not a CSV file: it looks like an Excel workbook or another "
            "zip file (save it as 'CSV UTF-8')",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1",
            "not a CSV file: it looks like an old Excel (.xls) workbook (save it as 'CSV UTF-8')",
        ),
        (
            "pupil_id;date;half_day\n".encode("utf-16"),
            "not a CSV file: it contains binary data (or is UTF-16: save it as 'CSV UTF-8')",
        ),
    ],
    ids=["xlsx", "xls", "utf-16"],
)
@pytest.mark.usefixtures("pupils")
async def test_a_file_that_is_not_csv_is_rejected_whole(engine, clock, tmp_path, content, reason):
    path = tmp_path / "absences.csv"
    path.write_bytes(content)

    report = await import_feed(engine, clock, path)

    assert report.exit_code == Exit.UNUSABLE
    assert report.error.reason == reason


@pytest.mark.usefixtures("pupils")
async def test_a_file_not_in_utf8_halfway_leaves_nothing_behind(engine, clock, tmp_path):
    # Small batches, so the first rows were already written when the bad byte is met.
    good = "".join(
        f"P{1 + n % 3};2026-11-{10 + n // 6:02d};{'am' if n % 2 else 'pm'};B;;\n" for n in range(30)
    )
    path = tmp_path / "absences.csv"
    # Line 32 was saved by Excel as plain "CSV" (cp1252): its "é" is not UTF-8.
    path.write_bytes((HEADER + good).encode() + "P1;2026-11-30;am;B;;café\n".encode("cp1252"))

    report = await import_feed(engine, clock, path, batch_rows=5)

    assert report.exit_code == Exit.UNUSABLE
    assert report.error.line == 32  # the header, 30 good rows, then the bad one
    assert report.error.reason == (
        "not UTF-8 text (byte 0xe9); save the file as 'CSV UTF-8', not as plain 'CSV'"
    )
    assert await count(engine, "absence_mark") == 0
    assert await count(engine, "feed_day") == 0


@pytest.mark.usefixtures("pupils")
async def test_the_same_feed_twice_changes_nothing(engine, clock, tmp_path):
    feed = write(tmp_path / "absences.csv", HEADER + GOOD + "P3;2026-11-18;pm;-;;\n")
    first = await import_feed(engine, clock, feed)
    clock.advance(timedelta(hours=1))

    second = await import_feed(engine, clock, feed)

    assert first.files[0].imported == 3
    assert second.exit_code == Exit.OK
    assert second.files[0].summary() == {
        "summary": True, "file": "absences.csv", "rows": 3, "imported": 0, "unchanged": 3,
        "rejected": 0, "corrections": 0,
    }  # fmt: skip
    assert await corrections(engine) == []
    assert await count(engine, "absence_mark") == 3


@pytest.mark.usefixtures("pupils")
async def test_a_second_feed_for_a_date_records_its_corrections_and_keeps_history(
    engine, clock, tmp_path
):
    await import_feed(
        engine, clock, write(tmp_path / "a.csv", HEADER + GOOD + "P3;2026-11-17;pm;B;;\n")
    )
    clock.advance(timedelta(hours=2))
    # P1 was there after all (dropped); P2's illness turned out to be a funeral (Z -> R).
    second = write(tmp_path / "b.csv", HEADER + "P2;2026-11-17;am;R;;griep\nP3;2026-11-17;pm;B;;\n")

    report = await import_feed(engine, clock, second)

    assert report.files[0].summary() == {
        "summary": True, "file": "b.csv", "rows": 2, "imported": 1, "unchanged": 1,
        "rejected": 0, "corrections": 2,
    }  # fmt: skip
    assert await corrections(engine) == [
        ("P2", "2026-11-17 am", "changed", "Z", "R"),
        ("P1", "2026-11-17 am", "retracted", "B", None),
    ]
    assert await active_marks(engine) == {
        ("P2", "2026-11-17", "am", "R"), ("P3", "2026-11-17", "pm", "B"),
    }  # fmt: skip
    async with engine.connect() as conn:
        p1 = (await conn.execute(sa.text(
            "SELECT m.code, m.first_seen, m.retracted_at FROM absence_mark m"
            " JOIN pupil p ON p.id = m.pupil_id WHERE p.pupil_id = 'P1'"
        ))).one()  # fmt: skip
    assert p1.code == "B"  # the retracted mark is kept as it was, with when it was retracted
    assert p1.retracted_at is not None


@pytest.mark.usefixtures("pupils")
async def test_a_mark_listed_again_is_reinstated(engine, clock, tmp_path):
    await import_feed(engine, clock, write(tmp_path / "a.csv", HEADER + GOOD))
    await import_feed(
        engine, clock, write(tmp_path / "b.csv", HEADER + "P2;2026-11-17;am;Z;;griep\n")
    )

    report = await import_feed(engine, clock, write(tmp_path / "c.csv", HEADER + GOOD))

    assert report.files[0].imported == 1
    assert report.files[0].unchanged == 1
    assert [c[2] for c in await corrections(engine)] == ["retracted", "reinstated"]
    assert await active_marks(engine) == GOOD_MARKS


@pytest.mark.usefixtures("pupils")
async def test_dates_not_in_the_feed_are_left_alone(engine, clock, tmp_path):
    await import_feed(engine, clock, write(tmp_path / "a.csv", HEADER + GOOD))

    await import_feed(engine, clock, write(tmp_path / "b.csv", HEADER + "P3;2026-11-18;am;B;;\n"))

    assert await active_marks(engine) == GOOD_MARKS | {("P3", "2026-11-18", "am", "B")}
    async with engine.connect() as conn:
        days = (await conn.execute(sa.text("SELECT date FROM feed_day ORDER BY date"))).scalars()
        assert [str(day) for day in days] == ["2026-11-17", "2026-11-18"]


@pytest.mark.usefixtures("pupils")
async def test_a_rejected_row_does_not_retract_the_mark_it_names(engine, clock, tmp_path):
    await import_feed(engine, clock, write(tmp_path / "a.csv", HEADER + GOOD))

    # P1's row now has an unreadable code: the stored B must stay, not count as corrected.
    report = await import_feed(
        engine,
        clock,
        write(tmp_path / "b.csv", HEADER + "P1;2026-11-17;am;Q;;\nP2;2026-11-17;am;Z;;griep\n"),
    )

    assert report.files[0].rejected == 1
    assert report.files[0].corrections == 0
    assert await active_marks(engine) == GOOD_MARKS


DUPLICATES = [
    ("repeat", "P1;2026-11-17;am;B;;\n", [(3, "repeats line 2 (same mark for 2026-11-17 am)")],
     GOOD_MARKS),
    ("conflict", "P1;2026-11-17;vm;Z;;\n",
     [(2, "conflicts with line 3: another mark for 2026-11-17 am; neither imported"),
      (3, "conflicts with line 2: another mark for 2026-11-17 am; neither imported")],
     {("P2", "2026-11-17", "am", "Z")}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("extra", "rejects", "marks"), [d[1:] for d in DUPLICATES], ids=[d[0] for d in DUPLICATES]
)
@pytest.mark.parametrize("stored_before", [False, True], ids=["fresh date", "stored date"])
@pytest.mark.usefixtures("pupils")
async def test_two_rows_for_one_half_day(
    engine, clock, tmp_path, extra, rejects, marks, stored_before
):
    if stored_before:  # the date goes through the merge path
        await import_feed(
            engine, clock, write(tmp_path / "a.csv", HEADER + "P3;2026-11-17;am;B;;\n")
        )
    lines = GOOD.splitlines()
    feed = write(tmp_path / "b.csv", HEADER + f"{lines[0]}\n{extra}{lines[1]}\n")

    report = await import_feed(engine, clock, feed)

    assert [(r.line, r.reason) for r in report.files[0].rejects] == rejects
    assert await active_marks(engine) == marks


@pytest.mark.usefixtures("pupils")
async def test_conflict_on_a_stored_date_keeps_the_stored_mark(engine, clock, tmp_path):
    await import_feed(engine, clock, write(tmp_path / "a.csv", HEADER + GOOD))

    feed = HEADER + "P1;2026-11-17;am;Z;;\nP1;2026-11-17;am;R;;\nP2;2026-11-17;am;Z;;griep\n"
    report = await import_feed(engine, clock, write(tmp_path / "b.csv", feed))

    assert report.files[0].rejected == 2
    assert report.files[0].corrections == 0
    assert await active_marks(engine) == GOOD_MARKS


LEGACY = [
    ("D", "Z"), ("T", "R"), ("U", "R"), ("Y", "R"), ("C", "R"), ("J", "R"), ("b", "B"),
    (" z ", "Z"), ("", "-"), ("-", "-"), ("A", "A"), ("M", "M"), ("H", "H"), ("P", "P"),
]  # fmt: skip


@pytest.mark.parametrize(("letter", "code"), LEGACY)
@pytest.mark.usefixtures("pupils")
async def test_older_letters_are_mapped(engine, clock, tmp_path, letter, code):
    report = await import_feed(
        engine, clock, write(tmp_path / "a.csv", HEADER + f"P1;2026-11-17;am;{letter};;\n")
    )

    assert report.exit_code == Exit.OK
    assert await active_marks(engine) == {("P1", "2026-11-17", "am", code)}


@pytest.mark.usefixtures("pupils")
async def test_a_school_maps_its_own_letters(engine, clock, tmp_path):
    feed = write(tmp_path / "a.csv", HEADER + "P1;2026-11-17;am;L;;\n")

    report = await import_feed(engine, clock, feed, code_map={"L": "P"})

    assert report.exit_code == Exit.OK
    assert await active_marks(engine) == {("P1", "2026-11-17", "am", "P")}


@pytest.mark.usefixtures("pupils")
async def test_comma_bom_spaces_and_column_order(engine, clock, tmp_path):
    text = "\ufeff note , half_day,date, pupil_id ,extra\r\n ,PM , 2026-11-17 , P1 ,x\r\n\r\n"
    report = await import_feed(engine, clock, write(tmp_path / "a.csv", text))

    assert report.exit_code == Exit.OK
    assert report.warnings == ["a.csv: ignoring unknown column(s): extra"]
    assert await active_marks(engine) == {("P1", "2026-11-17", "pm", "-")}


@pytest.mark.usefixtures("pupils")
async def test_a_quoted_note_over_two_lines_keeps_line_numbers_right(engine, clock, tmp_path):
    text = HEADER + 'P1;2026-11-17;am;B;;"twee\nregels"\nP9;2026-11-17;am;B;;\n'
    report = await import_feed(engine, clock, write(tmp_path / "a.csv", text))

    assert [(r.line, r.column) for r in report.files[0].rejects] == [(4, "pupil_id")]
    async with engine.connect() as conn:
        assert await conn.scalar(sa.text("SELECT note FROM absence_mark")) == "twee\nregels"


@pytest.mark.usefixtures("pupils")
async def test_the_run_is_recorded_with_its_rejects(engine, clock, tmp_path):
    feed = write(tmp_path / "absences.csv", HEADER + GOOD + "P9;2026-11-17;am;B;;\n")

    report = await import_feed(engine, clock, feed)

    async with engine.connect() as conn:
        run = (await conn.execute(sa.text("SELECT * FROM import_run"))).one()
        stored = (
            await conn.execute(sa.text('SELECT file, line, "column", reason FROM import_reject'))
        ).all()
    assert run.id == report.run_id
    assert (run.kind, run.source, run.started_by, run.status) == (
        "absences",
        "csv:absences.csv",
        "test",
        "partial",
    )
    assert (run.rows, run.imported, run.rejected) == (3, 2, 1)
    assert run.finished_at is not None
    assert [tuple(r) for r in stored] == [
        ("absences.csv", 4, "pupil_id", "no pupil with id 'P9' in the roster")
    ]


async def test_a_large_feed_in_many_batches(engine, clock, tmp_path):
    pupils = [f"P{n:04d}" for n in range(300)]
    await seed_pupils(engine, clock, pupils)
    rows = [
        f"{p};2026-11-{d:02d};{h};B;;" for d in (16, 17, 18) for p in pupils for h in ("am", "pm")
    ]
    feed = write(tmp_path / "a.csv", HEADER + "\n".join(rows) + "\n")

    first = await import_feed(engine, clock, feed, batch_rows=250)
    second = await import_feed(engine, clock, feed, batch_rows=250)

    assert (first.files[0].imported, second.files[0].unchanged) == (1800, 1800)
    assert await count(engine, "absence_mark") == 1800


# A rejected row is no proof that a mark is gone: what it still names stays as stored.
GUARDED = [
    ("bad half-day guards both halves", "P1;2026-11-17;middag;B;;\n",
     {("P1", "2026-11-17", "am", "B"), ("P1", "2026-11-17", "pm", "B")}, None),
    ("bad code guards that half-day", "P1;2026-11-17;am;Q;;\n",
     {("P1", "2026-11-17", "am", "B")}, None),
    ("no pupil id guards the whole date", ";2026-11-17;am;B;;\n",
     {("P1", "2026-11-17", "am", "B"), ("P1", "2026-11-17", "pm", "B"),
      ("P3", "2026-11-17", "am", "B")},
     "rows without a readable pupil id were rejected, so no stored mark of 2026-11-17"),
    ("bad date guards everything", "P1;2026-11-37;am;B;;\n",
     {("P1", "2026-11-17", "am", "B"), ("P1", "2026-11-17", "pm", "B"),
      ("P3", "2026-11-17", "am", "B")},
     "some rejected rows name no readable date, so no stored mark was taken back"),
    ("a row that cannot be split guards everything", "P1;2026-11-17\n",
     {("P1", "2026-11-17", "am", "B"), ("P1", "2026-11-17", "pm", "B"),
      ("P3", "2026-11-17", "am", "B")},
     "some rejected rows name no readable date"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("bad_row", "kept", "warning"), [g[1:] for g in GUARDED], ids=[g[0] for g in GUARDED]
)
@pytest.mark.usefixtures("pupils")
async def test_rejected_rows_keep_what_they_name(engine, clock, tmp_path, bad_row, kept, warning):
    stored = "P1;2026-11-17;am;B;;\nP1;2026-11-17;pm;B;;\nP3;2026-11-17;am;B;;\n"
    await import_feed(engine, clock, write(tmp_path / "a.csv", HEADER + stored))

    # The new feed lists only P2 for that date, plus one rejected row.
    feed = write(tmp_path / "b.csv", HEADER + "P2;2026-11-17;am;Z;;\n" + bad_row)
    report = await import_feed(engine, clock, feed)

    assert report.files[0].rejected == 1
    assert await active_marks(engine) == kept | {("P2", "2026-11-17", "am", "Z")}
    if warning is None:
        assert report.warnings == []
    else:
        assert len(report.warnings) == 1
        assert warning in report.warnings[0]


@pytest.mark.usefixtures("pupils")
async def test_marks_without_lessons_are_stored_and_pointed_out(engine, clock, tmp_path):
    # Saturday 21 Nov, Wednesday 18 Nov in the afternoon, and Armistice Day 11 Nov.
    feed = HEADER + (
        "P1;2026-11-21;am;B;;\nP1;2026-11-18;pm;B;;\nP2;2026-11-18;am;B;;\nP3;2026-11-11;am;B;;\n"
    )

    report = await import_absences(
        engine,
        CsvAbsenceSource(write(tmp_path / "a.csv", feed)),
        school_id="school",
        school_name="Testschool",
        clock=clock,
        calendar=SchoolCalendar(),
    )

    assert report.exit_code == Exit.OK
    assert report.files[0].imported == 4
    assert report.warnings == [
        "a.csv: 3 mark(s) fall on half-days without lessons in the school calendar (the first: "
        "2026-11-21 am); they are stored, but Gemist does not act on them"
    ]
