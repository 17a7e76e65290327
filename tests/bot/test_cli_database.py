"""Which database a command opens (issue 15, item 8): every command that changes data says so
on stderr, without the password; only ``import roster`` may create a new SQLite database, every
other command refuses to make an empty one (exit 2, naming the path)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.cli import main

EXAMPLE = Path(__file__).parents[2] / "docs" / "example"


@pytest.fixture
def elsewhere(tmp_path, monkeypatch) -> Path:
    """A configuration used from another folder: gemist runs in ``tmp_path/other``."""
    school = tmp_path / "school"
    school.mkdir()
    (school / "gemist.toml").write_text('[school]\nname = "Sint-Jozefcollege"\n')
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.chdir(other)
    monkeypatch.delenv("GEMIST_DATABASE_URL", raising=False)
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", "GemistTestBot")
    monkeypatch.setenv("GEMIST_TELEGRAM_TOKEN", "123:abc")
    return school / "gemist.toml"


@pytest.mark.parametrize(
    "command",
    [
        ["invite", "--role", "pupil"],
        ["hold", "list"],
        ["hold", "release", "2026-11-17"],
        ["run"],
        ["import", "absences", str(EXAMPLE / "absences.csv")],
        ["backup", "copy.db"],
    ],
)
def test_a_command_that_needs_the_school_s_data_does_not_create_an_empty_database(
    elsewhere, capsys, command
):
    assert main(["--config", str(elsewhere), *command]) == 2

    missing = Path.cwd() / "gemist.db"
    assert f"there is no database at {missing}" in capsys.readouterr().err
    assert not missing.exists()
    assert not list(Path.cwd().iterdir())


def test_the_first_roster_import_creates_the_database_and_says_where(elsewhere, capsys):
    assert main(["--config", str(elsewhere), "import", "roster", str(EXAMPLE / "roster")]) == 0
    first = capsys.readouterr().err
    assert main(["--config", str(elsewhere), "hold", "list"]) == 0
    second = capsys.readouterr().err

    path = Path.cwd() / "gemist.db"
    assert f"gemist import roster: creating a new database at {path}" in first
    assert f"gemist hold: database {path}" in second


def test_the_database_is_named_without_its_password(postgres_url, capsys):
    url = make_url(postgres_url).set(password="s3cret-pw")  # the local server trusts anyone
    shown = url.render_as_string(hide_password=True)

    assert main(["--db", url.render_as_string(hide_password=False), "hold", "list"]) == 0

    err = capsys.readouterr().err
    assert f"gemist hold: database {shown}" in err
    assert "s3cret-pw" not in err
