# ruff: noqa: RUF001 (Turkish names and words, dotless i included)
"""``gemist privacy export``: everything Gemist holds about one person, as JSON and as a readable
document, written readable by the school's account only."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import stat

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bot.cli import main
from bot.models import Invitation, PrivacyLog
from bot.privacy.document import markdown
from scheduler.clock import BRUSSELS
from tests.helpers.telegram import plain, telegram_world

TUESDAY = dt.date(2026, 11, 17)
WORDS = "Emir hasta, yarın gelir."


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(TUESDAY, dt.time(hour, minute), tzinfo=BRUSSELS)


@pytest.fixture
async def world(engine, clock, tmp_path):
    async with telegram_world(engine, clock, tmp_path) as world:
        world.emir = await world.link("pupil", "P0003")
        world.ayse = await world.link("guardian", "G005", language_code="tr")
        world.koen = await world.link("staff", "S02")
        await world.feed("P0003,2026-11-17,am,B,\nP0003,2026-11-17,pm,B,\n")
        await world.run_until(at(10, 45))
        await world.say(world.ayse, WORDS)
        await world.conversation.settled()
        await world.run_until(at(13, 0))
        await world.say(world.koen, "/pupil P0003")
        yield world


def export(db_url: str, *args: str) -> int:
    return main(["--db", db_url, "privacy", "export", *args])


async def test_a_pupil_s_json_export_holds_everything_about_him(world, db_url, tmp_path, engine):
    out = tmp_path / "emir.json"

    assert await asyncio.to_thread(export, db_url, "P0003", "--out", str(out)) == 0

    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["role"], data["roster_id"], data["class"], data["spilfiguur"]) == (
        "pupil", "P0003", "1A", "S02",
    )  # fmt: skip
    assert data["roster"]["first_name"] == "Emir"
    # How he is reached is his contacts, no longer a column of the roster row.
    assert "telegram_chat_id" not in data["roster"]
    assert [(c["channel"], c["address"], c["state"]) for c in data["contacts"]] == [
        ("telegram", str(world.emir), "active")
    ]
    assert [(g["guardian_id"], g["relation"]) for g in data["guardians"]] == [("G005", "moeder")]
    assert [(m["date"], m["half_day"], m["code"]) for m in data["absence_marks"]] == [
        ("2026-11-17", "am", "B"), ("2026-11-17", "pm", "B"),
    ]  # fmt: skip
    # Every message about him, to him, his mother and his spilfiguur, with the text as sent.
    messages = data["messages"]
    sent = [m for m in messages if m["status"] == "sent"]
    assert {m["recipient_role"] for m in messages} >= {"pupil", "guardian", "coordinator"}
    assert {m["recipient_role"] for m in sent} >= {"pupil", "coordinator"}
    delivered = [plain(m.text) for chat in (world.emir, world.ayse, world.koen)
                 for m in world.api.messages_to(chat)]  # fmt: skip
    for message in sent:
        assert message["text"]
        assert plain(message["text"]) in delivered
        assert message["events"][0]["to_status"] == "planned"
    assert [r["answer"] for r in data["replies"]] == [WORDS]
    assert [(v["viewer"], v["channel"]) for v in data["timeline_views"]] == [("S02", "telegram")]
    # Invitations by their hash only: the hash of the code he used, never a code.
    async with engine.connect() as conn:
        hashes = set(
            await conn.scalars(
                sa.select(col(Invitation.code_hash)).where(col(Invitation.role) == "pupil")
            )
        )
    assert {i["code_hash"] for i in data["invitations"]} <= hashes
    assert [i["chat_id"] for i in data["invitations"] if i["used_at"]] == [world.emir]
    assert "code" not in data["invitations"][0]


async def test_the_readable_document_says_the_same_in_sections(world, db_url, tmp_path):
    out = tmp_path / "emir.md"

    assert await asyncio.to_thread(export, db_url, "P0003", "--out", str(out)) == 0

    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Gemist: data held about pupil P0003\n")
    for section in ("## Roster", "## Guardians", "## Absence marks", "## Messages",
                    "## Replies", "## Timeline views", "## Invitations"):  # fmt: skip
        assert f"\n{section}\n" in text
    assert f"- **answer**: {WORDS}" in text
    assert "- **text**:\n  > " in text


async def test_a_guardian_s_export_holds_her_children_her_messages_and_her_words(
    world, db_url, capsys
):
    assert await asyncio.to_thread(export, db_url, "G005", "--json") == 0

    data = json.loads(capsys.readouterr().out)
    assert data["role"] == "guardian"
    assert data["roster"]["first_name"] == "Ayşe"
    assert [p["pupil_id"] for p in data["pupils"]] == ["P0003"]
    assert {m["recipient_role"] for m in data["messages"]} == {"guardian"}
    assert [r["answer"] for r in data["replies"]] == [WORDS]


async def test_a_staff_member_s_export_holds_whom_they_coordinate_and_viewed(world, db_url, capsys):
    assert await asyncio.to_thread(export, db_url, "S02", "--json") == 0

    data = json.loads(capsys.readouterr().out)
    assert "P0003" in data["coordinates"]
    assert [v["pupil"] for v in data["timeline_views"]] == ["P0003"]


@pytest.mark.parametrize("name", ["emir.json", "emir.md"])
async def test_an_export_file_is_readable_by_the_owner_only(world, db_url, tmp_path, name):
    out = tmp_path / name
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)

    assert await asyncio.to_thread(export, db_url, "P0003", "--out", str(out)) == 0

    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "old" not in out.read_text(encoding="utf-8")[:3]


async def test_each_export_is_logged_without_saying_whose(world, db_url, engine, capsys):
    await asyncio.to_thread(export, db_url, "P0003", "--json")

    async with engine.connect() as conn:
        (entry,) = (await conn.execute(sa.select(PrivacyLog))).all()
    assert (entry.action, entry.summary) == ("export", "exported one pupil record")
    assert "P0003" not in entry.summary + entry.reference + entry.command


async def test_a_file_of_another_kind_is_refused_before_anything_is_read(db_url, tmp_path, capsys):
    out = tmp_path / "emir.pdf"

    assert await asyncio.to_thread(export, db_url, "P0003", "--out", str(out)) == 2

    assert "expected a file ending in .json or .md" in capsys.readouterr().err
    assert not out.exists()


def test_control_characters_in_stored_words_are_shown_not_obeyed():
    data = {
        "exported_at": "2026-12-07T12:00:00+00:00", "school": "school", "role": "pupil",
        "roster_id": "P0003", "replies": [{"answer": "ok\x1b[2J\u202egnal"}],
    }  # fmt: skip

    text = markdown(data)

    assert "- **answer**: ok<U+001B>[2J<U+202E>gnal" in text
    assert "\x1b" not in text
    assert "\u202e" not in text
