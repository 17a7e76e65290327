"""One import per school at a time, and the import log after a ``kill -9`` (issue 15).

A second import waits for the first and says for whom; both leave their row. A run whose
process was killed (a real ``SIGKILL`` of a real import process) is marked ``interrupted`` by
the next command that opens the database, and nothing of it was stored.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.db import connect
from bot.exits import Exit
from bot.imports import import_absences
from bot.imports.turns import RunningImport, this_process
from bot.models import ImportRun
from integrations.csv.source import CsvAbsenceSource
from tests.helpers.feeds import active_marks, write
from tests.helpers.held_import import HeldSource
from tests.helpers.seed import SCHOOL, seed_pupils

ROOT = Path(__file__).parents[2]
HEADER = "pupil_id;date;half_day;code;expected_return;note\n"
FIRST = HEADER + "P1;2026-11-17;am;B;;\nP2;2026-11-17;am;Z;;\n"
SECOND = HEADER + "P1;2026-11-17;am;Z;;\nP2;2026-11-17;am;Z;;\n"


@pytest.fixture
def feeds(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "first.csv", FIRST), write(tmp_path / "second.csv", SECOND)


async def runs(url: str) -> list[tuple[str, bool]]:
    """``(status, finished)`` of every import run, in order."""
    engine = connect(url)
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.text("SELECT status, finished_at IS NOT NULL FROM import_run ORDER BY id")
        )
        found = [(status, bool(finished)) for status, finished in rows]
    await engine.dispose()
    return found


async def marks(url: str) -> set[tuple[str, str, str, str]]:
    engine = connect(url)
    found = await active_marks(engine)
    await engine.dispose()
    return found


async def test_a_second_import_waits_for_the_first_and_both_are_in_the_log(
    engine, clock, feeds, db_url
):
    await seed_pupils(engine, clock, ["P1", "P2"])
    held = HeldSource(CsvAbsenceSource(feeds[0]))
    told: list[RunningImport] = []

    def start(source, **options):  # type: ignore[no-untyped-def]
        return asyncio.create_task(
            import_absences(
                engine, source, school_id=SCHOOL, school_name="T", clock=clock, **options
            )
        )

    first = start(held, started_by="jan")
    await asyncio.wait_for(held.holding.wait(), 10)
    second = start(CsvAbsenceSource(feeds[1]), started_by="els", waiting=told.append)
    for _ in range(200):
        if told:
            break
        await asyncio.sleep(0.05)

    assert [run.started_by for run in told] == ["jan"]
    assert told[0].describe(clock.tz) == (
        f"another import is running since {clock.now().astimezone(clock.tz):%H:%M}, "
        f"started by PID {os.getpid()} (jan)"
    )
    assert not second.done()
    held.release.set()
    reports = await asyncio.wait_for(asyncio.gather(first, second), 30)

    assert [report.exit_code for report in reports] == [Exit.OK, Exit.OK]
    assert await runs(db_url) == [("ok", True), ("ok", True)]
    assert ("P1", "2026-11-17", "am", "Z") in await active_marks(engine)


@pytest.fixture
def holder(db_url: str, feeds: tuple[Path, Path]) -> Iterator[subprocess.Popen[str]]:
    """A real import process of the second feed, holding its transaction until killed."""
    asyncio.run(_seed(db_url))
    assert main(["--db", db_url, "import", "absences", str(feeds[0])]) == Exit.OK
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.held_import", db_url, str(feeds[1])],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "holding"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


async def _seed(url: str) -> None:
    from scheduler.clock import WallClock

    engine = connect(url)
    await seed_pupils(engine, WallClock(), ["P1", "P2"])
    await engine.dispose()


def kill_9(process: subprocess.Popen[str]) -> None:
    process.send_signal(signal.SIGKILL)
    assert process.wait(10) == -signal.SIGKILL


FIRST_MARKS = {("P1", "2026-11-17", "am", "B"), ("P2", "2026-11-17", "am", "Z")}


@pytest.mark.parametrize("command", [["hold", "list"], ["import", "absences", "first.csv"]])
def test_a_run_whose_process_was_killed_is_marked_interrupted_by_the_next_command(
    holder, db_url, tmp_path, command, monkeypatch, capsys
):
    assert asyncio.run(runs(db_url)) == [("ok", True), ("running", False)]

    kill_9(holder)
    assert asyncio.run(runs(db_url)) == [("ok", True), ("running", False)]
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GEMIST_CONFIG", raising=False)
    assert main(["--db", db_url, *command]) == Exit.OK

    assert asyncio.run(runs(db_url))[:2] == [("ok", True), ("interrupted", True)]
    assert asyncio.run(marks(db_url)) == FIRST_MARKS  # the killed import stored nothing


def test_an_import_waits_for_a_running_one_says_so_and_goes_on_when_it_is_killed(
    holder, db_url, feeds
):
    env = {key: value for key, value in os.environ.items() if not key.startswith("GEMIST_")}
    waiting = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", db_url, "import", "absences", str(feeds[0])],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert waiting.stderr is not None
        opened = waiting.stderr.readline()  # which database the command opened, then:
        assert opened.startswith("gemist import absences: database "), opened
        said = waiting.stderr.readline()
        assert re.fullmatch(
            rf"gemist: another import is running since \d\d:\d\d, started by PID {holder.pid} "
            r"\(.+\); this import starts when it ends\n",
            said,
        ), said
        assert waiting.poll() is None

        kill_9(holder)
        out, err = waiting.communicate(timeout=30)
    finally:
        if waiting.poll() is None:
            waiting.kill()
            waiting.communicate()

    assert waiting.returncode == Exit.OK, err
    assert "Traceback" not in err
    assert "2 unchanged" in out  # the first feed again, after the killed import stored nothing
    assert asyncio.run(runs(db_url)) == [("ok", True), ("interrupted", True), ("ok", True)]
    assert asyncio.run(marks(db_url)) == FIRST_MARKS


async def test_a_run_of_this_process_whose_end_was_not_recorded_does_not_hold_up_the_next(
    engine, clock, feeds, db_url
):
    await seed_pupils(engine, clock, ["P1", "P2"])
    pid, host = this_process()
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(ImportRun).values(
                school_id=SCHOOL, kind="absences", source="csv:lost.csv", started_by="run",
                started_at=clock.now(), status="running", summary=[], pid=pid, host=host,
            )
        )  # fmt: skip
    told: list[RunningImport] = []

    report = await asyncio.wait_for(
        import_absences(
            engine, CsvAbsenceSource(feeds[0]), school_id=SCHOOL, school_name="T",
            clock=clock, waiting=told.append,
        ),
        10,
    )  # fmt: skip

    assert report.exit_code == Exit.OK
    assert told == []
    assert await runs(db_url) == [("interrupted", True), ("ok", True)]
