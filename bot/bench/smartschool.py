"""``gemist bench smartschool``: a roster sync and a day's absences from a large school's
Smartschool, as calls made and seconds, beside the fewest calls the webservices allow.

The school (2,000 pupils by default, in classes of 25, with 3,500 co-accounts: 1,500 pupils
with two parents, 500 with one; a titular per class; 8 % of the pupils absent) is served by the
local Smartschool server in a process of its own, as a school's Smartschool is another machine:
in this one it would share the one core a Python process has. Gemist's real client and importers
store it in a fresh SQLite database. Calls are counted on the client's side.

Two shapes of answers are measured. Live schools' account lists carry the co-account fields
(public clients read ``voornaam_coaccount1``, ``type_coaccount1``, ... from
``getAllAccountsExtended``), so the fewest calls are: ``getAllGroupsAndClasses`` (1: which groups
are official classes, and the top group holding them), ``getAllAccountsExtended`` on that top
group, recursively (1: every pupil with their co-accounts), ``getClassTeachers`` (1), and
``getAbsentsWithInternalNumberByDate`` per date (1): four. A school whose lists lack them needs
``getUserDetails`` per pupil as well: 3 + pupils + 1. The goal: no call more than the minimum.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.db import connect, migrate
from bot.exits import Exit
from bot.imports.smartschool import import_absences_by_date, import_smartschool_roster
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.local_school import TEACHER, Account, CoAccount, Group, School
from integrations.smartschool.local_server import LocalSmartschool
from integrations.smartschool.settings import SmartschoolOptions
from scheduler.clock import BRUSSELS, WallClock

__all__ = ["SmartschoolFigures", "measure", "measure_and_report", "report", "school"]

ACCESS_CODE = "bench-access-code-not-a-secret"
CLASS_SIZE = 25
ABSENT_EVERY = 12  # about 8 % of the pupils absent on the day
SETTINGS = Settings(school_id="bench", school_name="Benchschool")


def school(pupils: int, co_accounts: int, day: str, *, in_lists: bool = True) -> School:
    """A school of ``pupils`` with ``co_accounts`` co-accounts (two per pupil at most), in
    classes of :data:`CLASS_SIZE` with a titular each, and its marks of ``day``."""
    if not 0 <= co_accounts <= 2 * pupils:
        raise ValueError("co-accounts: from 0 to two per pupil")
    classes = [f"{1 + n // 14}{chr(65 + n % 14)}" for n in range(-(-pupils // CLASS_SIZE))]
    two = max(0, co_accounts - pupils)  # pupils with two co-accounts; the rest of them one
    accounts: list[Account] = []
    marks: dict[str, tuple[str | None, str | None]] = {}
    for n in range(pupils):
        number = f"{100000 + n}"
        parents = 2 if n < two else (1 if n < co_accounts - two else 0)
        accounts.append(
            Account(
                number, f"pupil{n}", f"Voornaam{n}", f"Naam{n}",
                birth_date=f"{2008 + n % 6}-{1 + n % 12:02d}-{1 + n % 28:02d}",
                groups=[classes[n // CLASS_SIZE]],
                co_accounts=[
                    CoAccount(k, f"Ouder{k}", f"Naam{n}", ("Moeder", "Vader")[k - 1],
                              f"ouder{k}.{n}@example.org", f"+3247{n:07d}")
                    for k in range(1, parents + 1)
                ],
            )
        )  # fmt: skip
        if n % ABSENT_EVERY == 0:
            marks[number] = ("Z", "Z") if (n // ABSENT_EVERY) % 3 else ("B", "|")
    teachers = {code: [f"teacher{i}"] for i, code in enumerate(classes)}
    for i in range(len(classes)):
        accounts.append(
            Account(f"9{i:05d}", f"teacher{i}", f"Leraar{i}", "Titularis", basisrol=TEACHER)
        )
    return School(
        accounts=accounts,
        groups=[Group("leerlingen", "Leerlingen")]
        + [Group(code, code, official=True, parent="leerlingen") for code in classes],
        class_teachers=teachers,
        absences={day: marks},
        co_accounts_in_lists=in_lists,
    )


class CountingClient(SmartschoolClient):
    """The real client, counting the calls it makes by method."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counted: Counter[str] = Counter()

    async def _call(self, method: str, *values: str | int | bool) -> str:
        self.counted[method] += 1
        return await super()._call(method, *values)


@dataclass(frozen=True, slots=True)
class Shape:
    """One shape of answers: its roster sync and its day's absences."""

    name: str
    roster_calls: int
    roster_seconds: float
    absence_calls: int
    absence_seconds: float
    minimum: int
    pupils: int
    guardians: int
    marks: int

    @property
    def calls(self) -> int:
        return self.roster_calls + self.absence_calls


@dataclass(frozen=True, slots=True)
class SmartschoolFigures:
    pupils: int
    co_accounts: int
    shapes: tuple[Shape, ...]


def _serve(pipe: Connection, pupils: int, co_accounts: int, day: str, in_lists: bool) -> None:
    """The server process: serve the school until told to stop."""
    asyncio.run(_serving(pipe, school(pupils, co_accounts, day, in_lists=in_lists)))


async def _serving(pipe: Connection, served: School) -> None:
    async with LocalSmartschool(served, ACCESS_CODE) as server:
        pipe.send(server.url)
        await asyncio.to_thread(pipe.recv)


@asynccontextmanager
async def _server(pupils: int, co_accounts: int, day: str, in_lists: bool) -> AsyncIterator[str]:
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    process = spawn.Process(
        target=_serve,
        args=(theirs, pupils, co_accounts, day, in_lists),
        name="gemist-bench-smartschool",
        daemon=True,
    )
    process.start()
    try:
        yield await asyncio.to_thread(ours.recv)
        ours.send("stop")
    finally:
        await asyncio.to_thread(process.join, 10)
        if process.is_alive():
            process.terminate()


async def _shape(pupils: int, co_accounts: int, *, in_lists: bool) -> Shape:
    clock = WallClock(BRUSSELS)
    today = clock.today()
    with tempfile.TemporaryDirectory(prefix="gemist-bench-smartschool-") as folder:
        engine = connect(f"sqlite:///{Path(folder) / 'gemist.db'}")
        try:
            await migrate(engine)
            async with _server(pupils, co_accounts, today.isoformat(), in_lists) as url:
                options = SmartschoolOptions.model_validate(
                    {"url": url, "access_code": ACCESS_CODE}
                )
                client = CountingClient(url, ACCESS_CODE)
                async with client:
                    started = time.perf_counter()
                    roster = await import_smartschool_roster(
                        engine, client, settings=SETTINGS, school=options, clock=clock,
                        started_by="bench",
                    )  # fmt: skip
                    roster_seconds = time.perf_counter() - started
                    roster_calls = sum(client.counted.values())
                    started = time.perf_counter()
                    [day] = await import_absences_by_date(
                        engine, client, [today], settings=SETTINGS, clock=clock,
                        started_by="bench",
                    )  # fmt: skip
                    absence_seconds = time.perf_counter() - started
                    absence_calls = sum(client.counted.values()) - roster_calls
        finally:
            await engine.dispose()
    if roster.error is not None or day.report is None or day.report.error is not None:
        raise RuntimeError(f"the bench school could not be imported: {roster.error or day.error}")
    return Shape(
        name="co-accounts in the account lists" if in_lists else "co-accounts by getUserDetails",
        roster_calls=roster_calls,
        roster_seconds=roster_seconds,
        absence_calls=absence_calls,
        absence_seconds=absence_seconds,
        minimum=4 if in_lists else 4 + pupils,
        pupils=roster.files[0].imported,
        guardians=roster.files[1].imported,
        marks=day.report.total("imported"),
    )


async def measure(pupils: int, co_accounts: int) -> SmartschoolFigures:
    """Both shapes of answers, each against a fresh server and database."""
    shapes = []
    for in_lists in (True, False):
        shapes.append(await _shape(pupils, co_accounts, in_lists=in_lists))
    return SmartschoolFigures(pupils, co_accounts, tuple(shapes))


def report(figures: SmartschoolFigures) -> Exit:
    """Print the figures; the goal is met when no shape made more calls than its minimum."""
    print(
        f"Smartschool: {figures.pupils:,} pupils, {figures.co_accounts:,} co-accounts, "
        "a roster sync and one day's absences"
    )
    met = True
    for shape in figures.shapes:
        met = met and shape.calls <= shape.minimum
        print(
            f"  {shape.name}: roster {shape.roster_calls:,} calls in "
            f"{shape.roster_seconds:.2f} s ({shape.pupils:,} pupils, {shape.guardians:,} "
            f"guardians), absences {shape.absence_calls} call in {shape.absence_seconds:.2f} s "
            f"({shape.marks:,} half-days); {shape.calls:,} calls, minimum {shape.minimum:,}"
        )
    print(f"goals: {'MET' if met else 'NOT MET'} (no more calls than the minimum)")
    return Exit.OK if met else Exit.NOT_MET


async def measure_and_report(pupils: int, co_accounts: int) -> int:
    return report(await measure(pupils, co_accounts))
