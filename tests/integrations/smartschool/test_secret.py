"""The access code never appears in a log record, an error, its traceback or a repr."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable

import pytest

from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.local_server import LocalSmartschool
from tests.integrations.smartschool.conftest import ACCESS_CODE, TODAY, Sleeps

Scenario = Callable[[SmartschoolClient, LocalSmartschool], Awaitable[object]]


async def _refused_elsewhere(client: SmartschoolClient, server: LocalSmartschool) -> object:
    server.access_code = "another-code"
    return await client.absents_by_date(TODAY)


async def _not_allowed(client: SmartschoolClient, server: LocalSmartschool) -> object:
    server.allowed = set()
    return await client.class_teachers()


async def _unknown_user(client: SmartschoolClient, _server: LocalSmartschool) -> object:
    return await client.user_details("nobody")


async def _fault(client: SmartschoolClient, server: LocalSmartschool) -> object:
    server.fault_next("internal error")
    return await client.all_groups_and_classes()


async def _broken_json(client: SmartschoolClient, server: LocalSmartschool) -> object:
    server.break_next("getAllAccountsExtended")
    return await client.all_accounts_extended("1A", recursive=False)


async def _failing(client: SmartschoolClient, server: LocalSmartschool) -> object:
    server.fail_next(10)
    return await client.send_msg("lars.peeters", "Dag", "<p>Dag</p>", sender_identifier="x")


async def _slow(client: SmartschoolClient, server: LocalSmartschool) -> object:
    server.delay = 0.3
    async with SmartschoolClient(server.url, ACCESS_CODE, timeout=0.05, sleep=Sleeps()) as slow:
        return await slow.user_details("lars.peeters")


@pytest.mark.parametrize(
    "scenario",
    [_refused_elsewhere, _not_allowed, _unknown_user, _fault, _broken_json, _failing, _slow],
)
async def test_no_log_record_or_error_of_a_failing_call_contains_the_access_code(
    client: SmartschoolClient,
    server: LocalSmartschool,
    caplog: pytest.LogCaptureFixture,
    scenario: Scenario,
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Exception) as caught:  # noqa: PT011 - every failure is checked alike
        await scenario(client, server)
    shown = "".join(traceback.format_exception(caught.value))
    shown += repr(caught.value) + repr(client)
    shown += "".join(f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert str(caught.value)
    assert ACCESS_CODE not in shown


async def test_retries_are_logged_without_the_access_code(
    client: SmartschoolClient, server: LocalSmartschool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server.fail_next(2)
    await client.absents_by_date(TODAY)
    retries = [r.getMessage() for r in caplog.records if "attempt" in r.getMessage()]
    assert retries == [
        "Smartschool getAbsentsByDate: HTTP 503; attempt 1 of 3, next in 0.5 s",
        "Smartschool getAbsentsByDate: HTTP 503; attempt 2 of 3, next in 1.0 s",
    ]
    assert all(ACCESS_CODE not in r.getMessage() for r in caplog.records)
