"""Reading chosen pupils (both backends): each pupil's facts as reading every pupil gives them."""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from bot.imports import import_absences, import_roster
from bot.planning.facts_db import read_pupils, read_staff
from integrations.csv import CsvAbsenceSource, CsvRosterSource

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "sjc"
FEED = (
    "pupil_id,date,half_day,code,expected_return,note\n"
    "P0022,2026-11-16,am,B,,\nP0016,2026-11-16,am,Z,2026-11-18,\n"
    "P0022,2026-11-17,am,B,,\nP0001,2026-11-17,pm,Z,,\n"
)


async def test_chosen_pupils_are_read_as_a_read_of_everyone_reads_them(engine, clock, tmp_path):
    roster = CsvRosterSource(EXAMPLE / "roster", today=clock.today())
    await import_roster(engine, roster, school_id=SCHOOL, school_name="SJC", clock=clock)
    (tmp_path / "feed.csv").write_text(FEED, encoding="utf-8")
    feed = CsvAbsenceSource(tmp_path / "feed.csv")
    await import_absences(engine, feed, school_id=SCHOOL, school_name="SJC", clock=clock)

    async with engine.connect() as conn:
        staff = await read_staff(conn, SCHOOL)
        everyone = await read_pupils(conn, SCHOOL, "SJC", staff, None)
        ids = {facts.pupil_id: facts.id for facts, _context in everyone}
        chosen = [ids["P0022"], ids["P0001"], ids["P0016"], 0]  # and an id nobody has
        # More than PostgreSQL's five custom plans: the prepared statement's own plan too.
        reads = [await read_pupils(conn, SCHOOL, "SJC", staff, chosen) for _ in range(7)]
        one = await read_pupils(conn, SCHOOL, "SJC", staff, [ids["P0022"]])
        none = await read_pupils(conn, SCHOOL, "SJC", staff, [])
        marks = await conn.scalar(sa.text("SELECT count(*) FROM absence_mark"))

    expected = [(facts, context) for facts, context in everyone if facts.id in chosen]
    assert [facts.pupil_id for facts, _context in expected] == ["P0001", "P0016", "P0022"]
    assert all(read == expected for read in reads)
    assert sum(len(facts.marks) for facts, _context in expected) == marks == 4
    assert one == [pupil for pupil in expected if pupil[0].pupil_id == "P0022"]
    assert none == []


async def test_a_guardian_comes_with_their_name_and_their_tie_to_the_child(engine, clock, tmp_path):
    """For the spilfiguur's text about a parent who asked for a call: the name and the roster's
    relation of that link; a link without a relation reads as None, not as an empty word."""
    folder = tmp_path / "roster"
    shutil.copytree(EXAMPLE / "roster", folder)
    path = folder / "guardians.csv"
    text = path.read_bytes().decode("utf-8")
    path.write_bytes(
        text.replace("G030;P0022;Kristof;Wouters;vader;", "G030;P0022;Kristof;Wouters;;").encode(
            "utf-8"
        )
    )
    roster = CsvRosterSource(folder, today=clock.today())
    await import_roster(engine, roster, school_id=SCHOOL, school_name="SJC", clock=clock)

    async with engine.connect() as conn:
        staff = await read_staff(conn, SCHOOL)
        pupils = await read_pupils(conn, SCHOOL, "SJC", staff, None)

    [ruben] = [facts for facts, _context in pupils if facts.pupil_id == "P0022"]
    assert [(g.guardian_id, g.name, g.relation) for g in ruben.guardians] == [
        ("G029", "Sarah Wouters", "moeder"),
        ("G030", "Kristof Wouters", None),
    ]
