"""A small school on a local Smartschool server, and a client of it with a recorded clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date

import pytest

from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.local_school import (
    TEACHER,
    Account,
    CoAccount,
    Group,
    School,
)
from integrations.smartschool.local_server import LocalSmartschool

ACCESS_CODE = "Zq7-sEcReT-access-c0de-91"
TODAY = date(2026, 12, 7)
DAY = TODAY.isoformat()


def small_school() -> School:
    """Two pupils in 1A (one with two co-accounts), a titular, absences on :data:`DAY`."""
    amira = Account(
        "20231", "amira.elamrani", "Amira", "El Amrani", user_id="511", birth_date="2012-03-04",
        groups=["1A"],
        co_accounts=[
            CoAccount(1, "Fatima", "El Amrani", "Moeder", "fatima@example.org", "+32470000001"),
            CoAccount(2, "Youssef", "El Amrani", "Vader", mobile="+32470000002"),
        ],
    )  # fmt: skip
    lars = Account("20232", "lars.peeters", "Lars", "Peeters", user_id="512", groups=["1A"])
    teacher = Account("9001", "an.vos", "An", "Vos", basisrol=TEACHER, groups=["leerkrachten"])
    return School(
        accounts=[amira, lars, teacher],
        groups=[
            Group("leerlingen", "Leerlingen"),
            Group("1A", "1A", official=True, parent="leerlingen"),
            Group("leerkrachten", "Leerkrachten"),
        ],
        class_teachers={"1A": ["an.vos"]},
        absences={DAY: {"20231": ("Z", "Z"), "20232": ("|", None)}},
    )


class Sleeps(list[float]):
    """Records the waits the client asks for instead of waiting (a virtual clock)."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
async def server() -> AsyncIterator[LocalSmartschool]:
    async with LocalSmartschool(small_school(), ACCESS_CODE) as local:
        yield local


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(server: LocalSmartschool, sleeps: Sleeps) -> AsyncIterator[SmartschoolClient]:
    async with SmartschoolClient(
        server.url, ACCESS_CODE, timeout=2.0, attempts=3, backoff=0.5, sleep=sleeps
    ) as smartschool:
        yield smartschool
