"""*Bereik* (:mod:`bot.desk.reach`) on the example school (both backends): who cannot be
reached and why, what the school can do, families nobody reaches first, scoped by spilfiguur.

The roster as imported, then on Monday morning (the school sends e-mail first, then Telegram):
Katrien's (G001) e-mail address bounces (her chat still reaches her); Omar (P0017) blocks the
bot (his e-mail still reaches him); Noor (P0016) unsubscribes from both; Ayşe (G005, Emir's only
guardian, no address at all) gets an invitation she does not use.
"""

from __future__ import annotations

import datetime as dt

import pytest

from bot.contacts import ChannelOrder
from bot.contacts import store as contacts
from bot.desk import REASONS, Scope, unreached
from bot.desk.reach import LetterFor, Unreached
from bot.outbox import write_transaction
from bot.rules import DoNotContact
from bot.telegram.invites import create_invitations
from scheduler.clock import VirtualClock
from tests.bot.desk.school import MONDAY, RULES, SCHOOL, at, ids, roster

EMAIL_FIRST = ChannelOrder(("email", "telegram"), frozenset({"email", "telegram"}))
WHOLE = Scope.school(SCHOOL)


async def school(engine) -> None:
    clock = VirtualClock(at(8, 0))
    await roster(engine, clock)
    people = await ids(engine)
    async with write_transaction(engine) as conn:
        await contacts.refuse(conn, "email", "guardian", people.guardians["G001"], at(9, 0))
        await contacts.refuse(conn, "telegram", "pupil", people.pupils["P0017"], at(9, 10))
        for channel in ("email", "telegram"):
            await contacts.unsubscribe(conn, channel, "pupil", people.pupils["P0016"], at(9, 20))
    invited = await create_invitations(
        engine,
        school_id=SCHOOL,
        role="guardian",
        person_id="G005",
        bot_username="sjc_bot",
        now=at(9, 30),
        rules=RULES,
    )
    assert [item.person_id for item in invited] == ["G005"]


async def read(engine, scope=WHOLE, rules=RULES, **kwargs):
    async with engine.connect() as conn:
        return await unreached(
            conn, scope, rules=rules, today=MONDAY, channels=EMAIL_FIRST, **kwargs
        )


async def everything(engine, scope=WHOLE, **kwargs) -> list[Unreached]:
    return list((await read(engine, scope, size=200, **kwargs)).items)


def rows_of(rows: list[Unreached], roster_id: str) -> list[Unreached]:
    return [row for row in rows if row.roster_id == roster_id]


async def test_each_reason_says_why_and_what_the_school_can_do(engine):
    await school(engine)
    people = await ids(engine)

    rows = await everything(engine)

    [katrien] = rows_of(rows, "G001")
    assert (katrien.reason, katrien.channel, katrien.address) == (
        "bounced",
        "email",
        "katrien.peeters@example.org",
    )
    assert (katrien.since, katrien.reached_on, katrien.family_reached) == (
        at(9, 0).astimezone(dt.UTC),
        "telegram",
        True,
    )
    assert katrien.remedies == ("correct_address", "print_letter")
    assert (katrien.relation, [p.first_name for p in katrien.pupils]) == ("moeder", ["Lotte"])
    [omar] = rows_of(rows, "P0017")
    assert (omar.role, omar.reason, omar.channel, omar.reached_on) == (
        "pupil",
        "blocked",
        "telegram",
        "email",
    )
    assert omar.address is None  # his chat id says nothing to the school
    noor = rows_of(rows, "P0016")
    assert [(row.reason, row.channel, row.reached_on) for row in noor] == [
        ("unsubscribed", "email", None),
        ("unsubscribed", "telegram", None),
    ]
    assert noor[0].remedies == ("talk_in_person",)
    assert noor[0].family_reached  # her mother is reached
    [ayse] = rows_of(rows, "G005")
    assert (ayse.reason, ayse.family_reached, ayse.since) == (
        "invitation_unused",
        False,
        at(9, 30).astimezone(dt.UTC),
    )
    assert ayse.invitation_expires is not None
    assert ayse.invitation_expires > ayse.since
    assert ayse.letter == LetterFor("guardian", people.guardians["G005"], "G005")
    [emir] = rows_of(rows, "P0003")  # nobody around him is reached
    assert (emir.reason, emir.family_reached, emir.since) == ("no_contact", False, None)
    assert emir.remedies == ("add_address", "print_letter")
    [dirk] = rows_of(rows, "G002")  # only a phone number; his wife is reached
    assert (dirk.reason, dirk.reached_on, dirk.family_reached) == ("no_contact", None, True)
    assert rows_of(rows, "P0001") == []  # Lotte's family is reached: nothing to fix
    assert rows_of(rows, "G009") == []  # reached (and not to be contacted anyway)
    assert {row.reason for row in rows} == set(REASONS)


async def test_a_guardian_the_school_may_not_contact_is_not_missing(engine):
    await school(engine)
    rules = RULES.model_copy(update={"do_not_contact": (DoNotContact(guardian="G002"),)})

    rows = await everything(engine, rules=rules)

    assert rows_of(rows, "G002") == []
    assert rows_of(await everything(engine), "G002") != []


async def test_a_spilfiguur_sees_only_their_pupils_and_their_families(engine):
    await school(engine)
    people = await ids(engine)
    koen = Scope.of_spilfiguur(SCHOOL, people.staff["S02"])
    hanne = Scope.of_spilfiguur(SCHOOL, people.staff["S03"])
    async with engine.connect() as conn:
        mine = {
            staff: {
                pupil
                for (pupil,) in await conn.execute(
                    Scope.of_spilfiguur(SCHOOL, people.staff[staff]).pupil_ids()
                )
            }
            for staff in ("S02", "S03")
        }

    for staff, scope in (("S02", koen), ("S03", hanne)):
        rows = await everything(engine, scope)
        assert rows
        assert {ref.pupil for row in rows for ref in row.pupils} <= mine[staff]
    # Fatima (G003) is the mother of Yasmine (Koen's) and of Ilyas (Hanne's).
    fatima = rows_of(await everything(engine), "G003")
    assert [[p.first_name for p in row.pupils] for row in fatima] == [["Yasmine", "Ilyas"]]
    assert [p.first_name for p in rows_of(await everything(engine, koen), "G003")[0].pupils] == [
        "Yasmine"
    ]
    assert [p.first_name for p in rows_of(await everything(engine, hanne), "G003")[0].pupils] == [
        "Ilyas"
    ]
    assert rows_of(await everything(engine, koen), "P0017") == []  # Hanne's Omar


async def test_families_nobody_reaches_come_first_in_pages(engine):
    await school(engine)

    rows = await everything(engine)
    reached = [row.family_reached for row in rows]
    assert reached == sorted(reached)
    assert not reached[0]
    assert reached[-1]
    first = await read(engine, size=4)
    assert (first.total, first.pages) == (len(rows), -(-len(rows) // 4))
    paged = []
    for number in range(1, first.pages + 1):
        paged += (await read(engine, page=number, size=4)).items
    assert paged == rows


async def test_the_page_can_ask_for_some_reasons(engine):
    await school(engine)

    rows = await everything(engine, reasons={"bounced", "blocked"})

    assert [(row.roster_id, row.reason) for row in rows] == [
        ("P0017", "blocked"),  # the most recent first
        ("G001", "bounced"),
    ]
    with pytest.raises(ValueError, match="unknown reasons"):
        await read(engine, reasons={"lost"})
