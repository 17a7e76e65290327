"""``gemist invite --pdf`` on the example school: letters composed from the roster, the usual
output unchanged, and nothing made or written when a font is missing."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col

from bot.cli import main
from bot.db import connect
from bot.imports import import_roster
from bot.letters import FACES, compose_letters, find_fonts
from bot.models import Invitation
from bot.telegram.invites import create_invitations
from integrations.csv import CsvRosterSource
from messages import render
from tests.helpers.pdf import page_texts

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
BOT = "GemistTestBot"
BRUSSELS = ZoneInfo("Europe/Brussels")


def _school(tmp_path: Path, capsys) -> str:
    db = f"sqlite:///{tmp_path / 'gemist.db'}"
    assert main(["--db", db, "import", "roster", str(EXAMPLE / "roster")]) == 0
    capsys.readouterr()
    return db


def test_a_letter_per_invitation_with_its_code_link_and_contact(tmp_path, capsys, monkeypatch):
    db = _school(tmp_path, capsys)
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", BOT)
    pdf = tmp_path / "letters.pdf"
    args = ["--db", db, "invite", "--role", "guardian", "--class", "3A", "--json"]
    assert main([*args, "--pdf", str(pdf)]) == 0
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]  # stdout: JSON Lines only
    assert f"{len(lines)} letters in {pdf}" in err
    texts = page_texts(pdf.read_bytes())
    assert len(texts) == len(lines) > 1
    for line, text in zip(lines, texts, strict=True):
        assert line["code"] in text
        assert line["link"] in text
        assert text.startswith(line["person_id"])
    fatima = texts[[line["person_id"] for line in lines].index("G003")]
    assert "FatimaElAmrani" in fatima
    assert "IlyasElAmrani(3A)" in fatima
    # Ilyas's spilfiguur is the contact, in the Dutch original after the Arabic translation.
    assert "UkuntaltijdterechtbijHanneVerstraete,hanne.verstraete@example.org." in fatima


async def test_letters_reuse_the_rendering_and_name_the_right_people(engine, clock):
    report = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id="school",
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert report.exit_code == 0
    letters = {}
    for role in ("guardian", "staff"):
        invited = await create_invitations(
            engine, school_id="school", role=role, bot_username=BOT, now=clock.now()
        )
        for letter in await compose_letters(
            engine,
            invited,
            school_id="school",
            school_name="not used: the roster has a name",
            bot_username=BOT,
            timezone=BRUSSELS,
        ):
            letters[letter.person_id] = letter
    until = dt.date(2026, 12, 17)  # 30 days after Tuesday 17 November
    fatima = letters["G003"]  # Arabic; mother of Yasmine (1A, Koen) and Ilyas (3A, Hanne)
    assert fatima.recipient == "Fatima El Amrani"
    assert fatima.about == ("Yasmine El Amrani (1A)", "Ilyas El Amrani (3A)")
    assert fatima.school == "Sint-Jozefcollege"
    assert fatima.rendered == render(
        "letter.guardian",
        "ar",
        {
            "school": "Sint-Jozefcollege",
            "first_name": "Fatima",
            "valid_until": until,
            "sender": "Koen De Backer (leerlingenbegeleiding)",
            "contact": "Koen De Backer, koen.debacker@example.org",
        },
    )
    assert [part.lang for part in fatima.rendered.parts] == ["ar", "nl"]
    an = letters["S01"]  # the direction herself is told to ask the first coordinator
    assert "Koen De Backer, koen.debacker@example.org" in an.rendered.text
    pieter = letters["S05"]  # a teacher: told to ask the direction
    assert pieter.about == ()
    assert pieter.rendered == render(
        "letter.staff",
        "nl",
        {
            "school": "Sint-Jozefcollege",
            "first_name": "Pieter",
            "valid_until": until,
            "sender": "An Vermeersch (directie)",
            "contact": "An Vermeersch, an.vermeersch@example.org",
        },
    )


def test_a_missing_font_stops_before_anything_is_made(tmp_path, capsys, monkeypatch):
    db = _school(tmp_path, capsys)
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", BOT)
    folder = tmp_path / "fonts"
    folder.mkdir()
    found = find_fonts()
    for face in FACES:
        if face.family == "sans":  # Latin is there, Arabic and Ethiopic are not
            shutil.copy(found[face], folder / face.file)
    monkeypatch.setattr("bot.letters._fonts.FONT_DIRS", (folder,))
    pdf = tmp_path / "letters.pdf"
    assert main(["--db", db, "invite", "--role", "pupil", "--pdf", str(pdf)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Noto Naskh Arabic (NotoNaskhArabic-Regular.ttf)" in err
    assert "Noto Sans Ethiopic (NotoSansEthiopic-Regular.ttf)" in err
    assert "NotoSans-Regular.ttf" not in err
    assert "apt-get install fonts-noto-core" in err
    assert not pdf.exists()

    async def count_invitations() -> int:
        engine = connect(db)
        try:
            async with engine.connect() as conn:
                return int(await conn.scalar(sa.select(sa.func.count(col(Invitation.id)))) or 0)
        finally:
            await engine.dispose()

    assert asyncio.run(count_invitations()) == 0  # no code was made, none revoked
