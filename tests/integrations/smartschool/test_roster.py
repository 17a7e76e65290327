"""Smartschool's roster as a RosterSource, against the local server with the real client."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.abc import GuardianRecord, PupilRecord, StaffRecord, TeachingRecord
from integrations.smartschool.exceptions import (
    SmartschoolAccessRefused,
    SmartschoolBadAnswer,
    SmartschoolFault,
)
from integrations.smartschool.local_school import CoAccount
from integrations.smartschool.roster import SmartschoolRosterSource, co_accounts, relation
from integrations.smartschool.settings import Identifier
from tests.helpers.smartschool_source import AMIRA, LARS, NOOR, client_of, sample_school, serving

PUPILS = [
    PupilRecord(
        AMIRA, "Amira", "El Amrani", dt.date(2012, 3, 4), "1A", smartschool="amira.elamrani"
    ),
    PupilRecord(LARS, "Lars", "Peeters", dt.date(2012, 6, 1), "1A", smartschool="lars.peeters"),
    PupilRecord(NOOR, "Noor", "Aziz", dt.date(2011, 9, 9), "1B", smartschool="noor.aziz"),
]  # fmt: skip
GUARDIANS = [
    GuardianRecord(
        f"{AMIRA}#1", AMIRA, "Fatima", "El Amrani", "nl", relation="moeder",
        email="fatima@example.org", phone="+32470000001", smartschool="amira.elamrani#1",
    ),
    GuardianRecord(
        f"{AMIRA}#2", AMIRA, "Youssef", "El Amrani", "nl", relation="vader",
        phone="+32470000002", smartschool="amira.elamrani#2",
    ),
    GuardianRecord(
        f"{LARS}#1", LARS, "Els", "Janssens", "nl", relation="plusmoeder",
        email="els@example.org", smartschool="lars.peeters#1",
    ),
]  # fmt: skip
STAFF = [
    StaffRecord("9001", "An", "Vos", "teacher", smartschool="an.vos"),
    StaffRecord("9002", "Bart", "Mertens", "teacher", smartschool="bart.mertens"),
]
TEACHING = [TeachingRecord("9001", "1A", "titularis"), TeachingRecord("9002", "1B", "titularis")]


async def test_the_roster_with_co_accounts_in_three_calls() -> None:
    async with serving() as server, client_of(server) as client:
        snapshot = await SmartschoolRosterSource(client).snapshot()

    assert snapshot.pupils == PUPILS
    assert snapshot.guardians == GUARDIANS
    assert snapshot.staff == STAFF
    assert snapshot.teaching == TEACHING
    assert snapshot.rejects == []
    assert snapshot.warnings == []
    # The account list carries the co-accounts: no getUserDetails per pupil.
    assert server.calls == ["getAllGroupsAndClasses", "getAllAccountsExtended", "getClassTeachers"]
    assert snapshot.rows == {
        "smartschool:pupils": 3,
        "smartschool:guardians": 3,
        "smartschool:staff": 2,
        "smartschool:teaching": 2,
    }
    assert snapshot.channels is not None
    assert snapshot.channels["pupils"] == ("smartschool",)
    assert snapshot.additive == frozenset({"staff"})
    assert snapshot.teaching_roles == frozenset({"titularis"})
    assert "spilfiguur" in snapshot.kept["pupils"]
    assert "role" in snapshot.kept["staff"]


async def test_without_co_accounts_in_the_lists_each_pupil_is_asked_within_the_limit() -> None:
    school = sample_school()
    school.co_accounts_in_lists = False
    async with serving(school) as server, client_of(server, max_concurrent=2) as client:
        server.delay = 0.02  # so that the calls overlap
        snapshot = await SmartschoolRosterSource(client).snapshot()

    assert snapshot.guardians == GUARDIANS
    assert server.calls.count("getUserDetails") == 3
    assert server.most_at_once == 2


async def test_an_unknown_user_rejects_that_pupils_co_accounts_only() -> None:
    school = sample_school()
    school.co_accounts_in_lists = False
    async with serving(school) as server, client_of(server) as client:
        school.identify_by = "internal_number"  # the school's setting is not Gemist's
        snapshot = await SmartschoolRosterSource(client).snapshot()

    assert snapshot.guardians == []
    assert [(r.file, r.column) for r in snapshot.rejects] == [
        ("smartschool:guardians", f"pupil {p}") for p in (AMIRA, LARS, NOOR)
    ]
    assert "unknown user" in snapshot.rejects[0].reason
    assert snapshot.rejects[0].reason.endswith("its co-accounts stay as stored")


async def test_a_pupil_without_a_usable_identifier_keeps_the_co_accounts_stored() -> None:
    school = sample_school()
    school.co_accounts_in_lists = False
    school.accounts[0].username = "amira elamrani"  # a space: no userIdentifier
    async with serving(school) as server, client_of(server) as client:
        snapshot = await SmartschoolRosterSource(client).snapshot()

    assert [g.pupil_id for g in snapshot.guardians or []] == [LARS]
    assert [(r.column, r.reason) for r in snapshot.rejects] == [
        (f"pupil {AMIRA}", "no usable user identifier: its co-accounts stay as stored")
    ]
    assert snapshot.pupils is not None
    assert snapshot.pupils[0].smartschool is None


async def test_inboxes_follow_the_schools_identifier() -> None:
    async with serving() as server, client_of(server) as client:
        source = SmartschoolRosterSource(client, identifier=Identifier.INTERNAL_NUMBER)
        snapshot = await source.snapshot()

    assert snapshot.pupils is not None
    assert snapshot.guardians is not None
    assert snapshot.pupils[0].smartschool == AMIRA
    assert snapshot.guardians[1].smartschool == f"{AMIRA}#2"


async def test_a_pupil_without_a_birth_date_is_rejected_and_one_without_a_class_left_out() -> None:
    school = sample_school()
    school.accounts[1].birth_date = "0000-00-00"
    school.accounts[2].groups = ["leerlingen"]
    async with serving(school) as server, client_of(server) as client:
        snapshot = await SmartschoolRosterSource(client).snapshot()

    assert [p.pupil_id for p in snapshot.pupils or []] == [AMIRA]
    [reject] = snapshot.rejects
    assert (reject.file, reject.line, reject.column) == (
        "smartschool:pupils",
        None,
        f"pupil {LARS}",
    )
    assert reject.reason == "geboortedatum '0000-00-00' is not a date in the calendar"
    assert snapshot.warnings == [
        "smartschool:pupils: 1 pupil account(s) in no official class left out (internal numbers "
        f"{NOOR}); a stored pupil among them is made inactive as having left"
    ]


async def test_a_class_mapping_names_the_spilfiguur_of_its_pupils() -> None:
    async with serving() as server, client_of(server) as client:
        source = SmartschoolRosterSource(client, spilfiguren={"1A": "S01"})
        snapshot = await source.snapshot()

    assert [p.spilfiguur for p in snapshot.pupils or []] == ["S01", "S01", None]
    assert snapshot.warnings == [
        "[smartschool] spilfiguren names no spilfiguur for class(es) 1B: their new pupils have none"
    ]


async def test_a_co_account_without_a_name_is_left_out_with_a_warning() -> None:
    school = sample_school()
    school.accounts[2].co_accounts = [CoAccount(3, "", "", "Andere", "x@example.org")]
    school.accounts[1].co_accounts = [CoAccount(1, "Els", "Janssens", "Moeder", "not an address")]
    async with serving(school) as server, client_of(server) as client:
        snapshot = await SmartschoolRosterSource(client).snapshot()

    assert [g.guardian_id for g in snapshot.guardians or []] == [
        f"{AMIRA}#1",
        f"{AMIRA}#2",
        f"{LARS}#1",
    ]
    assert snapshot.guardians is not None
    assert snapshot.guardians[2].email is None
    assert snapshot.warnings == [
        "smartschool:guardians: pupil 20232, co-account 1, e-mail 'not an address' is not an "
        "e-mail address; left out",
        "smartschool:guardians: pupil 20233, co-account 3 has no name in Smartschool; left out",
    ]


async def test_a_failed_call_fails_the_whole_snapshot() -> None:
    async with serving() as server, client_of(server) as client:
        server.break_next("getAllAccountsExtended")
        with pytest.raises(SmartschoolBadAnswer):
            await SmartschoolRosterSource(client).snapshot()
        server.access_code = "another"
        with pytest.raises(SmartschoolAccessRefused):
            await SmartschoolRosterSource(client).snapshot()


async def test_a_failed_user_details_call_fails_the_snapshot_with_its_own_error() -> None:
    school = sample_school()
    school.co_accounts_in_lists = False
    async with serving(school) as server, client_of(server) as client:
        server.trouble_on("getUserDetails", "lars.peeters", "fault")
        with pytest.raises(SmartschoolFault, match="getUserDetails: SOAP fault"):
            await SmartschoolRosterSource(client).snapshot()


@pytest.mark.parametrize(
    ("smartschool", "gemist"),
    [("Moeder", "moeder"), ("VADER", "vader"), ("Stiefvader", "plusvader"), ("Voogd", "voogd"),
     ("Andere", None), ("", None), ("Tante", "tante")],
)  # fmt: skip
def test_co_account_types_become_gemists_relations(smartschool: str, gemist: str | None) -> None:
    assert relation(smartschool) == gemist


def test_empty_slots_with_the_number_zero_as_their_type_are_no_co_account() -> None:
    entry = {"Voornaam_coaccount1": "Anne", "Type_coaccount1": "Moeder", "type_coaccount2": 0}
    assert [(c.number, c.first_name, c.relation) for c in co_accounts(entry)] == [
        (1, "Anne", "moeder")
    ]
