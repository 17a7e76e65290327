"""``gemist backup`` (issue 15, item 8): a consistent SQLite copy while a writer is busy, 0600,
restored by opening it; for PostgreSQL the pg_dump way and exit 2."""

from __future__ import annotations

import sqlite3
import stat
from contextlib import closing
from pathlib import Path

from bot.cli import main

EXAMPLE = Path(__file__).parents[2] / "docs" / "example"
TABLES = ("pupil", "guardian", "guardian_link", "staff", "absence_mark", "import_run")


def _counts(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def _school(tmp_path: Path, capsys) -> Path:
    path = tmp_path / "gemist.db"
    db = f"sqlite:///{path}"
    assert main(["--db", db, "import", "roster", str(EXAMPLE / "roster")]) == 0
    assert main(["--db", db, "import", "absences", str(EXAMPLE / "absences.csv")]) in (0, 3)
    capsys.readouterr()
    return path


def test_a_backup_taken_while_a_writer_is_busy_has_every_committed_row_and_no_other(
    tmp_path, capsys
):
    path = _school(tmp_path, capsys)
    before = _counts(path)
    backup = tmp_path / "backup.db"
    with closing(sqlite3.connect(path)) as writer:  # the bot, in the middle of a write
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM absence_mark")

        assert main(["--db", f"sqlite:///{path}", "backup", str(backup)]) == 0

        writer.rollback()
    err = capsys.readouterr().err
    assert f"database {path}" in err
    assert f"written to {backup}" in err
    assert before["absence_mark"] > 0
    assert _counts(backup) == before
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_a_backup_is_restored_by_opening_it(tmp_path, capsys):
    path = _school(tmp_path, capsys)
    before = _counts(path)
    backup = tmp_path / "backup.db"
    assert main(["--db", f"sqlite:///{path}", "backup", str(backup)]) == 0
    path.unlink()  # the disk is lost
    capsys.readouterr()

    assert main(["--db", f"sqlite:///{backup}", "hold", "list"]) == 0

    assert f"gemist hold: database {backup}" in capsys.readouterr().err
    assert _counts(backup) == before


def test_a_backup_never_overwrites_a_file_and_needs_a_database(tmp_path, capsys):
    path = _school(tmp_path, capsys)
    taken = tmp_path / "taken.db"
    taken.write_text("precious")

    assert main(["--db", f"sqlite:///{path}", "backup", str(taken)]) == 2
    assert taken.read_text() == "precious"
    assert "exists already" in capsys.readouterr().err

    missing = tmp_path / "elsewhere" / "gemist.db"
    assert main(["--db", f"sqlite:///{missing}", "backup", str(tmp_path / "b.db")]) == 2
    assert f"there is no database at {missing}" in capsys.readouterr().err
    assert not missing.exists()


def test_for_postgresql_backup_prints_the_pg_dump_way_without_the_password(capsys):
    url = "postgresql://gemist:s3cret@127.0.0.1:5432/school"

    assert main(["--db", url, "backup", "/tmp/never-written.dump"]) == 2

    err = capsys.readouterr().err
    assert "pg_dump --format=custom" in err
    assert "pg_restore" in err
    assert "s3cret" not in err
    assert not Path("/tmp/never-written.dump").exists()
