# ruff: noqa: RUF001 (Turkish names and words, dotless i included)
"""``gemist privacy erase``: after it, nothing in the whole database names the person, on both
backends, and the privacy log says what was done without saying about whom."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.cli import main
from bot.models import Guardian, Outreach, PrivacyLog, Pupil, Reply, Staff
from bot.privacy.erase import erase_person
from bot.privacy.people import find_people
from scheduler.clock import BRUSSELS
from tests.helpers.dump import dump, found_in
from tests.helpers.telegram import telegram_world

TUESDAY = dt.date(2026, 11, 17)
WORDS = "Emir hasta, yarın gelir."


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(TUESDAY, dt.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
async def world(engine, clock, tmp_path):
    """Emir (P0003) absent and answered for: his check-in, his mother Ayşe's words forwarded to
    Koen, Koen's look at the timeline; Lotte (P0001) absent the same day, as a bystander."""
    async with telegram_world(engine, clock, tmp_path) as world:
        world.emir = await world.link("pupil", "P0003")
        world.ayse = await world.link("guardian", "G005", language_code="tr")
        world.koen = await world.link("staff", "S02")
        world.lotte = await world.link("pupil", "P0001")
        await world.feed("P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\nP0001,2026-11-17,am,Z,\n")
        await world.run_until(at(10, 45))
        await world.say(world.ayse, WORDS)
        await world.conversation.settled()
        await world.run_until(at(13, 0))
        await world.say(world.koen, "/pupil P0003")
        yield world


def needles(world) -> list[str]:
    """Everything that would say who Emir and his mother are."""
    return [
        "P0003", "Emir", "Yılmaz", "G005", "Ayşe", str(world.emir), str(world.ayse),
        WORDS, "yarın gelir",
    ]  # fmt: skip


async def test_after_erasing_a_pupil_no_table_or_column_names_him_or_his_mother(
    world, engine, db_url
):
    before = await dump(engine)
    assert found_in(before, needles(world)) == needles(world)  # the search finds them at first
    guardians = await _count(engine, Guardian)

    code = await asyncio.to_thread(main, ["--db", db_url, "privacy", "erase", "P0003", "--yes"])

    assert code == 0
    after = await dump(engine)
    assert found_in(after, needles(world)) == []
    # Lotte, the spilfiguur and the rest of the school are still there, with Lotte's messages.
    assert found_in(after, ["P0001", "Lotte", "Koen", "De Backer", str(world.koen)]) == [
        "P0001", "Lotte", "Koen", "De Backer", str(world.koen),
    ]  # fmt: skip
    async with engine.connect() as conn:
        lotte = await conn.scalar(sa.select(col(Pupil.id)).where(col(Pupil.pupil_id) == "P0001"))
        assert await conn.scalar(sa.select(sa.func.count()).where(col(Outreach.pupil_id) == lotte))
    assert await _count(engine, Guardian) == guardians - 1  # Ayşe, Emir's only


async def _count(engine, table) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


async def test_the_erasure_is_logged_with_a_reference_and_counts_only(
    world, engine, db_url, capsys
):
    await asyncio.to_thread(main, ["--db", db_url, "privacy", "erase", "P0003", "--yes"])

    out = capsys.readouterr().out
    async with engine.connect() as conn:
        (entry,) = (await conn.execute(sa.select(PrivacyLog))).all()
    assert entry.action == "erase"
    assert entry.command == "gemist privacy erase"
    assert re.fullmatch(r"[0-9a-f]{12}", entry.reference)
    assert f"privacy log reference: {entry.reference}" in out
    today = dt.datetime.now(BRUSSELS).date().isoformat()
    assert entry.summary.startswith(f"erased 1 guardian record, 1 pupil record on {today}: ")
    assert "absence marks" in entry.summary
    assert "replies" in entry.summary
    assert found_in(entry.summary + entry.reference, needles(world)) == []


async def test_erasing_a_guardian_removes_her_words_and_keeps_her_child(world, engine):
    async with engine.begin() as conn:
        (ayse,) = await find_people(conn, "school", "G005")
        removed = await erase_person(conn, "school", ayse)

    assert removed["guardian records"] == 1
    assert removed["replies"] == 1
    after = await dump(engine)
    assert found_in(after, ["G005", "Ayşe", str(world.ayse), WORDS]) == []
    async with engine.connect() as conn:
        emir = await conn.scalar(
            sa.select(col(Pupil.first_name)).where(col(Pupil.pupil_id) == "P0003")
        )
    assert emir == "Emir"


async def test_erasing_a_staff_member_keeps_the_pupils_and_forgets_who_acted(world, engine):
    async with engine.begin() as conn:
        (koen,) = await find_people(conn, "school", "S02", "staff")
        removed = await erase_person(conn, "school", koen)

    assert removed["staff records"] == 1
    assert removed["messages"] > 0
    after = await dump(engine)
    assert found_in(after, ["Koen", "De Backer", "koen.debacker", str(world.koen)]) == []
    async with engine.connect() as conn:
        assert await conn.scalar(sa.select(sa.func.count()).select_from(Staff)) > 1
        assert await conn.scalar(sa.select(sa.func.count()).where(col(Reply.pupil_id).is_not(None)))


async def test_without_yes_a_run_without_a_terminal_refuses_and_erases_nothing(
    world, engine, db_url, capsys
):
    before = await dump(engine)

    code = await asyncio.to_thread(main, ["--db", db_url, "privacy", "erase", "P0003"])

    assert code == 2
    assert "add --yes" in capsys.readouterr().err
    assert await dump(engine) == before


async def test_an_unknown_id_is_named_and_nothing_changes(world, engine, db_url, capsys):
    before = await dump(engine)

    code = await asyncio.to_thread(main, ["--db", db_url, "privacy", "erase", "P9999", "--yes"])

    assert code == 1
    assert "no pupil, guardian or staff member with id 'P9999'" in capsys.readouterr().err
    assert await dump(engine) == before
