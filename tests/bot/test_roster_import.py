"""Importing a roster folder end to end, on SQLite and PostgreSQL (the ``engine`` fixture).

The example folder ``tests/data/roster/basic`` has 3 staff, 3 pupils, 5 guardian links (G03 is
the guardian of two pupils) and 3 teaching assignments. Cases append a row to one of its files,
or change it, and check the report and what is stored.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.contacts import ContactState
from bot.contacts.store import link_chat, set_state
from bot.exits import Exit
from bot.imports import ImportReport, import_roster
from bot.models import Contact
from bot.telegram._store import set_language
from integrations.abc import RowReject
from integrations.csv import CsvRosterSource
from scheduler.clock import VirtualClock

BASIC = Path(__file__).parents[1] / "data" / "roster" / "basic"
SCHOOL = "school"
FILES = ("pupils.csv", "guardians.csv", "staff.csv", "teaching.csv")

# What the example folder stores, per file, as :func:`listed` reads it back.
BASE: dict[str, set[Any]] = {
    "pupils.csv": {"P01", "P02", "P03"},
    "guardians.csv": {
        ("G01", "P01"),
        ("G02", "P02"),
        ("G03", "P02"),
        ("G03", "P01"),
        ("G04", "P03"),
    },
    "staff.csv": {"S01", "S02", "S03"},
    "teaching.csv": {
        ("S02", "1A", "titularis"),
        ("S01", "1A", "teacher"),
        ("S02", "6B", "teacher"),
    },
}
NOW = dt.datetime(2026, 9, 2, 8, tzinfo=dt.UTC)
# The line a row appended to each file gets.
NEXT_LINE = {"pupils.csv": 5, "guardians.csv": 7, "staff.csv": 5, "teaching.csv": 5}


def roster(tmp_path: Path, name: str = "roster") -> Path:
    folder = tmp_path / name
    shutil.copytree(BASIC, folder)
    return folder


def append(folder: Path, file: str, row: str) -> None:
    # pupils.csv is as Excel writes it: ';' and CRLF.
    with (folder / file).open("a", encoding="utf-8", newline="") as handle:
        handle.write(row + ("\r\n" if file == "pupils.csv" else "\n"))


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_bytes().decode("utf-8")  # as it is: BOM and CRLF included
    assert old in text
    path.write_bytes(text.replace(old, new, 1).encode("utf-8"))


async def run(
    engine: AsyncEngine, folder: Path, clock: VirtualClock, school: str = SCHOOL
) -> ImportReport:
    source = CsvRosterSource(folder, today=clock.today())
    report = await import_roster(
        engine, source, school_id=school, school_name="Testschool", clock=clock
    )
    for file in report.files:
        assert file.rows == file.imported + file.unchanged + file.rejected, file
    return report


def counts(report: ImportReport) -> list[tuple[str, int, int, int, int, int]]:
    """(file, rows, imported, unchanged, rejected, corrections) per file, in report order."""
    return [
        (f.file, f.rows, f.imported, f.unchanged, f.rejected, f.corrections) for f in report.files
    ]


async def query(engine: AsyncEngine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async with engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(sa.text(sql), params)]


async def listed(engine: AsyncEngine, file: str, school: str = SCHOOL) -> set[Any]:
    """What is stored as current for a file: active people, existing links."""
    sql = {
        "pupils.csv": "SELECT pupil_id FROM pupil WHERE school_id = :s AND active = :yes",
        "staff.csv": "SELECT staff_id FROM staff WHERE school_id = :s AND active = :yes",
        "guardians.csv": (
            "SELECT g.guardian_id, p.pupil_id FROM guardian_link l"
            " JOIN guardian g ON g.id = l.guardian_id JOIN pupil p ON p.id = l.pupil_id"
            " WHERE g.school_id = :s AND g.active = :yes"
        ),
        "teaching.csv": (
            "SELECT s.staff_id, c.name, t.role FROM teaching_assignment t"
            " JOIN staff s ON s.id = t.staff_id JOIN school_class c ON c.id = t.class_id"
            " WHERE s.school_id = :s AND s.active = :yes"
        ),
    }[file]
    rows = await query(engine, sql, s=school, yes=True)
    return {row[0] if len(row) == 1 else row for row in rows}


async def pupil(engine: AsyncEngine, pupil_id: str) -> dict[str, Any]:
    [row] = await query(
        engine,
        "SELECT p.first_name, c.name, s.staff_id, p.language, p.guardian_consent,"
        " (SELECT t.address FROM contact t WHERE t.role = 'pupil' AND t.person_id = p.id"
        " AND t.channel = 'telegram'), p.active, p.birth_date, p.updated_at FROM pupil p"
        " JOIN school_class c ON c.id = p.class_id LEFT JOIN staff s ON s.id = p.spilfiguur_id"
        " WHERE p.school_id = :s AND p.pupil_id = :id",
        s=SCHOOL,
        id=pupil_id,
    )
    names = ("first_name", "class", "spilfiguur", "language", "guardian_consent", "telegram")
    values = dict(zip(names, row[:6], strict=True))
    values["guardian_consent"] = None if row[4] is None else bool(row[4])
    values["telegram"] = None if row[5] is None else int(row[5])
    values["active"] = bool(row[6])
    values["birth_date"] = str(row[7])
    values["updated_at"] = str(row[8])
    return values


async def key(engine: AsyncEngine, role: str, roster_id: str) -> int:
    [(pk,)] = await query(engine, f"SELECT id FROM {role} WHERE {role}_id = :id", id=roster_id)
    return int(pk)


async def contacts_of(
    engine: AsyncEngine, role: str, roster_id: str
) -> dict[str, tuple[str | None, str, bool]]:
    """Per channel: the address, the state and whether the person chose it."""
    rows = await query(
        engine,
        "SELECT channel, address, state, chosen FROM contact WHERE role = :role"
        " AND person_id = :pk",
        role=role,
        pk=await key(engine, role, roster_id),
    )
    return {channel: (address, state, bool(chosen)) for channel, address, state, chosen in rows}


async def total(engine: AsyncEngine, table: str) -> int:
    [(number,)] = await query(engine, f"SELECT COUNT(*) FROM {table}")
    return int(number)


# --- a valid roster -----------------------------------------------------------------------


async def test_first_import(engine: AsyncEngine, clock: VirtualClock) -> None:
    report = await run(engine, BASIC, clock)
    assert report.exit_code == Exit.OK
    assert report.warnings == []
    assert counts(report) == [
        ("pupils.csv", 3, 3, 0, 0, 0),
        ("guardians.csv", 5, 5, 0, 0, 0),
        ("staff.csv", 3, 3, 0, 0, 0),
        ("teaching.csv", 3, 3, 0, 0, 0),
    ]
    for file in FILES:
        assert await listed(engine, file) == BASE[file]
    p01, p03 = await pupil(engine, "P01"), await pupil(engine, "P03")
    assert (p01["class"], p01["spilfiguur"], p01["language"]) == ("1A", "S01", "ar")
    assert p01["birth_date"] == "2012-03-04"
    assert (p03["class"], p03["spilfiguur"], p03["language"]) == ("6B", None, "nl")
    assert (p03["guardian_consent"], p03["telegram"]) == (True, 123456789)
    links = await query(
        engine,
        "SELECT p.pupil_id, l.relation, l.may_contact FROM guardian_link l"
        " JOIN guardian g ON g.id = l.guardian_id JOIN pupil p ON p.id = l.pupil_id"
        " WHERE g.guardian_id = 'G03' ORDER BY p.pupil_id",
    )
    assert [(p, r, bool(m)) for p, r, m in links] == [
        ("P01", "plusmoeder", False),
        ("P02", "moeder", True),
    ]
    assert await total(engine, "guardian") == 4
    assert sorted(row[0] for row in await query(engine, "SELECT name FROM school_class")) == [
        "1A",
        "6B",
    ]


async def test_reimport_changes_nothing(engine: AsyncEngine, clock: VirtualClock) -> None:
    await run(engine, BASIC, clock)
    before = await pupil(engine, "P02")
    clock.advance(dt.timedelta(days=1))
    report = await run(engine, BASIC, clock)
    assert report.exit_code == Exit.OK
    assert counts(report) == [
        ("pupils.csv", 3, 0, 3, 0, 0),
        ("guardians.csv", 5, 0, 5, 0, 0),
        ("staff.csv", 3, 0, 3, 0, 0),
        ("teaching.csv", 3, 0, 3, 0, 0),
    ]
    assert await pupil(engine, "P02") == before
    assert await total(engine, "pupil") == 3


@dataclass(frozen=True)
class Change:
    name: str
    file: str
    old: str
    new: str
    counts: tuple[int, int, int]  # imported, unchanged, corrections of that file


CHANGES = [
    Change("a pupil's language", "pupils.csv", "15/09/2011;1A;tr;", "15/09/2011;1A;fr;", (1, 2, 0)),
    Change("a pupil's class", "pupils.csv", "2012-03-04;1A;", "2012-03-04;2C;", (1, 2, 0)),
    Change(
        "a guardian's e-mail", "guardians.csv", "samira@example", "samira.ea@example", (1, 4, 0)
    ),
    Change(
        # The details of a guardian of two pupils are on both rows: one change, one row.
        "e-mail of a guardian of two",
        "guardians.csv",
        "ayse@example.be,,ja,\nG03,P01,Ayşe,Kaya,plusmoeder,tr,ayse@example.be",
        "ayse.kaya@example.be,,ja,\nG03,P01,Ayşe,Kaya,plusmoeder,tr,ayse.kaya@example.be",
        (1, 4, 0),
    ),
    Change(
        "may_contact on one link of a guardian of two",
        "guardians.csv",
        "plusmoeder,tr,ayse@example.be,,nee",
        "plusmoeder,tr,ayse@example.be,,ja",
        (1, 4, 0),
    ),
    Change("a staff role", "staff.csv", "Claes,teacher", "Claes,direction", (1, 2, 0)),
    Change("a teaching role", "teaching.csv", "S02,6B,teacher", "S02,6B,titularis", (1, 2, 0)),
    Change("a teaching row gone", "teaching.csv", "S02,6B,teacher\n", "", (0, 2, 1)),
    Change(
        "a guardian link gone",
        "guardians.csv",
        "G02,P02,Mehmet,Kaya,vader,tr,,0480 11 22 33,yes,\n",
        "",
        (0, 4, 1),
    ),
]


@pytest.mark.parametrize("case", CHANGES, ids=lambda c: c.name)
async def test_a_change_imports_one_row(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path, case: Change
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    edit(folder, case.file, case.old, case.new)
    report = await run(engine, folder, clock)
    by_file = {f.file: f for f in report.files}
    changed = by_file[case.file]
    assert (changed.imported, changed.unchanged, changed.corrections) == case.counts
    assert all(f.imported == f.corrections == 0 for f in report.files if f is not changed)


async def test_stored_values_follow_a_change(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    edit(
        folder,
        "pupils.csv",
        "P02;Emre;Kaya;15/09/2011;1A;tr;S01",
        "P02;Emre;Kaya;15/09/2011;2C;fr;S02",
    )
    await run(engine, folder, clock)
    p02 = await pupil(engine, "P02")
    assert (p02["class"], p02["language"], p02["spilfiguur"]) == ("2C", "fr", "S02")


# --- people who left, links no longer listed --------------------------------------------


async def test_a_pupil_who_left_is_kept_inactive(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    edit(folder, "pupils.csv", "P03;Lotte;Janssens;2007-05-20;6B;;;ja;;123456789\r\n", "")
    edit(folder, "guardians.csv", "G04,P03,Els,Janssens,moeder,nl,els@example.be,,no,\n", "")
    report = await run(engine, folder, clock)
    assert report.exit_code == Exit.OK
    assert counts(report)[:2] == [("pupils.csv", 2, 0, 2, 0, 1), ("guardians.csv", 4, 0, 4, 0, 1)]
    p03 = await pupil(engine, "P03")
    assert (p03["active"], p03["first_name"]) == (False, "Lotte")
    assert await listed(engine, "pupils.csv") == {"P01", "P02"}
    assert ("G04", "P03") not in await listed(engine, "guardians.csv")
    [(g04_active,)] = await query(engine, "SELECT active FROM guardian WHERE guardian_id = 'G04'")
    assert not g04_active

    # Still gone: nothing more to retire.
    report = await run(engine, folder, clock)
    assert counts(report)[:2] == [("pupils.csv", 2, 0, 2, 0, 0), ("guardians.csv", 4, 0, 4, 0, 0)]

    # Back at school: active again, the same row.
    report = await run(engine, BASIC, clock)
    assert counts(report)[:2] == [("pupils.csv", 3, 1, 2, 0, 0), ("guardians.csv", 5, 1, 4, 0, 0)]
    assert (await pupil(engine, "P03"))["active"] is True
    assert await listed(engine, "guardians.csv") == BASE["guardians.csv"]
    assert await total(engine, "pupil") == 3


async def test_staff_who_left_is_kept_inactive(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    edit(folder, "staff.csv", "S03,Fatma,Yilmaz,clb,,nl\n", "")
    report = await run(engine, folder, clock)
    assert counts(report)[2] == ("staff.csv", 2, 0, 2, 0, 1)
    assert await listed(engine, "staff.csv") == {"S01", "S02"}
    assert await total(engine, "staff") == 3


async def test_rejected_rows_keep_who_is_missing(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    """A file with rejected rows is no complete list: the missing pupil may be the bad row."""
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    edit(folder, "pupils.csv", "P03;Lotte;Janssens;2007-05-20;", "P03;Lotte;Janssens;2007-02-30;")
    edit(folder, "teaching.csv", "S02,6B,teacher\n", "S99,6B,teacher\n")
    report = await run(engine, folder, clock)
    assert report.exit_code == Exit.REJECTS
    assert counts(report) == [
        ("pupils.csv", 3, 0, 2, 1, 0),
        ("guardians.csv", 5, 0, 4, 1, 0),
        ("staff.csv", 3, 0, 3, 0, 0),
        ("teaching.csv", 3, 0, 2, 1, 0),
    ]
    fix = "; fix those rows and import again"
    assert report.warnings == [
        "pupils.csv: 1 row rejected, so 1 pupil it no longer lists stays as stored" + fix,
        "guardians.csv: 1 row rejected, so 2 guardians and guardian links it no longer lists "
        "stay as stored" + fix,
        "teaching.csv: 1 row rejected, so 1 teaching assignment it no longer lists stays as "
        "stored" + fix,
    ]
    for file in FILES:
        assert await listed(engine, file) == BASE[file]


# --- bad rows: rejected where they are, every valid row imported ---------------------------


@dataclass(frozen=True)
class Bad:
    name: str
    file: str
    row: str
    column: str | None
    reason: str


BAD = [
    Bad(
        "empty required value",
        "pupils.csv",
        "P09;;Peeters;2012-01-01;1A;;;;;",
        "first_name",
        "is empty: a value is required",
    ),
    Bad(
        "not a date",
        "pupils.csv",
        "P09;Ana;Peeters;31/02/2012;1A;;;;;",
        "birth_date",
        "'31/02/2012' is not a date in the calendar",
    ),
    Bad(
        "born in the future",
        "pupils.csv",
        "P09;Ana;Peeters;2027-01-05;1A;;;;;",
        "birth_date",
        "2027-01-05 is in the future",
    ),
    Bad(
        "too young",
        "pupils.csv",
        "P09;Ana;Peeters;2025-06-01;1A;;;;;",
        "birth_date",
        "2025-06-01 makes the pupil 1 year old on 2026-11-17; "
        "a pupil is 2 to 30: is the year right?",
    ),
    Bad(
        "too old",
        "pupils.csv",
        "P09;Ana;Peeters;1990-01-01;1A;;;;;",
        "birth_date",
        "1990-01-01 makes the pupil 36 years old on 2026-11-17; "
        "a pupil is 2 to 30: is the year right?",
    ),
    Bad(
        "language name",
        "pupils.csv",
        "P09;Ana;Peeters;2012-01-01;1A;turkish;;;;",
        "language",
        "'turkish' is not a language code: use 'tr'",
    ),
    Bad(
        "consent not yes/no",
        "pupils.csv",
        "P09;Ana;Peeters;2012-01-01;1A;;;misschien;;",
        "guardian_consent",
        "'misschien' is not 'yes' or 'no'",
    ),
    Bad(
        "bad e-mail",
        "pupils.csv",
        "P09;Ana;Peeters;2012-01-01;1A;;;;ana@;",
        "email",
        "'ana@' is not an e-mail address",
    ),
    Bad(
        "bad chat id",
        "pupils.csv",
        "P09;Ana;Peeters;2012-01-01;1A;;;;;@ana",
        "telegram",
        "'@ana' is not a Telegram chat id (a whole number)",
    ),
    Bad(
        "pupil id twice",
        "pupils.csv",
        "P01;Other;Name;2012-01-01;1A;;;;;",
        "pupil_id",
        "pupil 'P01' is already on line 2",
    ),
    Bad(
        "unknown spilfiguur",
        "pupils.csv",
        "P09;Ana;Peeters;2012-01-01;1A;;S99;;;",
        "spilfiguur",
        "no staff member 'S99' in staff.csv",
    ),
    Bad("too few fields", "pupils.csv", "P09;Ana", None, "has 2 fields where the header has 10"),
    Bad(
        "guardian language empty",
        "guardians.csv",
        "G09,P01,Jan,Peeters,,,,,,",
        "language",
        "is empty: a value is required",
    ),
    Bad(
        "may_contact not yes/no",
        "guardians.csv",
        "G09,P01,Jan,Peeters,,nl,,,soms,",
        "may_contact",
        "'soms' is not 'yes' or 'no'",
    ),
    Bad(
        "guardian details differ",
        "guardians.csv",
        "G01,P02,Samira,El Amrani,moeder,ar,other@example.be,0470 12 34 56,,",
        "email",
        "guardian 'G01' has email 'other@example.be' here but 'samira@example.be' on line 2; "
        "give a guardian the same details on every row",
    ),
    Bad(
        "guardian-pupil pair twice",
        "guardians.csv",
        "G02,P02,Mehmet,Kaya,vader,tr,,0480 11 22 33,yes,",
        "pupil_id",
        "guardian 'G02' is already linked to pupil 'P02' on line 3",
    ),
    Bad(
        "guardian of an unknown pupil",
        "guardians.csv",
        "G09,P99,Jan,Peeters,,nl,,,,",
        "pupil_id",
        "no pupil 'P99' in pupils.csv",
    ),
    Bad(
        "staff role",
        "staff.csv",
        "S09,Ann,Peeters,boss,,",
        "role",
        "'boss' is not a staff role (teacher, coordinator, clb or direction)",
    ),
    Bad(
        "staff id twice",
        "staff.csv",
        "S01,Other,Person,teacher,,",
        "staff_id",
        "staff member 'S01' is already on line 2",
    ),
    Bad(
        "teaching role",
        "teaching.csv",
        "S03,1A,assistant",
        "role",
        "'assistant' is not a teaching role (titularis or teacher)",
    ),
    Bad(
        "teacher twice for a class",
        "teaching.csv",
        "S02,1A,teacher",
        "class",
        "staff member 'S02' is already listed for class '1A' on line 2",
    ),
    Bad(
        "teacher unknown",
        "teaching.csv",
        "S99,1A,",
        "staff_id",
        "no staff member 'S99' in staff.csv",
    ),
]


DROPPED_NAMES = {
    "language name",
    "consent not yes/no",
    "bad e-mail",
    "bad chat id",
    "teaching role",
}
"""Bad values in optional columns: left out with a warning, the person kept (issue 15)."""
DROPPED = [case for case in BAD if case.name in DROPPED_NAMES]
DROPPED.append(
    Bad(
        "guardian's bad e-mail",
        "guardians.csv",
        "G09,P02,Jan,Peeters,,nl,jan@,,,",
        "email",
        "'jan@' is not an e-mail address",
    )
)
REJECTED_ROWS = [case for case in BAD if case.name not in DROPPED_NAMES]


@pytest.mark.parametrize("case", DROPPED, ids=lambda c: c.name)
async def test_a_bad_optional_value_is_left_out_with_a_warning_and_the_person_kept(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path, case: Bad
) -> None:
    folder = roster(tmp_path)
    append(folder, case.file, case.row)
    report = await run(engine, folder, clock)
    assert report.exit_code == 0
    line = NEXT_LINE[case.file]
    assert (
        f"{case.file} line {line}, {case.column}: {case.reason}; left out, the rest of the row "
        "is kept"
    ) in report.warnings
    assert not any(f.rejects for f in report.files)
    by_file = {f.file: f for f in report.files}
    assert by_file[case.file].imported == by_file[case.file].rows
    added = await listed(engine, case.file) - BASE[case.file]
    assert len(added) == 1


@pytest.mark.parametrize("case", REJECTED_ROWS, ids=lambda c: c.name)
async def test_bad_row(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path, case: Bad) -> None:
    folder = roster(tmp_path)
    append(folder, case.file, case.row)
    report = await run(engine, folder, clock)
    assert report.exit_code == Exit.REJECTS
    by_file = {f.file: f for f in report.files}
    line = NEXT_LINE[case.file]
    assert by_file[case.file].rejects == [RowReject(case.file, line, case.column, case.reason)]
    assert [f.file for f in report.files if f.rejects] == [case.file]
    # Every valid row of the file was imported, and only those.
    assert by_file[case.file].imported == by_file[case.file].rows - 1
    assert await listed(engine, case.file) == BASE[case.file]


# --- references between files ---------------------------------------------------------------


async def test_reference_to_a_rejected_row(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    append(folder, "pupils.csv", "P04;Ana;Peeters;2012-01-01;1A;;S99;;;")
    append(folder, "guardians.csv", "G09,P04,Jan,Peeters,,nl,,,,")
    report = await run(engine, folder, clock)
    assert report.files[1].rejects == [
        RowReject(
            "guardians.csv",
            7,
            "pupil_id",
            "no pupil 'P04' in pupils.csv (or its row there was rejected)",
        )
    ]
    assert await listed(engine, "guardians.csv") == BASE["guardians.csv"]


async def test_references_to_stored_staff(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    """Without staff.csv, pupils and teachers may name the active staff stored before."""
    await run(engine, BASIC, clock)
    folder = roster(tmp_path)
    (folder / "staff.csv").unlink()
    append(folder, "pupils.csv", "P04;Ana;Peeters;2012-01-01;1A;;S03;;;")
    append(folder, "pupils.csv", "P05;Bo;Peeters;2012-01-01;1A;;S99;;;")
    append(folder, "teaching.csv", "S03,6B,teacher")
    append(folder, "teaching.csv", "S99,6B,teacher")
    report = await run(engine, folder, clock)
    unknown = "no active staff member 'S99' is stored, and this roster has no staff list"
    assert [f.file for f in report.files] == ["pupils.csv", "guardians.csv", "teaching.csv"]
    assert report.files[0].rejects == [RowReject("pupils.csv", 6, "spilfiguur", unknown)]
    assert report.files[2].rejects == [RowReject("teaching.csv", 6, "staff_id", unknown)]
    assert "staff.csv not in the folder: staff left as they are" in report.warnings
    assert (await pupil(engine, "P04"))["spilfiguur"] == "S03"
    assert ("S03", "6B", "teacher") in await listed(engine, "teaching.csv")
    assert await listed(engine, "staff.csv") == BASE["staff.csv"]


async def test_teacher_who_left_cannot_teach(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    edit(folder, "staff.csv", "S01,Mira,Peeters,coordinator,mira.peeters@school.be,nl\n", "")
    report = await run(engine, folder, clock)
    missing = "no staff member 'S01' in staff.csv"
    assert report.files[0].rejects == [
        RowReject("pupils.csv", 2, "spilfiguur", missing),
        RowReject("pupils.csv", 3, "spilfiguur", missing),
    ]
    assert report.files[3].rejects == [RowReject("teaching.csv", 3, "staff_id", missing)]
    assert report.files[2].corrections == 1


# --- chat ids come from invitations too -----------------------------------------------------


async def test_an_empty_chat_id_unlinks_nobody(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    async with engine.begin() as conn:  # as an accepted invitation would
        await link_chat(conn, SCHOOL, "guardian", await key(engine, "guardian", "G01"), 777, NOW)
    edit(folder, "pupils.csv", ";ja;;123456789", ";ja;;")
    report = await run(engine, folder, clock)
    assert [f.imported for f in report.files] == [0, 0, 0, 0]
    assert (await pupil(engine, "P03"))["telegram"] == 123456789
    assert await contacts_of(engine, "guardian", "G01") == {
        "telegram": ("777", "active", True),
        "email": ("samira@example.be", "active", False),
        "phone": ("0470 12 34 56", "active", False),
    }


# --- unusable input: nothing stored ---------------------------------------------------------


async def test_no_pupils_csv(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path) -> None:
    folder = roster(tmp_path)
    (folder / "pupils.csv").unlink()
    report = await run(engine, folder, clock)
    assert report.exit_code == Exit.UNUSABLE
    assert report.error is not None
    assert report.error.file == str(folder)
    assert "no pupils.csv in this folder" in str(report.error)
    assert [await total(engine, table) for table in ("pupil", "staff", "guardian")] == [0, 0, 0]
    assert await query(engine, "SELECT kind, status FROM import_run") == [("roster", "unusable")]


async def test_missing_required_column(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    """A bad staff.csv makes the whole folder unusable: also the good pupils.csv is not stored."""
    await run(engine, BASIC, clock)
    folder = roster(tmp_path)
    edit(
        folder,
        "staff.csv",
        "staff_id,first_name,last_name,role,",
        "staff_id,first_name,last_name,function,",
    )
    edit(folder, "pupils.csv", "15/09/2011;1A;tr;", "15/09/2011;1A;fr;")
    report = await run(engine, folder, clock)
    assert report.exit_code == Exit.UNUSABLE
    assert report.error is not None
    assert (report.error.file, report.error.column) == ("staff.csv", "role")
    assert "missing required column role" in str(report.error)
    assert (await pupil(engine, "P02"))["language"] == "tr"
    [(status, reason)] = await query(
        engine,
        "SELECT r.status, j.reason FROM import_run r JOIN import_reject j ON j.run_id = r.id",
    )
    assert status == "unusable"
    assert reason.startswith("missing required column role")


async def test_run_is_recorded(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path) -> None:
    folder = roster(tmp_path)
    append(folder, "staff.csv", "S09,Ann,Peeters,boss,,")
    report = await run(engine, folder, clock)
    [(kind, status, rows, imported, rejected, summary)] = await query(
        engine, "SELECT kind, status, rows, imported, rejected, summary FROM import_run"
    )
    assert (kind, status, rows, imported, rejected) == ("roster", "partial", 15, 14, 1)
    # A JSON column; read through plain SQL, a driver may hand back its text.
    assert (json.loads(summary) if isinstance(summary, str) else summary) == [
        f.summary() for f in report.files
    ]
    assert await query(engine, 'SELECT file, line, "column" FROM import_reject') == [
        ("staff.csv", 5, "role")
    ]


async def test_schools_are_apart(engine: AsyncEngine, clock: VirtualClock, tmp_path: Path) -> None:
    """Two schools with the same ids: importing one never touches the other."""
    await run(engine, BASIC, clock, school="a")
    folder = roster(tmp_path)
    edit(folder, "teaching.csv", "S02,6B,teacher\n", "")
    edit(folder, "guardians.csv", "G04,P03,Els,Janssens,moeder,nl,els@example.be,,no,\n", "")
    report = await run(engine, folder, clock, school="b")
    assert [f.imported for f in report.files] == [3, 4, 3, 2]
    for file in FILES:
        assert await listed(engine, file, school="a") == BASE[file]
    assert await total(engine, "guardian_link") == 9


# --- a roster fills in contacts; it does not undo a person's own choices -----------------------


async def test_the_roster_addresses_become_contacts(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    await run(engine, roster(tmp_path), clock)
    assert await contacts_of(engine, "guardian", "G02") == {
        "phone": ("0480 11 22 33", "active", False)
    }
    assert await contacts_of(engine, "pupil", "P02") == {
        "email": ("emre.kaya@leerling.be", "active", False)
    }
    assert await contacts_of(engine, "pupil", "P03") == {"telegram": ("123456789", "active", False)}
    assert await contacts_of(engine, "staff", "S03") == {}


async def test_a_reimport_keeps_what_the_person_chose(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    g01, g03 = await key(engine, "guardian", "G01"), await key(engine, "guardian", "G03")
    async with engine.begin() as conn:
        # G01 linked their own chat and chose French in the bot; G03's e-mail came back.
        await link_chat(conn, SCHOOL, "guardian", g01, 777, NOW)
        await set_language(conn, [("guardian", g01)], "fr")
        await set_state(conn, "guardian", g03, "email", ContactState.BOUNCED, NOW)
    edit(
        folder,
        "guardians.csv",
        "moeder,ar,samira@example.be,0470 12 34 56,,",
        "moeder,nl,samira@example.be,0470 12 34 56,,999",
    )
    edit(folder, "guardians.csv", "vader,tr,,0480 11 22 33,yes,", "vader,tr,,0480 99 99 99,yes,")

    report = await run(engine, folder, clock)

    # Only G02's new phone number is a change: nothing the others chose moved, and the address
    # that bounced, listed again, stays bounced.
    assert counts(report)[1] == ("guardians.csv", 5, 1, 4, 0, 0)
    assert await contacts_of(engine, "guardian", "G01") == {
        "telegram": ("777", "active", True),
        "email": ("samira@example.be", "active", False),
        "phone": ("0470 12 34 56", "active", False),
    }
    assert await query(
        engine, "SELECT language, language_chosen FROM guardian WHERE guardian_id = 'G01'"
    ) == [("fr", True)]
    assert await contacts_of(engine, "guardian", "G02") == {
        "phone": ("0480 99 99 99", "active", False)
    }
    assert await contacts_of(engine, "guardian", "G03") == {
        "email": ("ayse@example.be", "bounced", False)
    }


async def test_a_language_nobody_chose_follows_the_roster(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    edit(folder, "guardians.csv", "moeder,ar,", "moeder,fr,")
    report = await run(engine, folder, clock)
    assert counts(report)[1] == ("guardians.csv", 5, 1, 4, 0, 0)
    assert await query(
        engine, "SELECT language, language_chosen FROM guardian WHERE guardian_id = 'G01'"
    ) == [("fr", False)]


async def test_an_address_the_roster_no_longer_lists_is_removed_unless_it_was_stopped(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    async with engine.begin() as conn:  # P03 stopped the chat the roster had linked
        await set_state(
            conn, "pupil", await key(engine, "pupil", "P03"), "telegram",
            ContactState.UNSUBSCRIBED, NOW,
        )  # fmt: skip
    edit(folder, "pupils.csv", ";emre.kaya@leerling.be;", ";;")
    edit(folder, "pupils.csv", ";ja;;123456789", ";ja;;555")
    report = await run(engine, folder, clock)
    assert counts(report)[0] == ("pupils.csv", 3, 1, 2, 0, 0)
    assert await contacts_of(engine, "pupil", "P02") == {}
    assert await contacts_of(engine, "pupil", "P03") == {
        "telegram": ("123456789", "unsubscribed", False)
    }


async def since_of(engine: AsyncEngine, role: str, roster_id: str, channel: str) -> dt.datetime:
    """When the person's contact on ``channel`` last changed, in UTC."""
    async with engine.connect() as conn:
        since = await conn.scalar(
            sa.select(col(Contact.since)).where(
                col(Contact.role) == role,
                col(Contact.person_id) == await key(engine, role, roster_id),
                col(Contact.channel) == channel,
            )
        )
    assert isinstance(since, dt.datetime)
    return since if since.tzinfo else since.replace(tzinfo=dt.UTC)


async def test_a_corrected_address_undoes_a_bounce_but_not_a_persons_own_stop(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    g03, g04 = await key(engine, "guardian", "G03"), await key(engine, "guardian", "G04")
    p02, p03 = await key(engine, "pupil", "P02"), await key(engine, "pupil", "P03")
    async with engine.begin() as conn:
        # G03's and P02's e-mails came back; G04 unsubscribed; P03 blocked the bot.
        await set_state(conn, "guardian", g03, "email", ContactState.BOUNCED, NOW)
        await set_state(conn, "pupil", p02, "email", ContactState.BOUNCED, NOW)
        await set_state(conn, "guardian", g04, "email", ContactState.UNSUBSCRIBED, NOW)
        await set_state(conn, "pupil", p03, "telegram", ContactState.BLOCKED, NOW)
    # The secretariat corrects G03's address (on both of her rows) and gives G04 and P03 new
    # ones; P02's address that bounced is listed again as it was.
    for relation in ("moeder", "plusmoeder"):
        edit(
            folder, "guardians.csv", f"{relation},tr,ayse@example.be", f"{relation},tr,ayse@new.be"
        )
    edit(folder, "guardians.csv", "nl,els@example.be,", "nl,els@new.be,")
    edit(folder, "pupils.csv", ";ja;;123456789", ";ja;;555")
    clock.advance(dt.timedelta(days=1))

    await run(engine, folder, clock)

    assert await contacts_of(engine, "guardian", "G03") == {
        "email": ("ayse@new.be", "active", False)
    }
    assert await since_of(engine, "guardian", "G03", "email") == clock.now()
    assert await contacts_of(engine, "pupil", "P02") == {
        "email": ("emre.kaya@leerling.be", "bounced", False)
    }
    assert await since_of(engine, "pupil", "P02", "email") == NOW
    assert await contacts_of(engine, "guardian", "G04") == {
        "email": ("els@example.be", "unsubscribed", False)
    }
    assert await contacts_of(engine, "pupil", "P03") == {
        "telegram": ("123456789", "blocked", False)
    }


async def test_a_bounced_address_the_roster_no_longer_lists_stays_bounced(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = roster(tmp_path)
    await run(engine, folder, clock)
    async with engine.begin() as conn:
        p02 = await key(engine, "pupil", "P02")
        await set_state(conn, "pupil", p02, "email", ContactState.BOUNCED, NOW)
    edit(folder, "pupils.csv", ";emre.kaya@leerling.be;", ";;")
    await run(engine, folder, clock)
    assert await contacts_of(engine, "pupil", "P02") == {
        "email": ("emre.kaya@leerling.be", "bounced", False)
    }
