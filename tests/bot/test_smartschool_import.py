"""Smartschool as roster and absence source, stored on SQLite and PostgreSQL (``engine``).

The real client against the local server (:mod:`tests.helpers.smartschool_source`): a roster with
co-accounts, a day's absences as a snapshot, corrections made in Smartschool two days later,
and every way a call can fail, with nothing valid lost.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, Settings, load_settings
from bot.exits import Exit
from bot.imports import import_roster
from bot.imports.smartschool import (
    DayImport,
    dates_to_read,
    import_absences_by_date,
    import_smartschool_roster,
    options,
)
from integrations.csv import CsvRosterSource
from integrations.exceptions import FeedAuthError
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.local_server import LocalSmartschool
from integrations.smartschool.settings import SmartschoolOptions
from integrations.smartschool.source import ABSENCES_METHOD
from scheduler.calendar import SchoolCalendar
from scheduler.clock import VirtualClock
from tests.helpers.feeds import write
from tests.helpers.smartschool_source import (
    AMIRA,
    DAY,
    LARS,
    NOOR,
    client_of,
    sample_school,
    serving,
)

SETTINGS = Settings(school_id="school", school_name="Testschool")
THURSDAY = dt.date(2026, 11, 19)


async def query(engine: AsyncEngine, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async with engine.connect() as conn:
        return [tuple(row) for row in await conn.execute(sa.text(sql), params)]


async def roster(
    engine: AsyncEngine, client: SmartschoolClient, clock: VirtualClock, **school: Any
):
    return await import_smartschool_roster(
        engine, client, settings=SETTINGS, school=SmartschoolOptions(**school), clock=clock
    )


async def absences(
    engine: AsyncEngine, client: SmartschoolClient, clock: VirtualClock, *dates: dt.date
) -> list[DayImport]:
    return await import_absences_by_date(
        engine, client, dates or (DAY,), settings=SETTINGS, clock=clock
    )


async def contacts(engine: AsyncEngine, role: str, roster_id: str) -> dict[str, str]:
    rows = await query(
        engine,
        f"SELECT c.channel, c.address FROM contact c JOIN {role} p ON p.id = c.person_id"
        f" WHERE c.role = :role AND p.{role}_id = :id",
        role=role,
        id=roster_id,
    )
    return dict(rows)  # type: ignore[arg-type]


async def marks(engine: AsyncEngine, day: dt.date = DAY) -> dict[tuple[str, str], str]:
    """The current (not retracted) marks of ``day``, by (pupil, half-day)."""
    rows = await query(
        engine,
        "SELECT p.pupil_id, m.half_day, m.code FROM absence_mark m JOIN pupil p ON p.id ="
        " m.pupil_id WHERE m.date = :day AND m.retracted_at IS NULL",
        day=day,
    )
    return {(pupil, half): code for pupil, half, code in rows}


def counts(outcome: DayImport) -> tuple[int, int, int, int, int]:
    assert outcome.report is not None, outcome.error
    [file] = outcome.report.files
    assert file.rows == file.imported + file.unchanged + file.rejected  # as for a CSV feed
    return file.rows, file.imported, file.unchanged, file.rejected, file.corrections


# -- the roster ---------------------------------------------------------------------------------


async def test_a_roster_with_co_accounts_is_imported(
    engine: AsyncEngine, clock: VirtualClock
) -> None:
    async with serving() as server, client_of(server) as client:
        report = await roster(engine, client, clock)

    assert report.exit_code == Exit.OK, report.files
    assert [(f.file, f.rows, f.imported) for f in report.files] == [
        ("smartschool:pupils", 3, 3),
        ("smartschool:guardians", 3, 3),
        ("smartschool:staff", 2, 2),
        ("smartschool:teaching", 2, 2),
    ]
    assert sorted(
        await query(
            engine,
            "SELECT g.guardian_id, p.pupil_id, l.relation, g.first_name, g.language"
            " FROM guardian_link l JOIN guardian g ON g.id = l.guardian_id"
            " JOIN pupil p ON p.id = l.pupil_id",
        )
    ) == [
        (f"{AMIRA}#1", AMIRA, "moeder", "Fatima", "nl"),
        (f"{AMIRA}#2", AMIRA, "vader", "Youssef", "nl"),
        (f"{LARS}#1", LARS, "plusmoeder", "Els", "nl"),
    ]
    assert await contacts(engine, "guardian", f"{AMIRA}#1") == {
        "email": "fatima@example.org",
        "phone": "+32470000001",
        "smartschool": "amira.elamrani#1",
    }
    assert await contacts(engine, "guardian", f"{AMIRA}#2") == {
        "phone": "+32470000002",
        "smartschool": "amira.elamrani#2",
    }
    assert await contacts(engine, "pupil", NOOR) == {"smartschool": "noor.aziz"}
    assert await contacts(engine, "staff", "9001") == {"smartschool": "an.vos"}
    assert sorted(
        await query(
            engine,
            "SELECT p.pupil_id, c.name FROM pupil p JOIN school_class c ON c.id = p.class_id",
        )
    ) == [(AMIRA, "1A"), (LARS, "1A"), (NOOR, "1B")]
    assert sorted(
        await query(
            engine,
            "SELECT s.staff_id, s.role, c.name, t.role FROM teaching_assignment t"
            " JOIN staff s ON s.id = t.staff_id JOIN school_class c ON c.id = t.class_id",
        )
    ) == [("9001", "teacher", "1A", "titularis"), ("9002", "teacher", "1B", "titularis")]

    async with serving() as server, client_of(server) as client:
        again = await roster(engine, client, clock)
    assert [(f.imported, f.unchanged, f.corrections) for f in again.files] == [
        (0, 3, 0),
        (0, 3, 0),
        (0, 2, 0),
        (0, 2, 0),
    ]


async def test_a_co_account_removed_in_smartschool_is_unlinked_and_its_inbox_removed(
    engine: AsyncEngine, clock: VirtualClock
) -> None:
    school = sample_school()
    async with serving(school) as server, client_of(server) as client:
        await roster(engine, client, clock)
        school.accounts[0].co_accounts.pop()  # the father's co-account 2
        report = await roster(engine, client, clock)

    assert report.files[1].corrections == 1
    assert await query(
        engine, "SELECT active FROM guardian WHERE guardian_id = :id", id=f"{AMIRA}#2"
    ) in ([(False,)], [(0,)])
    assert await contacts(engine, "guardian", f"{AMIRA}#1") != {}


CSV = {
    "pupils.csv": "pupil_id;first_name;last_name;birth_date;class;language;spilfiguur;email\n"
    f"{AMIRA};Amira;El Amrani;2012-03-04;1A;ar;S01;amira@example.org\n",
    "staff.csv": "staff_id,first_name,last_name,role\nS01,Mira,Peeters,coordinator\n"
    "9001,An,Vos,coordinator\n",
    "teaching.csv": "staff_id,class,role\nS01,1A,teacher\n",
}


async def test_what_smartschool_does_not_know_stays_and_a_csv_roster_keeps_its_inboxes(
    engine: AsyncEngine, clock: VirtualClock, tmp_path: Path
) -> None:
    folder = tmp_path / "roster"
    folder.mkdir()
    for name, text in CSV.items():
        write(folder / name, text)
    source = CsvRosterSource(folder, today=clock.today())
    await import_roster(engine, source, school_id="school", school_name="T", clock=clock)

    async with serving() as server, client_of(server) as client:
        mapping = {"1A": "9002", "1B": "S01"}
        report = await roster(engine, client, clock, spilfiguren=mapping)

    assert report.exit_code == Exit.OK, [f.rejects for f in report.files]
    # The coordinator from staff.csv is still active and still a coordinator, and so is the
    # titular of 1A whom the school made its coordinator; the teacher link of S01 stays.
    assert sorted(await query(engine, "SELECT staff_id, role, active FROM staff")) in (
        [("9001", "coordinator", True), ("9002", "teacher", True), ("S01", "coordinator", True)],
        [("9001", "coordinator", 1), ("9002", "teacher", 1), ("S01", "coordinator", 1)],
    )
    assert len(await query(engine, "SELECT id FROM teaching_assignment")) == 3
    # Amira keeps her language and her spilfiguur (the mapping fills in, never overwrites);
    # Lars and Noor, new, get their class's.
    assert sorted(
        await query(
            engine,
            "SELECT p.pupil_id, p.language, s.staff_id FROM pupil p"
            " LEFT JOIN staff s ON s.id = p.spilfiguur_id",
        )
    ) == [(AMIRA, "ar", "S01"), (LARS, "nl", "9002"), (NOOR, "nl", "S01")]
    # Her e-mail from pupils.csv stays beside her inbox.
    assert await contacts(engine, "pupil", AMIRA) == {
        "email": "amira@example.org",
        "smartschool": "amira.elamrani",
    }

    again = await import_roster(engine, source, school_id="school", school_name="T", clock=clock)

    assert await contacts(engine, "pupil", AMIRA) == {
        "email": "amira@example.org",
        "smartschool": "amira.elamrani",
    }
    assert await contacts(engine, "staff", "9001") == {"smartschool": "an.vos"}
    assert again.files[0].corrections == 2  # the CSV file lists only Amira: Lars, Noor left


async def test_an_address_smartschool_no_longer_lists_is_removed_and_the_inbox_stays(
    engine: AsyncEngine, clock: VirtualClock
) -> None:
    school = sample_school()
    async with serving(school) as server, client_of(server) as client:
        await roster(engine, client, clock)
        mother = school.accounts[0].co_accounts[0]
        school.accounts[0].co_accounts[0] = dataclasses.replace(mother, email="", mobile="")
        report = await roster(engine, client, clock)

    assert report.files[1].imported == 1
    assert await contacts(engine, "guardian", f"{AMIRA}#1") == {"smartschool": "amira.elamrani#1"}


async def test_a_roster_that_cannot_be_read_stores_nothing(
    engine: AsyncEngine, clock: VirtualClock
) -> None:
    async with serving() as server, client_of(server) as client:
        server.trouble_on("getAllAccountsExtended", "leerlingen", "broken_json")
        report = await roster(engine, client, clock)

    assert report.exit_code == Exit.UNUSABLE
    assert report.error is not None
    assert "not valid JSON" in str(report.error)
    assert await query(engine, "SELECT COUNT(*) FROM pupil") == [(0,)]


# -- the absences --------------------------------------------------------------------------------


async def _school_with_roster(
    engine: AsyncEngine, clock: VirtualClock, server: LocalSmartschool
) -> None:
    async with client_of(server) as client:
        await roster(engine, client, clock)


async def test_a_days_absences_are_a_snapshot(engine: AsyncEngine, clock: VirtualClock) -> None:
    async with serving() as server:
        await _school_with_roster(engine, clock, server)
        async with client_of(server) as client:
            [outcome] = await absences(engine, client, clock)

    assert counts(outcome) == (4, 4, 0, 0, 0)
    assert outcome.report is not None
    assert outcome.report.files[0].file == (f"{ABSENCES_METHOD} {DAY.isoformat()}")
    assert await marks(engine) == {
        (AMIRA, "am"): "Z",
        (AMIRA, "pm"): "Z",
        (LARS, "am"): "B",
        (NOOR, "pm"): "Z",
    }
    assert await query(engine, "SELECT date FROM feed_day") in ([(DAY,)], [(DAY.isoformat(),)])


async def test_a_change_and_a_removal_two_days_later_arrive_as_corrections(
    engine: AsyncEngine, clock: VirtualClock
) -> None:
    school = sample_school()
    async with serving(school) as server:
        await _school_with_roster(engine, clock, server)
        async with client_of(server) as client:
            await absences(engine, client, clock)
            # Thursday: the school turns Lars's B into a Z and removes Noor's afternoon.
            clock.advance(dt.timedelta(days=2))
            school.absences[DAY.isoformat()][LARS] = ("Z", "|")
            del school.absences[DAY.isoformat()][NOOR]
            outcomes = await absences(engine, client, clock, DAY, THURSDAY)

    assert [o.day for o in outcomes] == [DAY, THURSDAY]
    assert counts(outcomes[0]) == (3, 1, 2, 0, 2)
    assert await marks(engine) == {(AMIRA, "am"): "Z", (AMIRA, "pm"): "Z", (LARS, "am"): "Z"}
    assert sorted(await query(engine, "SELECT kind, old_code, new_code FROM mark_correction")) == [
        ("changed", "B", "Z"),
        ("retracted", "Z", None),
    ]


async def test_an_unmapped_code_is_rejected_and_the_stored_mark_kept(
    engine: AsyncEngine, clock: VirtualClock
) -> None:
    school = sample_school()
    async with serving(school) as server:
        await _school_with_roster(engine, clock, server)
        async with client_of(server) as client:
            await absences(engine, client, clock)
            school.absences[DAY.isoformat()][LARS] = ("Q", "|")
            [outcome] = await absences(engine, client, clock)

    assert outcome.exit_code == Exit.REJECTS
    assert outcome.report is not None
    [reject] = outcome.report.files[0].rejects
    assert reject.column == f"pupil {LARS}, am"
    assert "'Q'" in reject.reason
    assert (await marks(engine))[(LARS, "am")] == "B"  # not taken as removed
    assert await query(engine, "SELECT COUNT(*) FROM mark_correction") == [(0,)]


async def test_an_unknown_internal_number_is_rejected_and_the_others_imported(
    engine: AsyncEngine, clock: VirtualClock
) -> None:
    school = sample_school()
    school.absences[DAY.isoformat()]["99999"] = ("B", "B")
    async with serving(school) as server:
        await _school_with_roster(engine, clock, server)
        async with client_of(server) as client:
            [outcome] = await absences(engine, client, clock)

    assert counts(outcome) == (6, 4, 0, 2, 0)
    assert outcome.report is not None
    assert {r.reason for r in outcome.report.files[0].rejects} == {
        "no pupil with id '99999' in the roster"
    }
    assert len(await marks(engine)) == 4


@pytest.mark.parametrize("trouble", ["broken_json", "fault", "slow", "unavailable"])
async def test_a_date_that_cannot_be_read_loses_nothing_of_the_dates_read_fine(
    engine: AsyncEngine, clock: VirtualClock, trouble: str
) -> None:
    school = sample_school()
    wednesday = dt.date(2026, 11, 18)
    school.absences[wednesday.isoformat()] = {AMIRA: ("B", None)}
    async with serving(school) as server:
        await _school_with_roster(engine, clock, server)
        async with client_of(server, timeout=0.2) as client:
            await absences(engine, client, clock, wednesday)  # stored: Amira's B
            clock.advance(dt.timedelta(days=2))
            school.absences[wednesday.isoformat()] = {}  # what a re-read would retract
            server.slow_seconds = 1.0
            server.trouble_on(ABSENCES_METHOD, wednesday.isoformat(), trouble)
            outcomes = await absences(engine, client, clock, DAY, wednesday, THURSDAY)

    by_day = {o.day: o for o in outcomes}
    assert counts(by_day[DAY])[1] == 4
    assert counts(by_day[THURSDAY])[0] == 0
    failed = by_day[wednesday]
    assert failed.exit_code == Exit.UNUSABLE
    shown = str(failed.error if failed.error is not None else failed.report.error)  # type: ignore[union-attr]
    assert ABSENCES_METHOD in shown
    assert len(await marks(engine)) == 4
    assert await marks(engine, wednesday) == {(AMIRA, "am"): "B"}  # nothing of it changed
    statuses = await query(engine, "SELECT status FROM import_run WHERE kind = 'absences'")
    assert sorted(s for (s,) in statuses) == sorted(
        ["ok", "ok", "ok", "unusable" if trouble == "broken_json" else "failed"]
    )


async def test_a_refused_access_code_imports_no_date(
    engine: AsyncEngine, clock: VirtualClock
) -> None:
    async with serving() as server:
        await _school_with_roster(engine, clock, server)
        server.access_code = "changed-by-the-administrator"
        async with client_of(server) as client:
            with pytest.raises(FeedAuthError, match="access code refused"):
                await absences(engine, client, clock, DAY, THURSDAY)

    assert await query(engine, "SELECT COUNT(*) FROM import_run WHERE kind = 'absences'") == [(0,)]


# -- choosing the dates, reading the settings ----------------------------------------------------


def test_the_dates_are_today_and_the_school_days_before_it() -> None:
    calendar = SchoolCalendar()
    monday = dt.date(2026, 11, 16)
    assert dates_to_read(calendar, monday, 3) == [
        dt.date(2026, 11, 10),  # Wednesday 11, Armistice Day, is not a school day
        dt.date(2026, 11, 12),
        dt.date(2026, 11, 13),
        monday,
    ]
    saturday = dt.date(2026, 11, 21)
    assert dates_to_read(calendar, saturday, 1) == [dt.date(2026, 11, 20)]
    assert dates_to_read(calendar, monday, 0) == [monday]


def test_the_table_of_the_configuration_file_is_read(tmp_path: Path) -> None:
    config = tmp_path / "gemist.toml"
    config.write_text(
        '[smartschool]\nurl = "https://school.smartschool.be"\nroster_time = 05:45:00\n'
        '[smartschool.spilfiguren]\n"1A" = "S01"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, environ={"GEMIST_SMARTSCHOOL_ACCESS_CODE": "s3cret-code"})

    read = options(settings)
    assert read.configured
    assert read.roster_time == dt.time(5, 45)
    assert read.spilfiguren == {"1A": "S01"}


def test_the_table_is_read_with_its_variables_and_a_bad_value_named_without_it() -> None:
    settings = Settings(
        channel_options={"smartschool": {"url": "https://school.smartschool.be", "reread_days": 2}},
        channel_env={"GEMIST_SMARTSCHOOL_ACCESS_CODE": "s3cret-code"},
    )
    read = options(settings)
    assert read.configured
    assert read.reread_days == 2
    assert read.access_code is not None
    assert read.access_code.get_secret_value() == "s3cret-code"

    bad = Settings(channel_env={"GEMIST_SMARTSCHOOL_URL": "ftp://s3cret-host"})
    with pytest.raises(ConfigError, match="GEMIST_SMARTSCHOOL_URL url") as caught:
        options(bad)
    assert "s3cret" not in str(caught.value)
