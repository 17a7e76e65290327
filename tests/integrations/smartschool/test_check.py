"""The setup check against the local Smartschool, with the real client: what it finds, and
that no probe has a side effect."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar

import pytest
from aiohttp import web

from integrations.smartschool import addresses
from integrations.smartschool.check import (
    PROBE_GROUP,
    PROBE_RECIPIENT,
    Finding,
    Report,
    Status,
    check,
)
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.const import NEEDED_METHODS
from integrations.smartschool.local_server import LocalSmartschool
from tests.integrations.smartschool.conftest import ACCESS_CODE, TODAY, small_school


class RecordingSmartschool(LocalSmartschool):
    """The local server, keeping each call's values (the access code left out), and answering
    ``answer_with`` instead of the method's result for the methods in it."""

    def __init__(self) -> None:
        super().__init__(small_school(), ACCESS_CODE)
        self.values: list[tuple[str, list[str]]] = []
        self.answer_with: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        self.fault_on: set[str] = set()
        self.stop_after_first = False
        self.forbid = False  # HTTP 403 to every call that carries the access code

    def _respond(self, data: bytes) -> web.Response:
        if self.forbid and b"returnJsonErrorCodes" not in data:
            return web.Response(status=403, text="Forbidden")
        for method in list(self.fault_on):
            if f"<ns1:{method}>".encode() in data:
                self.fault_on.discard(method)
                self.fault_next("internal error")
        return super()._respond(data)

    def _dispatch(self, method: str, values: list[str]) -> str:
        if self.stop_after_first:
            self.fail_next(100)  # every call after this one gets HTTP 503
        self.values.append((method, values[1:]))
        if method in self.answer_with and values[0] == self.access_code:
            return self.answer_with[method]
        return super()._dispatch(method, values)

    def _more_error_codes(self, values: list[str]) -> Any:
        return {**self._error_codes(values), **self.texts}

    _documents: ClassVar[dict[str, Callable[[LocalSmartschool, list[str]], Any]]] = {
        **LocalSmartschool._documents,
        "returnJsonErrorCodes": _more_error_codes,  # type: ignore[dict-item]
    }


@pytest.fixture
async def recording() -> AsyncIterator[RecordingSmartschool]:
    local = RecordingSmartschool()
    await local.start()
    try:
        yield local
    finally:
        await local.stop()


async def _check(
    server: LocalSmartschool,
    *,
    sender: str | None = "an.vos",
    identifier: str = "username",
    code: str = ACCESS_CODE,
    seconds: float = 2.0,
    url: str | None = None,
) -> Report:
    async with SmartschoolClient(url or server.url, code, timeout=seconds, attempts=1) as client:
        return await check(client, today=TODAY, sender=sender, identifier=identifier)


def _by_subject(report: Report) -> dict[str, Finding]:
    return {finding.subject: finding for finding in report.findings}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- everything allowed ---------------------------------------------------------------------


async def test_everything_allowed_is_ready_with_one_call_per_needed_method(
    server: LocalSmartschool,
) -> None:
    report = await _check(server)

    assert report.ok
    assert report.problems == []
    found = _by_subject(report)
    assert all(found[method].status is Status.OK for method in NEEDED_METHODS)
    assert found["sender an.vos"].status is Status.OK
    assert "An Vos" in found["sender an.vos"].detail
    assert found["identifier"].status is Status.OK
    assert sorted(server.calls) == sorted(["returnJsonErrorCodes", *NEEDED_METHODS])
    assert report.calls == len(server.calls)


async def test_the_check_sends_nothing_and_probes_send_msg_with_a_recipient_that_cannot_exist(
    recording: RecordingSmartschool,
) -> None:
    report = await _check(recording)

    assert report.ok
    assert recording.sent == []
    [(user, title, body, sender, attachments, coaccount, lvs)] = [
        values for method, values in recording.values if method == "sendMsg"
    ]
    assert (user, title, body, sender, coaccount, lvs) == (
        PROBE_RECIPIENT, "", "", "Null", "0", "false"
    )  # fmt: skip
    assert attachments == ""
    with pytest.raises(ValueError, match="not a Smartschool user identifier"):
        addresses.address(PROBE_RECIPIENT)  # no account can carry it


async def test_accounts_are_read_for_one_class_only_not_recursively(
    recording: RecordingSmartschool,
) -> None:
    await _check(recording)

    [values] = [values for method, values in recording.values if method == "getAllAccountsExtended"]
    assert values == ["1A", "0"]


async def test_without_a_class_the_accounts_probe_asks_for_a_group_that_cannot_exist(
    recording: RecordingSmartschool,
) -> None:
    recording.school.groups = [g for g in recording.school.groups if not g.official]

    report = await _check(recording)

    [values] = [values for method, values in recording.values if method == "getAllAccountsExtended"]
    assert values == [PROBE_GROUP, "0"]
    finding = _by_subject(report)["getAllAccountsExtended"]
    assert finding.status is Status.OK
    assert "Onvoldoende gegevens" in finding.detail


# -- what the administrator still has to allow ----------------------------------------------


@pytest.mark.parametrize("method", NEEDED_METHODS)
async def test_a_method_not_allowed_is_named_with_the_advice(
    server: LocalSmartschool, method: str
) -> None:
    server.allowed = set(NEEDED_METHODS) - {method}

    report = await _check(server)

    assert not report.ok
    found = _by_subject(report)
    assert found[method].status is Status.NOT_ALLOWED
    assert "not allowed for this access code" in found[method].detail
    assert "Deze methode is niet toegestaan." in found[method].detail  # Smartschool's own text
    assert found[method].advice.startswith(f"allow {method} for Gemist's access code")
    others = [m for m in NEEDED_METHODS if m != method]
    assert all(found[m].status is Status.OK for m in others)
    assert [f.subject for f in report.problems if f.subject in NEEDED_METHODS] == [method]


async def test_several_methods_not_allowed_are_each_named(server: LocalSmartschool) -> None:
    server.allowed = {"getAbsentsWithInternalNumberByDate", "getAllGroupsAndClasses"}

    report = await _check(server)

    not_allowed = {f.subject for f in report.findings if f.status is Status.NOT_ALLOWED}
    assert not_allowed == set(NEEDED_METHODS) - server.allowed
    assert _by_subject(report)["sender an.vos"].status is Status.SKIPPED


async def test_a_refused_access_code_stops_the_check_and_says_what_to_do(
    server: LocalSmartschool,
) -> None:
    report = await _check(server, code="not-the-right-code")

    assert not report.ok
    [problem] = report.problems
    assert (problem.subject, problem.status) == ("access code", Status.REFUSED)
    assert "access code refused" in problem.detail
    assert "Het opgegeven webserviceswachtwoord is niet correct." in problem.detail
    assert "IP address" in problem.advice
    assert report.findings[1] == problem  # right after the address
    skipped = {f.subject for f in report.findings if f.status is Status.SKIPPED}
    assert skipped == {*NEEDED_METHODS, "sender an.vos"}


async def test_a_refusal_of_some_methods_while_others_work_is_those_methods_not_allowed(
    recording: RecordingSmartschool,
) -> None:
    recording.answer_with = {"sendMsg": "8", "getClassTeachers": "8"}

    report = await _check(recording)

    assert {f.subject for f in report.problems} == {"sendMsg", "getClassTeachers"}
    for finding in report.problems:
        assert finding.status is Status.NOT_ALLOWED
        assert "most likely not allowed" in finding.detail
        assert finding.advice.startswith(f"allow {finding.subject} for Gemist's access code")
    assert "access code" not in _by_subject(report)


async def test_a_code_whose_text_speaks_of_an_ip_address_is_reported_as_one(
    recording: RecordingSmartschool,
) -> None:
    recording.texts = {"77": "Uw IP-adres heeft geen toegang tot deze webservices."}
    recording.answer_with = dict.fromkeys(NEEDED_METHODS, "77")

    report = await _check(recording)

    [problem] = report.problems
    assert (problem.subject, problem.status) == ("access code", Status.IP_NOT_ALLOWED)
    assert "IP-adres heeft geen toegang" in problem.detail
    assert "public IP address" in problem.advice


async def test_an_unknown_code_is_shown_with_smartschools_text_and_is_not_ok(
    recording: RecordingSmartschool,
) -> None:
    recording.texts = {"23": "Er is een onbekende fout opgetreden tijdens de verwerking."}
    recording.answer_with = {"getClassTeachers": "23"}

    report = await _check(recording)

    finding = _by_subject(report)["getClassTeachers"]
    assert finding.status is Status.UNCLEAR
    assert 'Smartschool error 23: "Er is een onbekende fout' in finding.detail
    assert not report.ok
    assert [f.subject for f in report.problems] == ["getClassTeachers"]


# -- the address ----------------------------------------------------------------------------


async def test_an_unreachable_address_is_said_and_nothing_else_is_tried(
    server: LocalSmartschool,
) -> None:
    report = await _check(server, url=f"http://127.0.0.1:{_closed_port()}")

    [finding] = report.findings
    assert (finding.subject, finding.status) == ("address", Status.UNREACHABLE)
    assert "cannot connect" in finding.detail
    assert "url setting" in finding.advice
    assert not report.ok


async def test_no_answer_in_time_is_unreachable(server: LocalSmartschool) -> None:
    server.delay = 0.5

    report = await _check(server, seconds=0.05)

    [finding] = report.findings
    assert finding.status is Status.UNREACHABLE
    assert "no answer in 0.05 s" in finding.detail


async def test_an_address_that_is_not_smartschool_is_said(server: LocalSmartschool) -> None:
    report = await _check(server, url=f"{server.url}/elsewhere")

    [finding] = report.findings
    assert finding.status is Status.UNREACHABLE
    assert "does not answer as Smartschool's webservices (HTTP 404" in finding.detail


async def test_smartschool_stopping_halfway_is_said_and_the_rest_is_not_checked(
    recording: RecordingSmartschool,
) -> None:
    recording.stop_after_first = True

    report = await _check(recording)

    found = _by_subject(report)
    assert found["address"].status is Status.OK
    assert found["getAbsentsWithInternalNumberByDate"].status is Status.UNREACHABLE
    assert "HTTP 503" in found["getAbsentsWithInternalNumberByDate"].detail
    assert found["sendMsg"].status is Status.SKIPPED
    assert [f.subject for f in report.problems] == ["getAbsentsWithInternalNumberByDate"]


async def test_http_403_to_the_methods_points_at_the_ip_addresses_and_firewalls(
    recording: RecordingSmartschool,
) -> None:
    recording.forbid = True

    report = await _check(recording)

    finding = _by_subject(report)["sendMsg"]
    assert finding.status is Status.ERROR
    assert finding.detail == "HTTP 403; is the address right?"
    assert "allowed IP addresses" in finding.advice
    assert not report.ok


# -- faults and unreadable answers ----------------------------------------------------------


async def test_a_soap_fault_is_an_error_of_that_method(recording: RecordingSmartschool) -> None:
    recording.fault_on = {"getClassTeachers"}

    report = await _check(recording)

    finding = _by_subject(report)["getClassTeachers"]
    assert finding.status is Status.ERROR
    assert "SOAP fault SOAP-ENV:Server: internal error" in finding.detail
    assert [f.subject for f in report.problems] == ["getClassTeachers"]


async def test_an_unreadable_answer_is_an_error_of_that_method(server: LocalSmartschool) -> None:
    server.break_next("getAbsentsByDate")

    report = await _check(server)

    finding = _by_subject(report)["getAbsentsByDate"]
    assert finding.status is Status.ERROR
    assert "not valid JSON" in finding.detail


async def test_a_fault_on_the_error_codes_still_checks_the_methods(
    server: LocalSmartschool,
) -> None:
    server.fault_next("no codes today")

    report = await _check(server)

    assert _by_subject(report)["address"].status is Status.OK
    assert report.ok


# -- the sender and the identifier setting --------------------------------------------------


async def test_no_sender_configured_is_a_problem_and_get_user_details_is_still_probed(
    recording: RecordingSmartschool,
) -> None:
    report = await _check(recording, sender=None)

    found = _by_subject(report)
    assert found["getUserDetails"].status is Status.OK
    assert found["sender"].status is Status.MISSING
    assert "GEMIST_SMARTSCHOOL_SENDER" in found["sender"].advice
    assert [f.subject for f in report.problems] == ["sender"]
    assert ("getUserDetails", [PROBE_RECIPIENT]) in recording.values


async def test_a_sender_smartschool_does_not_know_is_named(server: LocalSmartschool) -> None:
    report = await _check(server, sender="zorgteam")

    found = _by_subject(report)
    assert found["getUserDetails"].status is Status.OK  # the method answered
    assert found["sender zorgteam"].status is Status.NOT_FOUND
    assert "no account 'zorgteam'" in found["sender zorgteam"].detail
    assert [f.subject for f in report.problems] == ["sender zorgteam"]


async def test_a_username_sender_at_a_school_that_identifies_by_internal_number(
    server: LocalSmartschool,
) -> None:
    server.school.identify_by = "internal_number"

    report = await _check(server, sender="an.vos", identifier="username")

    finding = _by_subject(report)["sender an.vos"]
    assert finding.status is Status.NOT_FOUND
    assert 'set identifier = "internal_number"' in finding.advice


async def test_an_identifier_setting_that_contradicts_smartschool_is_a_problem(
    server: LocalSmartschool,
) -> None:
    server.school.identify_by = "internal_number"

    report = await _check(server, sender="9001", identifier="username")

    found = _by_subject(report)
    assert found["sender 9001"].status is Status.OK
    assert found["identifier"].status is Status.WRONG
    assert "found the sender by its internal number" in found["identifier"].detail
    assert 'set identifier = "internal_number"' in found["identifier"].advice
    assert not report.ok


async def test_an_identifier_setting_that_agrees_with_smartschool_is_ok(
    server: LocalSmartschool,
) -> None:
    server.school.identify_by = "internal_number"

    report = await _check(server, sender="9001", identifier="internal_number")

    assert _by_subject(report)["identifier"].status is Status.OK
    assert report.ok
