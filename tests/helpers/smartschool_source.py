"""A small school on a local Smartschool server, for the source's tests on every layer.

Three pupils in two classes (1A: Amira with her mother and father as co-accounts 1 and 2, Lars
with his stepmother; 1B: Noor, no co-account), two titulars, and the marks of Tuesday
17 November 2026 (the day of the ``clock`` fixture).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.local_school import TEACHER, Account, CoAccount, Group, School
from integrations.smartschool.local_server import LocalSmartschool

ACCESS_CODE = "Zq7-sEcReT-source-c0de-42"
DAY = dt.date(2026, 11, 17)
AMIRA, LARS, NOOR = "20231", "20232", "20233"


def sample_school() -> School:
    amira = Account(
        AMIRA, "amira.elamrani", "Amira", "El Amrani", birth_date="2012-03-04", groups=["1A"],
        co_accounts=[
            CoAccount(1, "Fatima", "El Amrani", "Moeder", "fatima@example.org", "+32470000001"),
            CoAccount(2, "Youssef", "El Amrani", "Vader", mobile="+32470000002"),
        ],
    )  # fmt: skip
    lars = Account(
        LARS, "lars.peeters", "Lars", "Peeters", birth_date="2012-6-1", groups=["1A"],
        co_accounts=[CoAccount(1, "Els", "Janssens", "Stiefmoeder", "els@example.org")],
    )  # fmt: skip
    noor = Account(NOOR, "noor.aziz", "Noor", "Aziz", birth_date="2011-09-09", groups=["1B"])
    an = Account("9001", "an.vos", "An", "Vos", basisrol=TEACHER, groups=["leerkrachten"])
    bart = Account("9002", "bart.mertens", "Bart", "Mertens", basisrol=TEACHER)
    return School(
        accounts=[amira, lars, noor, an, bart],
        groups=[
            Group("leerlingen", "Leerlingen"),
            Group("1A", "1A", official=True, parent="leerlingen"),
            Group("1B", "1B", official=True, parent="leerlingen"),
            Group("leerkrachten", "Leerkrachten"),
        ],
        class_teachers={"1A": ["an.vos"], "1B": ["bart.mertens"]},
        absences={DAY.isoformat(): {AMIRA: ("Z", "Z"), LARS: ("B", "|"), NOOR: (None, "D")}},
    )


@asynccontextmanager
async def serving(school: School | None = None) -> AsyncIterator[LocalSmartschool]:
    async with LocalSmartschool(school or sample_school(), ACCESS_CODE) as server:
        yield server


class NoWait:
    """The client's backoff, without waiting."""

    async def __call__(self, seconds: float) -> None:
        return None


def client_of(server: LocalSmartschool, **tuning: float) -> SmartschoolClient:
    """A client of ``server`` that does not wait between attempts."""
    options = {"timeout": 2.0, "attempts": 2, "backoff": 0.0} | tuning
    return SmartschoolClient(
        server.url,
        ACCESS_CODE,
        timeout=options["timeout"],
        attempts=int(options["attempts"]),
        backoff=options["backoff"],
        max_concurrent=int(options.get("max_concurrent", 4)),
        sleep=NoWait(),
    )
