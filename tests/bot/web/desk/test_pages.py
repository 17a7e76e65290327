"""What *Vandaag* and *Leerling* show, to whom; the pages not built yet; the layout's rules (no
script, the strict headers, the viewer's language)."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
from sqlmodel import col

from bot.models import AbsenceMark, Pupil
from bot.web.security import HEADERS
from tests.bot.web.desk.conftest import Town, sign_in
from tests.helpers.seed import SCHOOL


async def _today(town: Town, staff_id: str, query: str = "") -> str:
    async with town.client() as client:
        await sign_in(town, client, staff_id)
        return await (await client.get(f"/desk/vandaag{query}")).text()


async def test_a_spilfiguur_sees_today_for_their_own_pupils(town: Town):
    page = await _today(town, "S02")
    assert "Kind P1" in page  # absent, written to, answered
    assert "B" in page
    assert "vraag aan de leerling" in page
    assert "Kind P2" not in page  # S03's pupil: not their absence, message or failure
    assert "Wacht op een beslissing" in page  # the held day of 1A
    assert "Niet afgeleverd" in page


async def test_the_other_spilfiguur_sees_the_message_that_was_not_delivered(town: Town):
    page = await _today(town, "S03")
    failed = page.split("Niet afgeleverd (laatste 7 dagen)")[1]
    assert "Kind P2" in failed
    assert "vraag aan de ouders" in failed
    assert "Kind P1" not in page


async def test_the_direction_sees_the_whole_school(town: Town):
    page = await _today(town, "S01")
    for pupil in ("Kind P1", "Kind P2"):
        assert pupil in page


async def test_a_teacher_sees_only_their_welcome_reminders(town: Town):
    page = await _today(town, "S05")
    assert "Je herinneringen voor een warm onthaal" in page
    assert "herinnering warm onthaal" in page
    assert "Kind P3" in page
    assert "Kind P1" not in page
    assert "Kind P2" not in page
    assert "Afwezig vandaag" not in page
    assert "/desk/leerling/" not in page  # no pupil's page to open
    assert 'href="desk/regels"' not in page  # the navigation shows only Vandaag


async def test_long_lists_come_a_page_at_a_time(town: Town):
    now = town.clock.now()
    async with town.engine.begin() as conn:
        class_id = await conn.scalar(sa.select(col(Pupil.class_id)).limit(1))
        run = await conn.scalar(sa.select(col(AbsenceMark.run_id)).limit(1))
        for number in range(30):
            pupil = (
                await conn.execute(
                    sa.insert(Pupil).values(
                        school_id=SCHOOL, pupil_id=f"X{number:02}", first_name=f"Extra{number:02}",
                        last_name="Leerling", birth_date=dt.date(2012, 1, 1), class_id=class_id,
                        spilfiguur_id=town.staff["S02"], updated_at=now,
                    ).returning(col(Pupil.id))
                )
            ).scalar_one()  # fmt: skip
            await conn.execute(
                sa.insert(AbsenceMark).values(
                    school_id=SCHOOL, pupil_id=pupil, date=town.clock.today(), half_day="am",
                    code="B", source="test", first_seen=now, last_seen=now, run_id=run,
                )
            )  # fmt: skip
    first = await _today(town, "S02")
    second = await _today(town, "S02", "?lijst=afwezig&pagina=2")
    names = set(re.findall(r"Extra\d\d", first))
    later = set(re.findall(r"Extra\d\d", second))
    assert len(names) == 25  # 25 a page, by name: the extra pupils ("Leerling") first
    assert len(later) == 5
    assert "Kind P1" in second  # "Test" comes last
    assert not names & later
    assert "lijst=afwezig&amp;pagina=2" in first
    assert "Verstuurd vandaag" not in second  # one list, further on


async def test_a_pupils_timeline_shows_marks_messages_and_answers(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        page = await (await client.get(f"/desk/leerling/{town.pupils['P1']}")).text()
        listed = await (await client.get("/desk/leerling")).text()
    assert "Afwezig, code B" in page
    assert "Hoi Kind P1, we hebben je gemist." in page  # the text as it was sent
    assert "verstuurd" in page
    assert "Ik ben ziek" in page  # the words of the button the pupil tapped
    assert "NaamS02 Collega" in page  # their spilfiguur
    assert f'href="../desk/leerling/{town.pupils["P1"]}"' in listed
    assert "Kind P2" not in listed


async def test_the_desk_speaks_the_staff_members_language(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S04")  # reads French
        page = await (await client.get("/desk/vandaag")).text()
    assert '<html lang="fr"' in page
    assert "Aujourd" in page


async def test_every_desk_page_has_the_strict_headers_and_no_script(town: Town):
    async with town.client() as client:
        sign_in_page = await client.get("/desk/aanmelden")
        sign_in_text = await sign_in_page.text()
        today = await sign_in(town, client, "S01")
        today_text = await today.text()
        css = await client.get("/static/desk.css")
    for response, text in ((sign_in_page, sign_in_text), (today, today_text)):
        for name, value in HEADERS.items():
            assert response.headers[name] == value
        assert "<script" not in text
        assert " style=" not in text
        assert "static/desk.css" in text
    assert css.status == 200


async def test_imports_show_each_run_and_the_rows_it_refused(town: Town):
    from bot.models import ImportReject, ImportRun

    now = town.clock.now()
    async with town.engine.begin() as conn:
        run = (
            await conn.execute(
                sa.insert(ImportRun).values(
                    school_id=SCHOOL, kind="roster", source="/data/roster", started_by="cron",
                    started_at=now, status="partial", rows=12, imported=11, rejected=1,
                ).returning(col(ImportRun.id))
            )
        ).scalar_one()  # fmt: skip
        await conn.execute(
            sa.insert(ImportReject).values(
                run_id=run, file="pupils.csv", line=7, column="birth_date",
                reason="expected a date like 2012-03-04",
            )
        )  # fmt: skip
    async with town.client() as client:
        await sign_in(town, client, "S02")
        listed = await (await client.get("/desk/invoer")).text()
        detail = await client.get(f"/desk/invoer/{run}")
        detail_text = await detail.text()
        other = await client.get("/desk/invoer/987654")
    assert "gelukt, met geweigerde rijen" in listed
    assert f'href="../desk/invoer/{run}"' in listed
    assert detail.status == 200
    assert "pupils.csv" in detail_text
    assert "expected a date like 2012-03-04" in detail_text
    assert other.status == 404


async def test_a_held_day_is_released_from_the_queue_once(town: Town):
    from bot.models import OutreachHold

    async with town.client() as client:
        page = await sign_in(town, client, "S02")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', await page.text()).group(1)
        queue = await (await client.get("/desk/wachtrij")).text()
        hold = await town.scalar(sa.select(col(OutreachHold.id)))
        form = {"csrf": token, "hold": str(hold)}
        first = await client.post("/desk/wachtrij", data={**form, "decision": "release"})
        first_text = await first.text()
        again = await client.post("/desk/wachtrij", data={**form, "decision": "discard"})
        again_text = await again.text()
        forged = await client.post("/desk/wachtrij", data={**form, "csrf": "", "decision": "x"})
    assert "Vrijgeven: de berichten gaan uit" in queue
    assert first.url.path == "/desk/wachtrij"
    assert "Genoteerd." in first_text
    assert "Daar was al over beslist." in again_text
    assert forged.status == 403
    async with town.engine.connect() as conn:
        row = (
            await conn.execute(sa.select(col(OutreachHold.status), col(OutreachHold.decided_by)))
        ).one()
    assert tuple(row) == ("released", "desk:S02")
    assert town.told[-1] == "news"  # the released day's messages go out at once


async def test_a_form_without_its_token_decides_nothing(town: Town):
    from bot.models import OutreachHold

    async with town.client() as client:
        await sign_in(town, client, "S01")
        hold = await town.scalar(sa.select(col(OutreachHold.id)))
        form = {"hold": str(hold), "decision": "discard"}
        refused = await client.post("/desk/wachtrij", data=form)
        refused_text = await refused.text()
    assert refused.status == 403
    assert "Dit formulier is verlopen" in refused_text
    assert await town.scalar(sa.select(col(OutreachHold.status))) == "held"


async def test_reach_lists_whom_no_channel_reaches_why_and_what_to_do(town: Town):
    from bot.models import Contact, Guardian, GuardianLink, Invitation

    now = town.clock.now()
    async with town.engine.begin() as conn:
        guardians = {}
        for key, name in (("G1", "Ayşe"), ("G2", "Jan"), ("G3", "Dirk")):
            guardians[key] = (
                await conn.execute(
                    sa.insert(Guardian).values(
                        school_id=SCHOOL, guardian_id=key, first_name=name, last_name="Ouder",
                        language="nl",
                        updated_at=now,
                    ).returning(col(Guardian.id))
                )
            ).scalar_one()  # fmt: skip
            await conn.execute(
                sa.insert(GuardianLink).values(
                    guardian_id=guardians[key], pupil_id=town.pupils["P1"], relation="moeder"
                )
            )
        contacts = (
            ("pupil", town.pupils["P1"], "telegram", "invited", None),
            ("guardian", guardians["G1"], "email", "bounced", "ayse@example.org"),
            ("guardian", guardians["G2"], "email", "active", "jan@example.org"),
            ("guardian", guardians["G3"], "phone", "active", "0470 12 34 56"),
        )
        for role, person, channel, state, address in contacts:
            await conn.execute(
                sa.insert(Contact).values(
                    school_id=SCHOOL, role=role, person_id=person, channel=channel,
                    address=address, state=state, chosen=False, since=now,
                )
            )  # fmt: skip
        await conn.execute(
            sa.insert(Invitation).values(
                school_id=SCHOOL, role="pupil", person_id=town.pupils["P1"], code_hash="0" * 64,
                created_at=now, expires_at=now + dt.timedelta(days=30),
            )
        )  # fmt: skip
    async with town.client() as client:
        await sign_in(town, client, "S02")
        page = await (await client.get("/desk/bereik")).text()
    assert "uitnodiging nog niet gebruikt" in page  # P1 themself: the letter was not used
    assert "gemist invite --role pupil --person P1" in page  # the letter to print again
    assert "Ayşe Ouder (moeder)" in page
    assert 'adres werkt niet (e-mail): <span class="source">ayse@example.org</span>' in page
    assert "Verbeter het adres in het programma van de school en voer opnieuw in." in page
    assert "gemist invite --role guardian --person G1" in page
    assert "Dirk Ouder (moeder)" in page  # a phone number reaches nobody: it is for calling
    assert "geen contactgegevens" in page
    assert "Jan Ouder" not in page  # reached by e-mail
    assert "Kind P2" not in page  # S03's pupil


async def test_a_hold_that_is_not_there_is_not_found_and_nothing_is_decided(town: Town):
    from bot.models import OutreachHold

    async with town.client() as client:
        page = await sign_in(town, client, "S01")
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', await page.text()).group(1)
        form = {"csrf": token, "decision": "release"}
        none = await client.post("/desk/wachtrij", data={**form, "hold": "987654"})
        odd = await client.post("/desk/wachtrij", data={**form, "hold": "1A"})
    assert none.status == odd.status == 404
    assert await town.scalar(sa.select(col(OutreachHold.status))) == "held"


async def test_today_names_a_held_day_to_a_spilfiguur_only_when_one_of_theirs_is_absent(
    town: Town,
):
    # The held day of 1A, as the queue shows it: to those who run the bot and the whole school,
    # and to a spilfiguur when one of their pupils is among the absent (P1 is, P3 is not).
    assert "Wacht op een beslissing" in await _today(town, "S01")
    assert "Wacht op een beslissing" not in await _today(town, "S06")
    async with town.engine.begin() as conn:
        run = await conn.scalar(sa.select(col(AbsenceMark.run_id)).limit(1))
        await conn.execute(
            sa.insert(AbsenceMark).values(
                school_id=SCHOOL, pupil_id=town.pupils["P3"], date=town.clock.today(),
                half_day="am", code="B", source="test", first_seen=town.clock.now(),
                last_seen=town.clock.now(), run_id=run,
            )
        )  # fmt: skip
    assert "Wacht op een beslissing" in await _today(town, "S06")
