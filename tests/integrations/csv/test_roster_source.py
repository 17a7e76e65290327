"""The roster folder as :class:`CsvRosterSource` reads it: records, rejects, warnings.

Table-driven: each case changes one value of a valid row and states what the source makes of
it. References between files are the importer's (tests/bot/test_roster_import.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from integrations.abc import (
    GuardianRecord,
    PupilRecord,
    RosterSnapshot,
    RowReject,
    StaffRecord,
    TeachingRecord,
)
from integrations.csv import CsvRosterSource
from integrations.csv._roster_rows import (
    GUARDIAN_LAYOUT,
    STAFF_LAYOUT,
    TEACHING_LAYOUT,
    Field,
    Layout,
    pupil_layout,
)
from integrations.exceptions import FeedParseError

TODAY = dt.date(2026, 11, 17)
BASIC = Path(__file__).parents[2] / "data" / "roster" / "basic"

# One valid row per file, as column -> value; cases override single columns.
VALID = {
    "pupils.csv": {
        "pupil_id": "P01", "first_name": "Yasmine", "last_name": "El Amrani",
        "birth_date": "2012-03-04", "class": "1A", "language": "ar", "spilfiguur": "S01",
        "guardian_consent": "", "email": "", "telegram": "",
    },
    "guardians.csv": {
        "guardian_id": "G01", "pupil_id": "P01", "first_name": "Samira",
        "last_name": "El Amrani", "relation": "moeder", "language": "ar", "email": "",
        "phone": "", "may_contact": "", "telegram": "",
    },
    "staff.csv": {
        "staff_id": "S01", "first_name": "Mira", "last_name": "Peeters", "role": "coordinator",
        "email": "", "language": "", "telegram": "",
    },
    "teaching.csv": {"staff_id": "S01", "class": "1A", "role": ""},
}  # fmt: skip


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> None:
    header = list(rows[0])
    lines = [delimiter.join(header)] + [delimiter.join(row[c] for c in header) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def folder_with(tmp_path: Path, file: str, rows: list[dict[str, str]]) -> Path:
    """A roster folder with ``rows`` in ``file`` and, if that is not it, one valid pupil."""
    if file != "pupils.csv":
        write_csv(tmp_path / "pupils.csv", [VALID["pupils.csv"]], ";")
    write_csv(tmp_path / file, rows)
    return tmp_path


async def snapshot_of(folder: Path) -> RosterSnapshot:
    return await CsvRosterSource(folder, today=TODAY).snapshot()


def records_of(snapshot: RosterSnapshot, file: str) -> list[Any]:
    records: list[Any] = getattr(snapshot, file.removesuffix(".csv"))
    return records


@dataclass(frozen=True)
class Accepted:
    file: str
    column: str
    text: str
    attribute: str
    value: object


ACCEPTED = [
    Accepted("pupils.csv", "language", "TR", "language", "tr"),
    Accepted("pupils.csv", "language", " fa ", "language", "fa"),
    Accepted("pupils.csv", "language", "ps", "language", "ps"),
    Accepted("pupils.csv", "language", "ti", "language", "ti"),
    Accepted("pupils.csv", "language", "so", "language", "so"),
    Accepted("pupils.csv", "language", "uk", "language", "uk"),
    Accepted("pupils.csv", "language", "nl-BE", "language", "nl_be"),
    Accepted("pupils.csv", "language", "", "language", "nl"),
    Accepted("pupils.csv", "birth_date", "04/03/2012", "birth_date", dt.date(2012, 3, 4)),
    Accepted("pupils.csv", "birth_date", "2024-11-17", "birth_date", dt.date(2024, 11, 17)),
    Accepted("pupils.csv", "birth_date", "1995-11-18", "birth_date", dt.date(1995, 11, 18)),
    Accepted("pupils.csv", "guardian_consent", "ja", "guardian_consent", True),
    Accepted("pupils.csv", "guardian_consent", "NEE", "guardian_consent", False),
    Accepted("pupils.csv", "guardian_consent", "", "guardian_consent", None),
    Accepted("pupils.csv", "spilfiguur", "", "spilfiguur", None),
    Accepted("pupils.csv", "email", "y.elamrani@leerling.be", "email", "y.elamrani@leerling.be"),
    Accepted("pupils.csv", "telegram", "-1001234567", "telegram_chat_id", -1001234567),
    Accepted("guardians.csv", "may_contact", "", "may_contact", True),
    Accepted("guardians.csv", "may_contact", "nee", "may_contact", False),
    Accepted("guardians.csv", "may_contact", "Yes", "may_contact", True),
    Accepted("guardians.csv", "relation", "", "relation", None),
    Accepted("guardians.csv", "phone", "+32 470 12 34 56", "phone", "+32 470 12 34 56"),
    Accepted("staff.csv", "role", "Direction", "role", "direction"),
    Accepted("staff.csv", "role", "clb", "role", "clb"),
    Accepted("staff.csv", "language", "", "language", "nl"),
    Accepted("teaching.csv", "role", "", "role", "teacher"),
    Accepted("teaching.csv", "role", "TITULARIS", "role", "titularis"),
]


@pytest.mark.parametrize("case", ACCEPTED, ids=lambda c: f"{c.file}:{c.column}={c.text!r}")
async def test_accepted_values(tmp_path: Path, case: Accepted) -> None:
    row = VALID[case.file] | {case.column: case.text}
    snapshot = await snapshot_of(folder_with(tmp_path, case.file, [row]))
    assert snapshot.rejects == []
    [record] = records_of(snapshot, case.file)
    assert getattr(record, case.attribute) == case.value


@dataclass(frozen=True)
class Rejected:
    file: str
    column: str
    text: str
    reason: str


TOO_LONG = "x" * 101
REJECTED = [
    Rejected("pupils.csv", "pupil_id", "", "is empty: a value is required"),
    Rejected("pupils.csv", "first_name", " ", "is empty: a value is required"),
    Rejected("pupils.csv", "class", "", "is empty: a value is required"),
    Rejected("pupils.csv", "last_name", TOO_LONG, "is 101 characters long; at most 100 fit"),
    Rejected("pupils.csv", "birth_date", "", "is empty: a value is required"),
    Rejected(
        "pupils.csv", "birth_date", "2012-02-30", "'2012-02-30' is not a date in the calendar"
    ),
    Rejected(
        "pupils.csv",
        "birth_date",
        "4.3.2012",
        "'4.3.2012' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
    ),
    Rejected("pupils.csv", "birth_date", "2026-11-18", "2026-11-18 is in the future"),
    Rejected(
        "pupils.csv",
        "birth_date",
        "2024-11-18",
        "2024-11-18 makes the pupil 1 year old on 2026-11-17;"
        " a pupil is 2 to 30: is the year right?",
    ),
    Rejected(
        "pupils.csv",
        "birth_date",
        "1995-11-17",
        "1995-11-17 makes the pupil 31 years old on 2026-11-17;"
        " a pupil is 2 to 30: is the year right?",
    ),
    Rejected("pupils.csv", "language", "turkish", "'turkish' is not a language code: use 'tr'"),
    Rejected("pupils.csv", "language", "Turks", "'Turks' is not a language code: use 'tr'"),
    Rejected("pupils.csv", "language", "Arabe", "'Arabe' is not a language code: use 'ar'"),
    Rejected(
        "pupils.csv",
        "language",
        "und",
        "'und' is not a language code: use a two-letter code such as 'nl', 'fr', 'tr' or 'ar'",
    ),
    Rejected(
        "pupils.csv",
        "language",
        "xx",
        "'xx' is not a language code: use a two-letter code such as 'nl', 'fr', 'tr' or 'ar'",
    ),
    Rejected("pupils.csv", "guardian_consent", "misschien", "'misschien' is not 'yes' or 'no'"),
    Rejected("pupils.csv", "email", "yasmine@", "'yasmine@' is not an e-mail address"),
    Rejected(
        "pupils.csv",
        "telegram",
        "@yasmine",
        "'@yasmine' is not a Telegram chat id (a whole number)",
    ),
    Rejected(
        "pupils.csv",
        "telegram",
        "99999999999999999999",
        "'99999999999999999999' is too large for a Telegram chat id",
    ),
    Rejected("pupils.csv", "spilfiguur", "S" * 65, "is 65 characters long; at most 64 fit"),
    Rejected("guardians.csv", "guardian_id", "", "is empty: a value is required"),
    Rejected("guardians.csv", "pupil_id", "", "is empty: a value is required"),
    Rejected("guardians.csv", "language", "", "is empty: a value is required"),
    Rejected(
        "guardians.csv", "language", "Arabisch", "'Arabisch' is not a language code: use 'ar'"
    ),
    Rejected("guardians.csv", "may_contact", "soms", "'soms' is not 'yes' or 'no'"),
    Rejected(
        "guardians.csv",
        "email",
        "samira.example.be",
        "'samira.example.be' is not an e-mail address",
    ),
    Rejected("guardians.csv", "phone", "0" * 33, "is 33 characters long; at most 32 fit"),
    Rejected("guardians.csv", "relation", "m" * 51, "is 51 characters long; at most 50 fit"),
    Rejected("staff.csv", "role", "", "is empty: a value is required"),
    Rejected(
        "staff.csv",
        "role",
        "boss",
        "'boss' is not a staff role (teacher, coordinator, clb or direction)",
    ),
    Rejected("staff.csv", "language", "dutch", "'dutch' is not a language code: use 'nl'"),
    Rejected("staff.csv", "telegram", "1.5", "'1.5' is not a Telegram chat id (a whole number)"),
    Rejected("teaching.csv", "class", "", "is empty: a value is required"),
    Rejected(
        "teaching.csv",
        "role",
        "assistant",
        "'assistant' is not a teaching role (titularis or teacher)",
    ),
]


_LAYOUTS: dict[str, Layout[Any]] = {
    "pupils.csv": pupil_layout(TODAY),
    "guardians.csv": GUARDIAN_LAYOUT,
    "staff.csv": STAFF_LAYOUT,
    "teaching.csv": TEACHING_LAYOUT,
}


def _optional(case: Rejected) -> bool:
    """Whether the case's column is an optional one, whose bad value is left out."""
    field = next(item for item in _LAYOUTS[case.file].fields if item.column == case.column)
    return field.droppable


@pytest.mark.parametrize(
    "case",
    [case for case in REJECTED if _optional(case)],
    ids=lambda c: f"{c.file}:{c.column}={c.text[:12]!r}",
)
async def test_a_bad_optional_value_is_left_out_with_a_warning(
    tmp_path: Path, case: Rejected
) -> None:
    """The bad value on line 3 is left out (as if the cell were empty); the row stays."""
    valid = VALID[case.file]
    bad = valid | {case.column: case.text}
    for key in ("pupil_id", "guardian_id", "staff_id"):
        if key in bad and bad[key] == valid[key] and case.column != key:
            bad[key] = valid[key] + "X"
    if case.file == "teaching.csv" and case.column != "class":
        bad["class"] = "2B"
    empty = valid | {case.column: ""}
    snapshot = await snapshot_of(folder_with(tmp_path, case.file, [valid, bad]))
    (tmp_path / "empty").mkdir()
    reference = await snapshot_of(folder_with(tmp_path / "empty", case.file, [empty]))

    assert snapshot.rejects == []
    assert (
        f"{case.file} line 3, {case.column}: {case.reason}; left out, the rest of the row is kept"
    ) in snapshot.warnings
    _valid, second = records_of(snapshot, case.file)
    assert second.line == 3
    [as_if_empty] = records_of(reference, case.file)
    attribute = _LAYOUTS[case.file].attributes((case.column,))[0]
    assert getattr(second, attribute) == getattr(as_if_empty, attribute)


@pytest.mark.parametrize(
    "case",
    [case for case in REJECTED if not _optional(case)],
    ids=lambda c: f"{c.file}:{c.column}={c.text[:12]!r}",
)
async def test_rejected_values(tmp_path: Path, case: Rejected) -> None:
    """The bad row (line 3) is rejected with its column and reason; the valid one (line 2) stays."""
    valid = VALID[case.file]
    bad = valid | {case.column: case.text}
    # Another id on the bad row, so that it cannot be taken for a repeat of the valid one.
    for key in ("pupil_id", "guardian_id", "staff_id"):
        if key in bad and bad[key] == valid[key] and case.column != key:
            bad[key] = valid[key] + "X"
    if case.file == "teaching.csv" and case.column != "class":
        bad["class"] = "2B"
    snapshot = await snapshot_of(folder_with(tmp_path, case.file, [valid, bad]))
    assert snapshot.rejects == [RowReject(case.file, 3, case.column, case.reason)]
    [record] = records_of(snapshot, case.file)
    assert record.line == 2
    assert snapshot.rows[case.file] == 2


async def test_basic_folder_records() -> None:
    """Every value of the example folder (pupils.csv as Excel writes it: BOM, ';', CRLF)."""
    snapshot = await snapshot_of(BASIC)
    assert snapshot.rejects == []
    assert snapshot.warnings == []
    assert snapshot.rows == {"pupils.csv": 3, "guardians.csv": 5, "staff.csv": 3, "teaching.csv": 3}
    assert snapshot.locations == {
        "pupils": "pupils.csv",
        "guardians": "guardians.csv",
        "staff": "staff.csv",
        "teaching": "teaching.csv",
    }
    assert snapshot.pupils == [
        PupilRecord("P01", "Yasmine", "El Amrani", dt.date(2012, 3, 4), "1A", "ar", "S01", line=2),
        PupilRecord(
            "P02", "Emre", "Kaya", dt.date(2011, 9, 15), "1A", "tr", "S01",
            email="emre.kaya@leerling.be", line=3,
        ),
        PupilRecord(
            "P03", "Lotte", "Janssens", dt.date(2007, 5, 20), "6B", "nl", None,
            guardian_consent=True, telegram_chat_id=123456789, line=4,
        ),
    ]  # fmt: skip
    assert snapshot.guardians == [
        GuardianRecord("G01", "P01", "Samira", "El Amrani", "ar", "moeder", "samira@example.be",
                       "0470 12 34 56", True, None, line=2),
        GuardianRecord("G02", "P02", "Mehmet", "Kaya", "tr", "vader", None, "0480 11 22 33",
                       True, None, line=3),
        GuardianRecord("G03", "P02", "Ayşe", "Kaya", "tr", "moeder", "ayse@example.be", None,
                       True, None, line=4),
        GuardianRecord("G03", "P01", "Ayşe", "Kaya", "tr", "plusmoeder", "ayse@example.be", None,
                       False, None, line=5),
        GuardianRecord("G04", "P03", "Els", "Janssens", "nl", "moeder", "els@example.be", None,
                       False, None, line=6),
    ]  # fmt: skip
    assert snapshot.staff == [
        StaffRecord(
            "S01", "Mira", "Peeters", "coordinator", "mira.peeters@school.be", "nl", line=2
        ),
        StaffRecord("S02", "Jonas", "Claes", "teacher", "jonas.claes@school.be", "nl", line=3),
        StaffRecord("S03", "Fatma", "Yilmaz", "clb", None, "nl", line=4),
    ]
    assert snapshot.teaching == [
        TeachingRecord("S02", "1A", "titularis", line=2),
        TeachingRecord("S01", "1A", "teacher", line=3),
        TeachingRecord("S02", "6B", "teacher", line=4),
    ]


@dataclass(frozen=True)
class Repeat:
    name: str
    file: str
    rows: list[dict[str, str]]
    rejects: list[RowReject]
    kept_lines: list[int]


def _row(file: str, **values: str) -> dict[str, str]:
    return VALID[file] | values


REPEATS = [
    Repeat(
        "pupil id twice",
        "pupils.csv",
        [
            _row("pupils.csv"),
            _row("pupils.csv", pupil_id="P02"),
            _row("pupils.csv", first_name="Y"),
        ],
        [RowReject("pupils.csv", 4, "pupil_id", "pupil 'P01' is already on line 2")],
        [2, 3],
    ),
    Repeat(
        # The repeat is the bigger mistake, even when the row has a bad value too.
        "pupil id twice, the repeat with a bad date",
        "pupils.csv",
        [_row("pupils.csv"), _row("pupils.csv", birth_date="soon")],
        [RowReject("pupils.csv", 3, "pupil_id", "pupil 'P01' is already on line 2")],
        [2],
    ),
    Repeat(
        # The first row keeps the id even when it was rejected: which one would be right?
        "pupil id twice, the first rejected",
        "pupils.csv",
        [_row("pupils.csv", first_name=""), _row("pupils.csv")],
        [
            RowReject("pupils.csv", 2, "first_name", "is empty: a value is required"),
            RowReject("pupils.csv", 3, "pupil_id", "pupil 'P01' is already on line 2"),
        ],
        [],
    ),
    Repeat(
        "staff id twice",
        "staff.csv",
        [_row("staff.csv"), _row("staff.csv", last_name="Other", role="teacher")],
        [RowReject("staff.csv", 3, "staff_id", "staff member 'S01' is already on line 2")],
        [2],
    ),
    Repeat(
        "guardian linked to the same pupil twice",
        "guardians.csv",
        [_row("guardians.csv"), _row("guardians.csv", relation="vader")],
        [
            RowReject(
                "guardians.csv",
                3,
                "pupil_id",
                "guardian 'G01' is already linked to pupil 'P01' on line 2",
            )
        ],
        [2],
    ),
    Repeat(
        "guardian of two pupils, the same details",
        "guardians.csv",
        [_row("guardians.csv"), _row("guardians.csv", pupil_id="P02", may_contact="no")],
        [],
        [2, 3],
    ),
    Repeat(
        "guardian of two pupils, another language",
        "guardians.csv",
        [_row("guardians.csv"), _row("guardians.csv", pupil_id="P02", language="fr")],
        [
            RowReject(
                "guardians.csv",
                3,
                "language",
                "guardian 'G01' has language 'fr' here but 'ar' on line 2; "
                "give a guardian the same details on every row",
            )
        ],
        [2],
    ),
    Repeat(
        "guardian of three pupils, another phone on the third",
        "guardians.csv",
        [
            _row("guardians.csv", phone="0470 12 34 56"),
            _row("guardians.csv", pupil_id="P02", phone="0470 12 34 56"),
            _row("guardians.csv", pupil_id="P03", phone="0470 99 99 99"),
        ],
        [
            RowReject(
                "guardians.csv",
                4,
                "phone",
                "guardian 'G01' has phone '0470 99 99 99' here but '0470 12 34 56' on line 2; "
                "give a guardian the same details on every row",
            )
        ],
        [2, 3],
    ),
    Repeat(
        # Details are compared with the first accepted row: a rejected row says nothing.
        "guardian whose first row was rejected",
        "guardians.csv",
        [
            _row("guardians.csv", may_contact="perhaps", first_name="Sam"),
            _row("guardians.csv", pupil_id="P02"),
        ],
        [RowReject("guardians.csv", 2, "may_contact", "'perhaps' is not 'yes' or 'no'")],
        [3],
    ),
    Repeat(
        "teacher listed twice for a class",
        "teaching.csv",
        [_row("teaching.csv"), _row("teaching.csv", role="titularis")],
        [
            RowReject(
                "teaching.csv",
                3,
                "class",
                "staff member 'S01' is already listed for class '1A' on line 2",
            )
        ],
        [2],
    ),
]


@pytest.mark.parametrize("case", REPEATS, ids=lambda c: c.name)
async def test_repeats(tmp_path: Path, case: Repeat) -> None:
    snapshot = await snapshot_of(folder_with(tmp_path, case.file, case.rows))
    assert snapshot.rejects == case.rejects
    assert [record.line for record in records_of(snapshot, case.file)] == case.kept_lines


async def test_row_with_wrong_field_count(tmp_path: Path) -> None:
    (tmp_path / "pupils.csv").write_text(
        "pupil_id,first_name,last_name,birth_date,class\n"
        "P01,Yasmine,El Amrani,2012-03-04,1A\n"
        "P02,Emre,Kaya\n",
        encoding="utf-8",
    )
    snapshot = await snapshot_of(tmp_path)
    assert snapshot.rejects == [
        RowReject("pupils.csv", 3, None, "has 3 fields where the header has 5")
    ]
    assert [pupil.pupil_id for pupil in snapshot.pupils or []] == ["P01"]


async def test_only_pupils(tmp_path: Path) -> None:
    """The optional files may be missing: their parts stay as stored, with a warning each."""
    write_csv(tmp_path / "pupils.csv", [VALID["pupils.csv"]])
    snapshot = await snapshot_of(tmp_path)
    assert snapshot.guardians is None
    assert snapshot.staff is None
    assert snapshot.teaching is None
    assert snapshot.warnings == [
        "guardians.csv not in the folder: guardians left as they are",
        "staff.csv not in the folder: staff left as they are",
        "teaching.csv not in the folder: teaching assignments left as they are",
    ]
    assert snapshot.locations == {"pupils": "pupils.csv"}
    assert snapshot.rows == {"pupils.csv": 1}


async def test_file_names_in_another_case(tmp_path: Path) -> None:
    """Windows users save ``Pupils.CSV``; the rejects name the file as it is called."""
    write_csv(tmp_path / "Pupils.CSV", [VALID["pupils.csv"] | {"first_name": ""}])
    write_csv(tmp_path / "STAFF.csv", [VALID["staff.csv"]])
    snapshot = await snapshot_of(tmp_path)
    assert snapshot.locations == {"pupils": "Pupils.CSV", "staff": "STAFF.csv"}
    assert snapshot.rejects == [
        RowReject("Pupils.CSV", 2, "first_name", "is empty: a value is required")
    ]
    assert [staff.staff_id for staff in snapshot.staff or []] == ["S01"]


async def test_unknown_column_is_a_warning(tmp_path: Path) -> None:
    """An unknown last column is not read in place of an optional one the file lacks."""
    (tmp_path / "pupils.csv").write_text(
        "pupil_id,first_name,last_name,birth_date,class,moedertaal\n"
        "P01,Yasmine,El Amrani,2012-03-04,1A,Arabisch\n",
        encoding="utf-8",
    )
    snapshot = await snapshot_of(tmp_path)
    assert "pupils.csv: ignoring unknown column(s): moedertaal" in snapshot.warnings
    assert snapshot.rejects == []
    assert [(p.language, p.email) for p in snapshot.pupils or []] == [("nl", None)]


@dataclass(frozen=True)
class Unusable:
    name: str
    files: dict[str, str]
    file: str  # "" for the folder itself
    column: str | None
    reason_part: str


UNUSABLE = [
    Unusable(
        "no pupils.csv",
        {"staff.csv": "staff_id,first_name,last_name,role\nS01,Mira,Peeters,teacher\n"},
        "",
        None,
        "no pupils.csv in this folder: it is required",
    ),
    Unusable(
        "a required column missing in an optional file",
        {
            "pupils.csv": "pupil_id,first_name,last_name,birth_date,class\nP01,Y,E,2012-03-04,1A\n",
            "staff.csv": "staff_id,first_name,last_name\nS01,Mira,Peeters\n",
        },
        "staff.csv",
        "role",
        "missing required column role",
    ),
    Unusable(
        "an Excel workbook saved as pupils.csv",
        {"pupils.csv": "PK\x03\x04 not really a workbook"},
        "pupils.csv",
        None,
        "not a CSV file: it looks like an Excel workbook",
    ),
]


@pytest.mark.parametrize("case", UNUSABLE, ids=lambda c: c.name)
async def test_unusable_folder(tmp_path: Path, case: Unusable) -> None:
    for name, text in case.files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(FeedParseError) as caught:
        await snapshot_of(tmp_path)
    assert caught.value.file == (case.file or str(tmp_path))
    assert caught.value.column == case.column
    assert case.reason_part in caught.value.reason


@pytest.mark.parametrize(
    ("name", "reason"),
    [("pupils.csv", "not a folder: give the roster folder that holds pupils.csv"),
     ("elsewhere", "no such folder")],
)  # fmt: skip
async def test_not_a_folder(tmp_path: Path, name: str, reason: str) -> None:
    write_csv(tmp_path / "pupils.csv", [VALID["pupils.csv"]])
    path = tmp_path / name
    with pytest.raises(FeedParseError) as caught:
        await snapshot_of(path)
    assert (caught.value.file, caught.value.reason) == (str(path), reason)


def test_layout_must_follow_the_record() -> None:
    """A layout out of step with its record would fill the wrong attributes: refused at once."""
    with pytest.raises(TypeError, match="class_name"):
        Layout(
            TeachingRecord, [Field("class_name", "class", str), Field("staff_id", "staff_id", str)]
        )
