"""The Smartschool client against the local server: every method Gemist needs, happy path."""

from __future__ import annotations

from datetime import date

from integrations.smartschool.client import SmartschoolClient, endpoint
from integrations.smartschool.local_server import LocalSmartschool, SentMsg
from tests.integrations.smartschool.conftest import ACCESS_CODE, TODAY


async def test_absences_by_internal_number_give_the_mornings_and_afternoons_of_the_day(
    client: SmartschoolClient,
) -> None:
    marks = await client.absents_with_internal_number_by_date(TODAY)
    assert marks == {"20231": {"am": "Z", "pm": "Z"}, "20232": {"am": "|", "pm": None}}


async def test_absences_by_date_are_keyed_by_smartschool_user_id(
    client: SmartschoolClient,
) -> None:
    marks = await client.absents_by_date(TODAY)
    assert marks == {"511": {"am": "Z", "pm": "Z"}, "512": {"am": "|", "pm": None}}


async def test_a_day_without_marks_is_an_empty_answer(client: SmartschoolClient) -> None:
    assert await client.absents_with_internal_number_by_date(date(2026, 12, 25)) == {}


async def test_accounts_of_a_group_recursively_include_the_classes_below_it(
    client: SmartschoolClient,
) -> None:
    pupils = await client.all_accounts_extended("leerlingen", recursive=True)
    assert [p["internnummer"] for p in pupils] == ["20231", "20232"]
    amira = pupils[0]
    assert amira["gebruikersnaam"] == "amira.elamrani"
    assert (amira["voornaam"], amira["naam"]) == ("Amira", "El Amrani")
    assert amira["geboortedatum"] == "2012-03-04"
    assert amira["basisrol"] == "1"
    assert [g["code"] for g in amira["groups"] if g["isKlas"]] == ["1A"]


async def test_accounts_of_a_group_without_recursion_leave_out_its_subgroups(
    client: SmartschoolClient,
) -> None:
    assert await client.all_accounts_extended("leerlingen", recursive=False) == []


async def test_user_details_carry_the_co_accounts_with_relation_email_and_mobile(
    client: SmartschoolClient,
) -> None:
    details = await client.user_details("amira.elamrani")
    assert details["internnummer"] == "20231"
    assert details["type_coaccount1"] == "Moeder"
    assert details["email_coaccount1"] == "fatima@example.org"
    assert details["voornaam_coaccount2"] == "Youssef"
    assert details["mobielnummer_coaccount2"] == "+32470000002"
    assert details["naam_coaccount6"] == ""


async def test_the_group_tree_is_flattened_with_parents_and_official_classes(
    client: SmartschoolClient,
) -> None:
    groups = await client.all_groups_and_classes()
    assert [(g.code, g.official, g.parent) for g in groups] == [
        ("leerlingen", False, None),
        ("1A", True, "leerlingen"),
        ("leerkrachten", False, None),
    ]


async def test_class_teachers_name_the_titulars_of_each_class(client: SmartschoolClient) -> None:
    classes = await client.class_teachers()
    assert [(c["klasCode"], [t["gebruikersnaam"] for t in c["titularissen"]]) for c in classes] == [
        ("1A", ["an.vos"])
    ]


async def test_a_message_to_a_co_account_is_recorded_with_every_parameter_in_order(
    client: SmartschoolClient, server: LocalSmartschool
) -> None:
    await client.send_msg(
        "amira.elamrani", "Hoe gaat het?", "<p>Dag</p>", sender_identifier="an.vos", coaccount=1
    )
    assert server.sent == [
        SentMsg("amira.elamrani", "Hoe gaat het?", "<p>Dag</p>", "an.vos", "", 1, False)
    ]


async def test_the_error_codes_come_with_smartschools_own_text(client: SmartschoolClient) -> None:
    codes = await client.error_codes()
    assert codes[8] == "Het opgegeven webserviceswachtwoord is niet correct."


def test_the_endpoint_is_found_from_the_schools_address_or_the_endpoint_itself() -> None:
    assert endpoint("https://x.smartschool.be/") == "https://x.smartschool.be/Webservices/V3"
    assert endpoint("https://x.smartschool.be/Webservices/V3") == (
        "https://x.smartschool.be/Webservices/V3"
    )


def test_the_client_shows_its_address_but_never_its_access_code() -> None:
    client = SmartschoolClient("https://x.smartschool.be", ACCESS_CODE)
    assert ACCESS_CODE not in repr(client)
    assert "x.smartschool.be" in repr(client)
