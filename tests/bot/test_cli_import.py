"""``gemist import`` as scripts use it: exit codes, JSON Lines, human output (docs/contracts.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.helpers.feeds import write

ROSTER = {
    "pupils.csv": "pupil_id;first_name;last_name;birth_date;class;language\n"
    "P1;Yasmine;El Amrani;2012-05-04;1A;nl\nP2;Lucas;Peeters;03/02/2012;1A;nl\n",
    "guardians.csv": "guardian_id;pupil_id;first_name;last_name;language\n"
    "G1;P1;Fatima;El Amrani;ar\nG2;P2;Els;Peeters;nl\n",
    "staff.csv": "staff_id,first_name,last_name,role\nS1,An,Claes,coordinator\n",
    "teaching.csv": "staff_id,class,role\nS1,1A,titularis\n",
}
FEED = "pupil_id;date;half_day;code\nP1;2026-11-17;am;B\nP9;2026-11-17;am;B\nP2;2026-11-17;vm;Z\n"


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    folder = tmp_path / "roster"
    folder.mkdir()
    for name, text in ROSTER.items():
        write(folder / name, text)
    return folder


@pytest.fixture
def gemist(db_url, monkeypatch):
    """Run ``gemist --db <test database> ...`` and return its exit code."""
    for name in ("GEMIST_CONFIG", "GEMIST_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return lambda *args: main(["--db", db_url, *args])


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_roster_then_feed_as_json(gemist, roster, tmp_path, capsys):
    assert gemist("import", "roster", str(roster), "--json") == 0
    summaries = json_lines(capsys.readouterr().out)
    assert [(s["file"], s["imported"]) for s in summaries] == [
        ("pupils.csv", 2), ("guardians.csv", 2), ("staff.csv", 1), ("teaching.csv", 1),
    ]  # fmt: skip
    assert all(s["summary"] is True for s in summaries)

    code = gemist("import", "absences", str(write(tmp_path / "absences.csv", FEED)), "--json")

    out = capsys.readouterr().out
    assert code == 3
    assert json_lines(out) == [
        {"file": "absences.csv", "line": 3, "column": "pupil_id",
         "reason": "no pupil with id 'P9' in the roster"},
        {"summary": True, "file": "absences.csv", "rows": 3, "imported": 2, "unchanged": 0,
         "rejected": 1, "corrections": 0},
    ]  # fmt: skip


def test_reimport_exits_zero_and_reports_unchanged(gemist, roster, tmp_path, capsys):
    gemist("import", "roster", str(roster))
    feed = write(tmp_path / "absences.csv", "pupil_id,date,half_day,code\nP1,2026-11-17,am,B\n")
    assert gemist("import", "absences", str(feed)) == 0
    capsys.readouterr()

    assert gemist("import", "absences", str(feed), "--json") == 0

    assert json_lines(capsys.readouterr().out)[-1]["unchanged"] == 1


def test_unusable_input_exits_two_and_says_why(gemist, roster, tmp_path, capsys):
    gemist("import", "roster", str(roster))
    capsys.readouterr()
    feed = write(tmp_path / "absences.csv", "pupil;date;half_day\nP1;2026-11-17;am\n")

    code = gemist("import", "absences", str(feed), "--json")

    captured = capsys.readouterr()
    assert code == 2
    lines = json_lines(captured.out)
    assert lines[0] == {
        "file": "absences.csv", "line": 1, "column": "pupil_id",
        "reason": "missing required column pupil_id (the header has: pupil, date, half_day)",
    }  # fmt: skip
    assert lines[1]["imported"] == 0
    assert "nothing was imported" in captured.err


def test_human_output_lists_rejects_where_a_person_reads(gemist, roster, tmp_path, capsys):
    gemist("import", "roster", str(roster))
    capsys.readouterr()

    code = gemist("import", "absences", str(write(tmp_path / "absences.csv", FEED)))

    out = capsys.readouterr().out
    assert code == 3
    assert out.splitlines() == [
        "absences.csv: 3 rows: 2 imported, 0 unchanged, 1 rejected, 0 corrections",
        "  line 3, pupil_id: no pupil with id 'P9' in the roster",
    ]


def test_a_missing_roster_folder_is_unusable(gemist, tmp_path, capsys):
    assert gemist("import", "roster", str(tmp_path / "nowhere")) == 2
    assert "nowhere" in capsys.readouterr().err


def test_unknown_columns_warn_on_stderr_only(gemist, roster, tmp_path, capsys):
    gemist("import", "roster", str(roster))
    capsys.readouterr()
    feed = write(tmp_path / "a.csv", "pupil_id;date;half_day;klas\nP1;2026-11-17;am;1A\n")

    assert gemist("import", "absences", str(feed), "--json") == 0

    captured = capsys.readouterr()
    assert "ignoring unknown column(s): klas" in captured.err
    assert all(json.loads(line) for line in captured.out.splitlines())  # stdout is only JSON


def test_a_bad_database_url_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GEMIST_DATABASE_URL", raising=False)
    feed = write(tmp_path / "a.csv", FEED)

    code = main(["--db", "mysql://root:secret@localhost/x", "import", "absences", str(feed)])

    err = capsys.readouterr().err
    assert code == 2
    assert "unsupported database 'mysql'" in err
    assert "secret" not in err


def test_the_database_url_comes_from_the_environment(roster, tmp_path, monkeypatch, capsys):
    path = tmp_path / "from-env.db"
    monkeypatch.setenv("GEMIST_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.delenv("GEMIST_CONFIG", raising=False)

    assert main(["import", "roster", str(roster)]) == 0
    assert path.exists()


def test_a_long_import_shows_progress_on_a_terminal(gemist, roster, tmp_path, capsys, monkeypatch):
    gemist("import", "roster", str(roster))
    capsys.readouterr()
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    feed = write(tmp_path / "absences.csv", "pupil_id;date;half_day\nP1;2026-11-17;am\n")

    assert gemist("import", "absences", str(feed)) == 0

    assert "\rabsences.csv: 1 rows read" in capsys.readouterr().err


def test_a_reader_that_goes_away_is_no_error(monkeypatch, capsys):
    async def closed_pipe(args, settings):
        raise BrokenPipeError

    monkeypatch.setattr("bot.commands.calendar.run", closed_pipe)

    assert main(["calendar"]) == 0
