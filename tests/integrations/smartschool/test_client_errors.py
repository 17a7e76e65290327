"""The Smartschool client's failures: clear errors, retries with backoff, a limit on calls."""

from __future__ import annotations

import asyncio
import socket

import pytest

from integrations.exceptions import FeedAuthError, FeedParseError, FeedUnavailable
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.exceptions import (
    SmartschoolAccessRefused,
    SmartschoolBadAnswer,
    SmartschoolFault,
    SmartschoolMethodNotAllowed,
    SmartschoolUnavailable,
    SmartschoolUnknownUser,
)
from integrations.smartschool.local_server import LocalSmartschool
from tests.integrations.smartschool.conftest import ACCESS_CODE, DAY, TODAY, Sleeps


async def test_a_refused_access_code_is_an_auth_error_that_says_so(
    server: LocalSmartschool,
) -> None:
    async with SmartschoolClient(server.url, "not-the-code") as client:
        with pytest.raises(SmartschoolAccessRefused, match="access code refused") as caught:
            await client.absents_with_internal_number_by_date(TODAY)
    assert isinstance(caught.value, FeedAuthError)
    assert caught.value.code == 8


async def test_a_method_the_code_does_not_allow_names_the_method(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    server.allowed = {"getAbsentsWithInternalNumberByDate"}
    with pytest.raises(SmartschoolMethodNotAllowed) as caught:
        await client.user_details("amira.elamrani")
    assert str(caught.value).startswith(
        "Smartschool getUserDetails: method not allowed for this access code"
    )
    assert await client.absents_with_internal_number_by_date(TODAY)


async def test_an_unknown_user_is_its_own_error_for_details_and_messages(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    with pytest.raises(SmartschoolUnknownUser, match="unknown user"):
        await client.user_details("nobody")
    with pytest.raises(SmartschoolUnknownUser, match="sendMsg: unknown user"):
        await client.send_msg("nobody", "Dag", "<p>Dag</p>", sender_identifier="an.vos")
    assert server.sent == []


async def test_a_soap_fault_becomes_an_error_with_its_text_and_is_not_retried(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    server.fault_next("database unavailable")
    with pytest.raises(SmartschoolFault, match="SOAP-ENV:Server: database unavailable"):
        await client.all_groups_and_classes()
    assert server.calls == ["getAllGroupsAndClasses"]


async def test_malformed_json_inside_the_soap_answer_is_a_parse_error_saying_where(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    server.break_next("getAbsentsWithInternalNumberByDate")
    with pytest.raises(SmartschoolBadAnswer, match="not valid JSON") as caught:
        await client.absents_with_internal_number_by_date(TODAY)
    assert isinstance(caught.value, FeedParseError)
    assert caught.value.file == "Smartschool getAbsentsWithInternalNumberByDate answer"
    assert await client.absents_with_internal_number_by_date(TODAY)  # the next answer is read


async def test_a_slow_server_times_out_as_a_temporary_failure(server: LocalSmartschool) -> None:
    server.delay = 0.5
    sleeps = Sleeps()
    async with SmartschoolClient(
        server.url, ACCESS_CODE, timeout=0.1, attempts=2, sleep=sleeps
    ) as client:
        with pytest.raises(SmartschoolUnavailable, match=r"no answer in 0\.1 s") as caught:
            await client.class_teachers()
    assert isinstance(caught.value, FeedUnavailable)
    assert sleeps == [1.0]


async def test_a_temporary_failure_is_retried_with_growing_waits(
    client: SmartschoolClient, server: LocalSmartschool, sleeps: Sleeps
) -> None:
    server.fail_next(2)
    assert await client.absents_by_date(TODAY)
    assert sleeps == [0.5, 1.0]
    assert server.calls == ["getAbsentsByDate"]  # the two 503s came before the call was read


async def test_a_failure_that_lasts_gives_up_after_the_attempts(
    client: SmartschoolClient, server: LocalSmartschool, sleeps: Sleeps
) -> None:
    server.fail_next(10)
    with pytest.raises(SmartschoolUnavailable, match="HTTP 503"):
        await client.all_groups_and_classes()
    assert sleeps == [0.5, 1.0]


async def test_a_message_is_not_resent_after_a_server_error_so_it_never_arrives_twice(
    client: SmartschoolClient, server: LocalSmartschool, sleeps: Sleeps
) -> None:
    server.fail_next(1)
    with pytest.raises(SmartschoolUnavailable):
        await client.send_msg("lars.peeters", "Dag", "<p>Dag</p>", sender_identifier="an.vos")
    assert sleeps == []


async def test_a_refused_connection_is_retried_even_for_a_message(sleeps: Sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with SmartschoolClient(
        f"http://127.0.0.1:{port}", ACCESS_CODE, attempts=3, backoff=0.5, sleep=sleeps
    ) as client:
        with pytest.raises(SmartschoolUnavailable, match="cannot connect"):
            await client.send_msg("lars.peeters", "Dag", "<p>Dag</p>", sender_identifier="an.vos")
    assert sleeps == [0.5, 1.0]


async def test_no_more_calls_run_at_once_than_the_limit(server: LocalSmartschool) -> None:
    server.delay = 0.05
    async with SmartschoolClient(server.url, ACCESS_CODE, max_concurrent=2) as client:
        await asyncio.gather(*(client.user_details("lars.peeters") for _ in range(6)))
    assert server.calls == ["getUserDetails"] * 6
    assert server.most_at_once == 2


async def test_a_co_account_outside_one_to_six_is_refused_before_any_call(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    with pytest.raises(ValueError, match="co-account 7 is not in 0-6"):
        await client.send_msg(
            "lars.peeters", "Dag", "<p>Dag</p>", sender_identifier="an.vos", coaccount=7
        )
    assert server.calls == []


async def test_a_broken_group_tree_is_a_parse_error_not_an_empty_school(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    server.break_next("getAllGroupsAndClasses")
    with pytest.raises(SmartschoolBadAnswer, match="not base64-encoded XML"):
        await client.all_groups_and_classes()


async def test_absences_in_another_shape_are_refused_naming_the_pupil(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    server.school.absences[DAY]["20232"] = ("|", 3)  # type: ignore[assignment]
    with pytest.raises(SmartschoolBadAnswer, match='pupil "20232": expected "am" and "pm"'):
        await client.absents_with_internal_number_by_date(TODAY)
