"""Invitations on both backends: one code per person, hashed, single use, expiring, revocable;
/stop unlinks and erases the chat's id."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import col

from bot.cli import main
from bot.demo.driver import demo_codes
from bot.imports import import_roster
from bot.models import Contact, Invitation
from bot.telegram.invites import (
    Linked,
    Refused,
    create_invitations,
    hash_code,
    linked,
    redeem,
    stop,
)
from integrations.csv import CsvRosterSource
from tests.helpers.contacts import chat_of

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "school"
BOT = "GemistTestBot"


async def _roster(engine, clock) -> None:
    report = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert report.exit_code == 0


async def _invite(engine, clock, role: str, class_name: str | None = None):
    return await create_invitations(
        engine,
        school_id=SCHOOL,
        role=role,
        bot_username=BOT,
        now=clock.now(),
        class_name=class_name,
    )


async def test_codes_are_random_url_safe_and_stored_only_as_hashes(engine, clock):
    await _roster(engine, clock)
    invited = await _invite(engine, clock, "pupil")
    assert len(invited) == 30
    codes = [item.code for item in invited]
    assert len(set(codes)) == len(codes)
    for item in invited:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", item.code)  # 192 bits, within 64 characters
        assert item.link == f"https://t.me/{BOT}?start={item.code}"
        assert item.expires_at == clock.now() + dt.timedelta(days=30)
    async with engine.connect() as conn:
        stored = set((await conn.execute(sa.select(col(Invitation.code_hash)))).scalars())
    assert stored == {hash_code(code) for code in codes}
    assert not stored & set(codes)


async def test_two_invitations_of_the_same_people_never_share_a_code(engine, clock):
    """The codes come from the secure random source every time: nothing seeds them (only the
    demo passes its own, below)."""
    await _roster(engine, clock)
    first = {item.code for item in await _invite(engine, clock, "staff")}
    second = {item.code for item in await _invite(engine, clock, "staff")}
    assert len(first) == len(second) > 1
    assert not first & second


def test_the_demo_s_codes_are_the_same_every_run_and_shaped_like_real_ones():
    first, again = (demo_codes() for _run in range(2))
    codes = [first() for _ in range(40)]
    assert codes == [again() for _ in range(40)]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", code) for code in codes)
    assert demo_codes(b"another seed")() != codes[0]


async def test_an_invitation_with_the_demo_s_codes_links_as_any_other(engine, clock):
    await _roster(engine, clock)
    invited = await create_invitations(
        engine, school_id=SCHOOL, role="staff", bot_username=BOT, now=clock.now(),
        codes=demo_codes(),
    )  # fmt: skip

    expected = demo_codes()
    assert [item.code for item in invited] == [expected() for _ in invited]
    done = await redeem(engine, invited[0].code, 5552, clock.now())
    assert isinstance(done, Linked)


async def test_a_guardian_code_links_the_chat_once(engine, clock):
    await _roster(engine, clock)
    invited = {item.person_id: item for item in await _invite(engine, clock, "guardian", "3A")}
    g003 = invited["G003"]
    assert g003.pupil_ids == ("P0018",)
    assert g003.lang == "ar"

    done = await redeem(engine, g003.code, 5551, clock.now())
    assert isinstance(done, Linked)
    assert (done.role, done.roster_id, done.lang) == ("guardian", "G003", "ar")
    async with engine.connect() as conn:
        chat = await chat_of(conn, "guardian", "G003")
        chosen = await conn.scalar(
            sa.select(col(Contact.chosen)).where(col(Contact.address) == "5551")
        )
    assert chat == 5551
    assert chosen  # the guardian linked it with their own code: a roster import keeps it
    assert [person.roster_id for person in await linked(engine, 5551)] == ["G003"]
    # the same code again, from the same or another chat: used
    assert await redeem(engine, g003.code, 5551, clock.now()) is Refused.USED
    assert await redeem(engine, g003.code, 6661, clock.now()) is Refused.USED
    assert await linked(engine, 6661) == []
    assert await redeem(engine, "not-a-code", 6661, clock.now()) is Refused.UNKNOWN


async def test_an_expired_or_revoked_code_links_nobody(engine, clock):
    await _roster(engine, clock)
    first = {item.person_id: item for item in await _invite(engine, clock, "staff")}
    later = clock.now() + dt.timedelta(days=31)
    assert await redeem(engine, first["S01"].code, 7001, later) is Refused.EXPIRED
    again = {item.person_id: item for item in await _invite(engine, clock, "staff")}
    assert await redeem(engine, first["S02"].code, 7002, clock.now()) is Refused.EXPIRED
    done = await redeem(engine, again["S02"].code, 7002, clock.now())
    assert isinstance(done, Linked)
    assert done.role == "staff"
    async with engine.connect() as conn:
        chats = {staff: await chat_of(conn, "staff", staff) for staff in ("S01", "S02")}
    assert chats["S01"] == 53_000_001  # the roster's: the expired code linked nothing
    assert chats["S02"] == 7002


async def test_stop_unlinks_and_keeps_the_chat_id_nowhere(engine, clock):
    await _roster(engine, clock)
    pupils = {item.person_id: item for item in await _invite(engine, clock, "pupil")}
    assert isinstance(await redeem(engine, pupils["P0016"].code, 8001, clock.now()), Linked)

    stopped = await stop(engine, 8001, clock.now())

    assert [person.roster_id for person in stopped] == ["P0016"]
    assert await linked(engine, 8001) == []
    async with engine.connect() as conn:
        invitation = (
            await conn.execute(
                sa.select(col(Invitation.chat_id), col(Invitation.stopped_at)).where(
                    col(Invitation.used_at).is_not(None)
                )
            )
        ).one()
        kept = await conn.scalar(sa.select(sa.func.count()).where(col(Contact.address) == "8001"))
        contact = (
            await conn.execute(
                sa.select(col(Contact.address), col(Contact.state)).where(
                    col(Contact.channel) == "telegram", col(Contact.state) != "active"
                )
            )
        ).one()
    assert invitation.chat_id is None
    assert invitation.stopped_at is not None
    assert kept == 0
    assert tuple(contact) == (None, "unsubscribed")


def test_gemist_invite_prints_json_lines(tmp_path, capsys, monkeypatch):
    db = f"sqlite:///{tmp_path / 'gemist.db'}"
    assert main(["--db", db, "import", "roster", str(EXAMPLE / "roster")]) == 0
    capsys.readouterr()
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", "@" + BOT)
    assert main(["--db", db, "invite", "--role", "guardian", "--class", "3A", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines
    assert list(lines[0]) == [
        "role",
        "person_id",
        "pupil_ids",
        "lang",
        "code",
        "link",
        "expires_at",
    ]
    assert {line["role"] for line in lines} == {"guardian"}
    assert all(line["link"].startswith(f"https://t.me/{BOT}?start=") for line in lines)


def test_gemist_invite_without_a_bot_name_says_what_to_set(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GEMIST_TELEGRAM_BOT", raising=False)
    monkeypatch.delenv("GEMIST_TELEGRAM_TOKEN", raising=False)
    db = f"sqlite:///{tmp_path / 'gemist.db'}"
    assert main(["--db", db, "invite", "--role", "pupil"]) == 2
    assert "GEMIST_TELEGRAM_BOT" in capsys.readouterr().err


async def test_a_new_letter_for_one_person_leaves_everyone_else_s_codes_alone(engine, clock):
    await _roster(engine, clock)
    first = {item.person_id: item.code for item in await _invite(engine, clock, "guardian")}

    [again] = await create_invitations(
        engine,
        school_id=SCHOOL,
        role="guardian",
        bot_username=BOT,
        now=clock.now(),
        person_id="G005",
    )

    assert again.person_id == "G005"
    assert await redeem(engine, first["G005"], 9001, clock.now()) is Refused.EXPIRED  # revoked
    assert isinstance(await redeem(engine, first["G003"], 9002, clock.now()), Linked)
    assert isinstance(await redeem(engine, again.code, 9003, clock.now()), Linked)


def test_gemist_invite_for_one_person(tmp_path, capsys, monkeypatch):
    db = f"sqlite:///{tmp_path / 'gemist.db'}"
    assert main(["--db", db, "import", "roster", str(EXAMPLE / "roster")]) == 0
    capsys.readouterr()
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", BOT)

    assert main(["--db", db, "invite", "--role", "guardian", "--person", "G005", "--json"]) == 0
    [line] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (line["person_id"], line["pupil_ids"]) == ("G005", ["P0003"])

    assert main(["--db", db, "invite", "--role", "pupil", "--person", "G005"]) == 2
    assert "no active pupil with id G005" in capsys.readouterr().err
