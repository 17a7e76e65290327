"""The local Smartschool server itself: its WSDL, its faults and its school's settings."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import aiohttp
import pytest

from integrations.smartschool import _soap
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.exceptions import SmartschoolError
from integrations.smartschool.local_server import LocalSmartschool
from tests.integrations.smartschool.conftest import ACCESS_CODE

WSDL = "{http://schemas.xmlsoap.org/wsdl/}"


async def _post(server: LocalSmartschool, body: bytes) -> tuple[int, str | _soap.Fault]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.url}/Webservices/V3", data=body) as response,
    ):
        return response.status, _soap.parse_result(await response.read())


async def test_the_wsdl_declares_the_real_methods_with_the_access_code_first(
    server: LocalSmartschool,
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{server.url}/Webservices/V3?wsdl") as response,
    ):
        root = ET.fromstring(await response.read())
    orders = {
        op.get("name"): op.get("parameterOrder")
        for op in root.iter(f"{WSDL}operation")
        if op.get("parameterOrder") is not None
    }
    assert orders["sendMsg"] == (
        "accesscode userIdentifier title body senderIdentifier attachments coaccount copyToLVS"
    )
    assert orders["getAllAccountsExtended"] == "accesscode code recursive"
    assert orders["getClassTeachers"] == "accesscode getAllOwners"
    assert orders["returnJsonErrorCodes"] == ""
    assert root.find(f"{WSDL}binding/{{http://schemas.xmlsoap.org/wsdl/soap/}}binding") is not None


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"not xml at all", "Bad Request: not XML"),
        (b"<a/>", "not a SOAP envelope"),
        (_soap.build_call("dropAllTables", []), "'dropAllTables') is not a valid method"),
        (_soap.build_call("getUserDetails", [("accesscode", "string", "x")]), "expected 2"),
    ],
)
async def test_a_call_it_cannot_read_gets_a_client_fault(
    server: LocalSmartschool, body: bytes, says: str
) -> None:
    status, result = await _post(server, body)
    assert status == 500
    assert isinstance(result, _soap.Fault)
    assert result.code == "SOAP-ENV:Client"
    assert says in result.text


async def test_a_message_to_a_co_account_the_pupil_does_not_have_is_refused(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    with pytest.raises(SmartschoolError, match="Smartschool error 14"):
        await client.send_msg(
            "lars.peeters", "Dag", "<p>Dag</p>", sender_identifier="an.vos", coaccount=1
        )
    assert server.sent == []


async def test_a_school_that_identifies_users_by_internal_number_finds_them_so(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    server.school.identify_by = "internal_number"
    assert (await client.user_details("20231"))["gebruikersnaam"] == "amira.elamrani"
    await client.send_msg("20232", "Dag", "<p>Dag</p>", sender_identifier="Null", copy_to_lvs=True)
    assert [(m.user_identifier, m.copy_to_lvs) for m in server.sent] == [("20232", True)]


async def test_each_call_is_kept_with_its_parameters_but_never_the_access_code(
    server: LocalSmartschool, client: SmartschoolClient
) -> None:
    await client.absents_with_internal_number_by_date(dt.date(2026, 11, 17))
    await client.all_accounts_extended("leerlingen", recursive=True)
    await _post(server, _soap.build_call("dropAllTables", [("a", "string", ACCESS_CODE)]))

    assert server.asked == [
        ("getAbsentsWithInternalNumberByDate", ("2026-11-17",)),
        ("getAllAccountsExtended", ("leerlingen", "1")),
        ("dropAllTables", ()),  # a method it does not know: its parameters are not kept
    ]
    assert ACCESS_CODE not in repr(server.asked)
