"""``gemist invite`` and its letters ask :mod:`bot.consent` (issue 15, item 1): no code, no
letter for a guardian the school may not contact about any child; a parent of two gets a code
and a letter naming only the children the school may contact them about."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col

from bot.cli import main
from bot.consent import Consent, contactable, guardian_consent
from bot.imports import import_roster
from bot.letters import compose_letters
from bot.models import Guardian, GuardianLink, Invitation, Pupil
from bot.rules import DoNotContact, Rules
from bot.telegram.invites import create_invitations
from integrations.csv import CsvRosterSource

EXAMPLE = Path(__file__).parents[3] / "docs" / "example"
SCHOOL = "school"
BOT = "GemistTestBot"
BRUSSELS = ZoneInfo("Europe/Brussels")
# Fatima El Amrani (G003) is the mother of Yasmine (P0002, 1A, spilfiguur Koen De Backer) and
# Ilyas (P0018, 3A, spilfiguur Hanne Verstraete).


async def _roster(engine, clock) -> None:
    report = await import_roster(
        engine,
        CsvRosterSource(EXAMPLE / "roster", today=clock.today()),
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        clock=clock,
    )
    assert report.exit_code == 0


async def _guardians(engine, clock, rules: Rules | None = None) -> dict[str, tuple[str, ...]]:
    invited = await create_invitations(
        engine,
        school_id=SCHOOL,
        role="guardian",
        bot_username=BOT,
        now=clock.now(),
        rules=rules,
        today=clock.today(),
    )
    return {item.person_id: item.pupil_ids for item in invited}


async def _ilyas_turns_18(engine, clock, *, consent: bool) -> None:
    born = clock.today().replace(year=clock.today().year - 18)
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(Pupil)
            .where(col(Pupil.pupil_id) == "P0018")
            .values(birth_date=born, guardian_consent=consent)
        )


def test_consent_is_decided_in_one_place_with_its_reason():
    rules = Rules(do_not_contact=(DoNotContact(guardian="G1", pupil="P1"),))

    def decide(guardian: str = "G2", may: bool = True, age: int = 14, consent: bool = False):
        return guardian_consent(
            rules,
            guardian_id=guardian,
            pupil_id="P1",
            may_contact=may,
            pupil_age=age,
            pupil_consent=consent,
        )

    assert decide() is Consent.ALLOWED
    assert decide(may=False) is Consent.ROSTER
    assert decide(guardian="G1") is Consent.RULES
    assert decide(age=18) is Consent.ADULT
    assert decide(age=18, consent=True) is Consent.ALLOWED
    assert not Consent.ADULT.allows
    assert Consent.ALLOWED.allows


async def test_a_parent_of_two_is_invited_only_about_the_child_she_may_be_contacted_about(
    engine, clock
):
    await _roster(engine, clock)
    rules = Rules(do_not_contact=(DoNotContact(guardian="G003", pupil="P0002"),))

    invited = await create_invitations(
        engine, school_id=SCHOOL, role="guardian", bot_username=BOT, now=clock.now(), rules=rules
    )
    [fatima] = [item for item in invited if item.person_id == "G003"]
    [letter] = await compose_letters(
        engine,
        [fatima],
        school_id=SCHOOL,
        school_name="Sint-Jozefcollege",
        bot_username=BOT,
        timezone=BRUSSELS,
    )

    assert fatima.pupil_ids == ("P0018",)
    assert letter.about == ("Ilyas El Amrani (3A)",)
    assert "Yasmine" not in letter.rendered.text
    assert "Koen De Backer" not in letter.rendered.text  # Yasmine's spilfiguur
    assert "Hanne Verstraete" in letter.rendered.text


async def test_a_guardian_on_the_do_not_contact_list_gets_no_code_at_all(engine, clock):
    await _roster(engine, clock)
    before = await _guardians(engine, clock)

    after = await _guardians(engine, clock, Rules(do_not_contact=(DoNotContact(guardian="G003"),)))

    assert "G003" in before
    assert "G003" not in after
    assert set(before) - set(after) == {"G003"}
    async with engine.connect() as conn:
        g003 = await conn.scalar(
            sa.select(col(Guardian.id)).where(col(Guardian.guardian_id) == "G003")
        )
        live = await conn.scalar(
            sa.select(sa.func.count())
            .select_from(Invitation)
            .where(col(Invitation.person_id) == g003, col(Invitation.role) == "guardian")
            .where(col(Invitation.revoked_at).is_(None))
        )
    assert live == 1  # the first run's code; the second made none for her


async def test_may_contact_no_in_the_roster_keeps_a_guardian_off_the_invitations(engine, clock):
    await _roster(engine, clock)
    async with engine.begin() as conn:
        g003 = await conn.scalar(
            sa.select(col(Guardian.id)).where(col(Guardian.guardian_id) == "G003")
        )
        await conn.execute(
            sa.update(GuardianLink)
            .where(col(GuardianLink.guardian_id) == g003)
            .values(may_contact=False)
        )

    assert "G003" not in await _guardians(engine, clock)


async def test_the_parent_of_an_adult_pupil_is_invited_about_them_only_with_their_consent(
    engine, clock
):
    await _roster(engine, clock)

    await _ilyas_turns_18(engine, clock, consent=False)
    without = await _guardians(engine, clock)
    await _ilyas_turns_18(engine, clock, consent=True)
    with_consent = await _guardians(engine, clock)

    assert without["G003"] == ("P0002",)
    assert with_consent["G003"] == ("P0002", "P0018")


async def test_contactable_gives_each_link_its_consent_state(engine, clock):
    await _roster(engine, clock)
    await _ilyas_turns_18(engine, clock, consent=False)
    rules = Rules(do_not_contact=(DoNotContact(guardian="G003", pupil="P0002"),))

    async with engine.connect() as conn:
        links = await contactable(conn, rules, clock.today(), school_id=SCHOOL)

    fatima = {link.pupil_id: link.consent for link in links if link.guardian_id == "G003"}
    assert fatima == {"P0002": Consent.RULES, "P0018": Consent.ADULT}


def _school(tmp_path: Path, capsys, rules: str | None = None) -> list[str]:
    db = f"sqlite:///{tmp_path / 'gemist.db'}"
    assert main(["--db", db, "import", "roster", str(EXAMPLE / "roster")]) == 0
    args = ["--db", db]
    if rules is not None:
        (tmp_path / "rules.yaml").write_text(rules)
        (tmp_path / "gemist.toml").write_text('rules = "rules.yaml"\n')
        args += ["--config", str(tmp_path / "gemist.toml")]
    capsys.readouterr()
    return args


def test_gemist_invite_reads_the_do_not_contact_list_of_the_rules_file(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", BOT)
    args = _school(tmp_path, capsys, "do_not_contact:\n  - guardian: G003\n    pupil: P0018\n")

    assert main([*args, "invite", "--role", "guardian", "--class", "3A", "--json"]) == 0

    people = [json.loads(line)["person_id"] for line in capsys.readouterr().out.splitlines()]
    assert people
    assert "G003" not in people


def test_gemist_invite_for_an_unknown_class_exits_2_and_names_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", BOT)
    args = _school(tmp_path, capsys)

    assert main([*args, "invite", "--role", "pupil", "--class", "9Z"]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert "no class '9Z'" in err


def test_gemist_invite_for_a_class_without_pupils_exits_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", BOT)
    args = _school(tmp_path, capsys)
    kept = [
        line
        for line in (EXAMPLE / "roster" / "pupils.csv").read_text().splitlines()
        if ";3A;" not in line
    ]
    roster = tmp_path / "roster"
    roster.mkdir()
    for name in ("staff.csv", "teaching.csv"):
        (roster / name).write_text((EXAMPLE / "roster" / name).read_text())
    (roster / "pupils.csv").write_text("\n".join(kept) + "\n")
    pupils = {line.split(";")[0] for line in kept}
    guardians = (EXAMPLE / "roster" / "guardians.csv").read_text().splitlines()
    (roster / "guardians.csv").write_text(
        "\n".join(line for line in guardians if line.split(";")[1] in pupils | {"pupil_id"}) + "\n"
    )
    assert main([*args, "import", "roster", str(roster)]) in (0, 3)
    capsys.readouterr()

    assert main([*args, "invite", "--role", "staff", "--class", "3A"]) == 2

    assert "class '3A' has no active pupils" in capsys.readouterr().err


async def test_a_pupil_who_turns_18_tomorrow_is_still_a_minor_for_today_s_invitations(
    engine, clock
):
    await _roster(engine, clock)
    born = clock.today() + dt.timedelta(days=1)
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(Pupil)
            .where(col(Pupil.pupil_id) == "P0018")
            .values(birth_date=born.replace(year=born.year - 18))
        )

    assert (await _guardians(engine, clock))["G003"] == ("P0002", "P0018")  # 17 today


def test_inviting_one_guardian_who_may_not_be_contacted_exits_2_and_says_why(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("GEMIST_TELEGRAM_BOT", BOT)
    args = _school(tmp_path, capsys, "do_not_contact:\n  - guardian: G003\n")

    assert main([*args, "invite", "--role", "guardian", "--person", "G003"]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert "no active guardian with id G003 whom the school may contact" in err
