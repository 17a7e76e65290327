"""*Invoer* (:mod:`bot.desk.imports`) on the example school (both backends): the import runs,
newest first, with their counts and rejects, as the real imports record them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.desk import Scope, import_run, import_runs, run_rejects
from bot.desk.imports import REJECTS_SHOWN, Reject
from bot.imports import import_absences
from integrations.csv import CsvAbsenceSource
from scheduler.clock import VirtualClock
from tests.bot.desk.school import HEADER, MONDAY, NAME, SCHOOL, at, ids, roster

WHOLE = Scope.school(SCHOOL)
UNKNOWN = 25  # rows naming pupils the roster does not know: more than the list shows


async def load(engine, clock: VirtualClock, path: Path, text: str) -> int:
    path.write_text(text, encoding="utf-8")  # noqa: ASYNC240 (a test's small file)
    report = await import_absences(
        engine,
        CsvAbsenceSource(path, covers=[MONDAY]),
        school_id=SCHOOL,
        school_name=NAME,
        clock=clock,
    )
    return report.exit_code


async def school(engine, tmp_path: Path) -> None:
    """The roster at 8:00; at 9:00 a feed with a bad date and unknown pupils; at 9:30 a file
    without its date column; at 10:00 a good feed."""
    clock = VirtualClock(at(8, 0))
    await roster(engine, clock)
    clock.set(at(9, 0))
    rows = "P0022,2026-11-16,am,B,,\nP0011,2026-13-01,am,Z,,\n"
    rows += "".join(f"P9{n:03d},2026-11-16,am,Z,,\n" for n in range(UNKNOWN))
    assert await load(engine, clock, tmp_path / "maandag.csv", HEADER + rows) != 0
    clock.set(at(9, 30))
    assert await load(engine, clock, tmp_path / "kapot.csv", "pupil_id,half_day,code\n") != 0
    clock.set(at(10, 0))
    assert (
        await load(engine, clock, tmp_path / "maandag.csv", HEADER + "P0022,2026-11-16,am,B,,\n")
        == 0
    )


async def read(engine, scope=WHOLE, **kwargs):
    async with engine.connect() as conn:
        return await import_runs(conn, scope, **kwargs)


async def rejects(engine, run: int, scope=WHOLE, **kwargs):
    async with engine.connect() as conn:
        return await run_rejects(conn, scope, run, **kwargs)


async def test_runs_come_newest_first_with_their_counts_and_rejects(engine, tmp_path):
    await school(engine, tmp_path)

    page = await read(engine)

    assert [(run.kind, run.status) for run in page.items] == [
        ("absences", "ok"),
        ("absences", "unusable"),
        ("absences", "partial"),
        ("roster", "ok"),
    ]
    good, broken, partial, first = page.items
    assert good.started_at == at(10, 0).astimezone(dt.UTC)
    assert (good.rows, good.imported, good.rejected, good.reject_count) == (1, 0, 0, 0)
    assert good.unchanged == 1  # the 9:00 feed had stored Ruben's mark already
    assert (partial.rows, partial.imported, partial.rejected) == (UNKNOWN + 2, 1, UNKNOWN + 1)
    assert partial.reject_count == UNKNOWN + 1
    assert len(partial.rejects) == REJECTS_SHOWN
    assert partial.rejects[0] == Reject(
        "maandag.csv", 3, "date", partial.rejects[0].reason
    )  # line 3: the header is line 1
    assert "2026-13-01" in partial.rejects[0].reason
    assert partial.rejects[1].line == 4
    assert "P9000" in partial.rejects[1].reason
    assert [file["file"] for file in partial.files] == ["maandag.csv"]
    assert partial.rejects_shown
    [why] = broken.rejects  # an unusable file: its reason is its one reject
    assert why.file == "kapot.csv"
    assert "date" in why.reason
    assert first.kind == "roster"
    assert first.imported > 0


async def test_every_reject_of_a_run_comes_in_pages(engine, tmp_path):
    await school(engine, tmp_path)
    partial = (await read(engine)).items[2]

    second = await rejects(engine, partial.id, page=2, size=10)

    assert second is not None
    assert (second.total, second.pages, second.number) == (UNKNOWN + 1, 3, 2)
    assert [reject.line for reject in second.items] == list(range(13, 23))
    every = await rejects(engine, partial.id, size=100)
    assert every is not None
    assert every.items[:REJECTS_SHOWN] == partial.rejects


async def test_a_spilfiguur_gets_the_runs_without_their_rejects(engine, tmp_path):
    await school(engine, tmp_path)
    hanne = Scope.of_spilfiguur(SCHOOL, (await ids(engine)).staff["S03"])

    page = await read(engine, hanne)

    partial = page.items[2]
    assert (partial.status, partial.reject_count, partial.rejects) == ("partial", UNKNOWN + 1, ())
    assert not partial.rejects_shown
    assert await rejects(engine, partial.id, hanne) is None
    assert await rejects(engine, partial.id, Scope.school("another school")) is None


async def test_runs_of_one_kind_in_pages(engine, tmp_path):
    await school(engine, tmp_path)

    page = await read(engine, kind="absences", page=2, size=2)

    assert (page.total, page.number, [run.status for run in page.items]) == (3, 2, ["partial"])
    assert (await read(engine, Scope.school("another school"))).total == 0


async def test_one_run_reads_as_the_list_shows_it_and_only_in_its_school(engine, tmp_path):
    await school(engine, tmp_path)
    listed = await read(engine)

    async with engine.connect() as conn:
        each = [await import_run(conn, WHOLE, run.id) for run in listed.items]
        elsewhere = await import_run(conn, Scope.school("another school"), listed.items[0].id)
        none = await import_run(conn, WHOLE, 987654)

    assert tuple(each) == listed.items
    assert elsewhere is None
    assert none is None
