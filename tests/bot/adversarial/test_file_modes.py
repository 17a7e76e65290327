"""Files that hold personal data are the school account's only (issue 15, item 4): the SQLite
database with its ``-wal`` and ``-shm`` files and the invitation letters (live codes) are
``0600``, whatever the umask of the process that made them."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.cli import main
from bot.db import connect, migrate
from tests.helpers.telegram import EXAMPLE

UMASKS = [0o022, 0o000]


@pytest.fixture(params=UMASKS, ids=["umask-022", "umask-000"])
def permissive_umask(request):
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_sqlite_database_and_its_wal_and_shm_are_0600(permissive_umask, tmp_path):
    database = tmp_path / "gemist.db"
    engine = connect(f"sqlite:///{database}")
    try:
        await migrate(engine)
        async with engine.connect() as conn:  # the -wal and -shm exist while it is open
            await conn.exec_driver_sql("SELECT count(*) FROM pupil")
            files = sorted(tmp_path.glob("gemist.db*"))
            assert [path.name for path in files] == ["gemist.db", "gemist.db-shm", "gemist.db-wal"]
            assert {path.name: mode(path) for path in files} == dict.fromkeys(
                ["gemist.db", "gemist.db-shm", "gemist.db-wal"], 0o600
            )
    finally:
        await engine.dispose()


async def test_a_database_an_earlier_version_made_readable_is_narrowed(tmp_path):
    database = tmp_path / "gemist.db"
    database.touch(mode=0o644)
    database.chmod(0o644)

    engine = connect(f"sqlite:///{database}")
    try:
        async with engine.connect() as conn:
            await conn.exec_driver_sql("SELECT 1")
    finally:
        await engine.dispose()

    assert mode(database) == 0o600


async def test_connecting_alone_creates_no_database_file(tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'gemist.db'}")
    await engine.dispose()

    assert list(tmp_path.iterdir()) == []


def test_gemist_import_makes_the_database_0600(permissive_umask, tmp_path, capsys):
    database = tmp_path / "gemist.db"

    assert main(["--db", f"sqlite:///{database}", "import", "roster", str(EXAMPLE / "roster")]) == 0

    assert mode(database) == 0o600


def test_invitation_letters_are_0600(permissive_umask, tmp_path, capsys, monkeypatch):
    db = f"sqlite:///{tmp_path / 'gemist.db'}"
    assert main(["--db", db, "import", "roster", str(EXAMPLE / "roster")]) == 0
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", "GemistTestBot")
    pdf = tmp_path / "letters.pdf"

    args = ["--db", db, "invite", "--role", "guardian", "--class", "3A", "--pdf", str(pdf)]
    assert main(args) == 0

    assert pdf.read_bytes().startswith(b"%PDF")
    assert mode(pdf) == 0o600
