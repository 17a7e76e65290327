"""*Regels*: the rules in force as a form with their explanations and limits; a value the rules
refuse is shown at its setting and nothing is saved; saving keeps a version by the staff
member's roster id that the next planner tick uses; restoring; the preview of a change on the
example school (both backends); the form's token and who may do this."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import sqlalchemy as sa
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.models import Pupil, RulesVersion, Staff
from bot.rulebook import versions
from bot.rulebook.preview import Preview, SchoolPreviews, forget_replays, last_school_weeks
from bot.rules import Rules, parse_rules
from bot.web import create_app
from bot.web.desk.rules import JOBS
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock
from tests.bot.rulebook.test_preview import school_with_history
from tests.bot.web.desk.conftest import Town, csrf_of, sign_in
from tests.helpers.seed import SCHOOL


async def _versions(town: Town) -> list[tuple[int, str, list[str]]]:
    async with town.engine.connect() as conn:
        rows = await conn.execute(
            sa.select(
                col(RulesVersion.number), col(RulesVersion.saved_by), col(RulesVersion.changes)
            ).order_by(col(RulesVersion.number))
        )
        return [(int(n), str(by), list(changes)) for n, by, changes in rows]


async def _form(client: TestClient) -> tuple[str, str]:
    page = await client.get("/desk/regels")
    assert page.status == 200
    return await page.text(), await csrf_of(page)


async def test_the_form_shows_every_setting_with_its_explanation_value_and_limits(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        text, _token = await _form(client)
    assert 'name="guardian.grace_period" value="2h"' in text
    assert "Zo lang heeft de leerling om te antwoorden voor de ouders een bericht krijgen." in text
    assert 'name="nudges.problematic_half_days" value="5"' in text
    assert "ten hoogste 5" in text
    assert "De wet vraagt het CLB te betrekken vanaf de 5de problematische halve dag." in text
    assert "B (problematisch afwezig)" in text  # the codes' headings
    assert "Nog geen opgeslagen versie" in text
    # a cap's numbers right below it, not after every cap as in the file
    cap, below, next_cap = (
        text.index(f'name="{path}"')
        for path in ("caps.guardian", "caps.guardian.per_day", "caps.teacher")
    )
    assert cap < below < next_cap
    assert "<script" not in text
    assert " style=" not in text


async def test_the_form_speaks_the_readers_language(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S04")  # the CLB worker, who reads French
        page = await client.get("/desk/regels")
        text = await page.text()
    assert page.status == 200
    assert '<html lang="fr"' in text
    assert "CLB" in text
    assert "Zo lang heeft de leerling om te antwoorden" not in text  # rules_form, in French


async def test_a_clb_threshold_above_the_law_is_refused_at_its_setting(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        _text, token = await _form(client)
        sent = {"csrf": token, "actie": "opslaan", "nudges.problematic_half_days": "6",
                "guardian.grace_period": "3h"}  # fmt: skip
        answer = await client.post("/desk/regels", data=sent)
        text = await answer.text()
    assert answer.status == 422
    assert "Er is niets opgeslagen." in text
    assert 'name="nudges.problematic_half_days" value="6" aria-invalid="true"' in text
    problem = text.index('id="nudges.problematic_half_days-problem"')
    assert "5" in text[problem : text.index("</span>", problem)]  # the rules' own words
    assert 'name="guardian.grace_period" value="3h"' in text  # what was typed stays
    assert await _versions(town) == []


async def test_saving_keeps_a_version_by_the_staff_id_that_the_next_tick_uses(town: Town):
    planner = versions.CurrentRules(town.engine, SCHOOL, Rules.default())
    assert (await planner.refresh()).guardian.grace_period == dt.timedelta(hours=2)
    async with town.client() as client:
        await sign_in(town, client, "S02")
        _text, token = await _form(client)
        sent = {"csrf": token, "actie": "opslaan", "guardian.grace_period": "3h", "versie": ""}
        answer = await client.post("/desk/regels", data=sent)
        text = await answer.text()
    assert answer.status == 200
    assert answer.url.path == "/desk/regels"
    assert "Versie 1 is opgeslagen." in text
    assert "guardian.grace_period" in text
    assert await _versions(town) == [(1, "S02", ["guardian.grace_period"])]
    rules = await planner.refresh()  # what the planner's next tick does first
    assert planner.number == 1
    assert rules.guardian.grace_period == dt.timedelta(hours=3)


async def test_saving_nothing_new_keeps_no_version(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S01")
        _text, token = await _form(client)
        answer = await client.post(
            "/desk/regels", data={"csrf": token, "actie": "opslaan", "pupil.min_age": "12"}
        )
        text = await answer.text()
    assert "Er is niets gewijzigd" in text
    assert await _versions(town) == []


async def test_a_save_on_rules_changed_meanwhile_is_shown_again_not_saved(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        _text, token = await _form(client)  # the form of the file's rules (no version)
        await versions.save(
            town.engine, SCHOOL, "pupil:\n  min_age: 14\n", by="S03", at=town.clock.now(),
            fallback=Rules.default(),
        )  # fmt: skip
        answer = await client.post(
            "/desk/regels",
            data={"csrf": token, "actie": "opslaan", "versie": "", "guardian.grace_period": "3h"},
        )
        text = await answer.text()
    assert answer.status == 409
    assert "intussen opgeslagen door iemand anders (versie 1)" in text
    assert [number for number, _by, _changes in await _versions(town)] == [1]


async def test_the_history_shows_who_and_what_and_restores_an_earlier_version(town: Town):
    for number, (text, by) in enumerate(
        (("pupil:\n  min_age: 14\n", "S03"), ("pupil:\n  min_age: 15\n", "S01")), start=1
    ):
        await versions.save(
            town.engine, SCHOOL, text, by=by, at=town.clock.now() + dt.timedelta(minutes=number),
            fallback=Rules.default(),
        )  # fmt: skip
    async with town.client() as client:
        await sign_in(town, client, "S02")
        page, token = await _form(client)
        assert "NaamS03 Collega (S03)" in page
        assert "pupil.min_age" in page
        assert page.count('action="../desk/regels/herstellen"') == 1  # not the one in force
        answer = await client.post("/desk/regels/herstellen", data={"csrf": token, "versie": "1"})
        text = await answer.text()
        missing = await client.post("/desk/regels/herstellen", data={"csrf": token, "versie": "9"})
    assert "Versie 3 is opgeslagen." in text
    assert "versie 1 teruggezet" in text
    assert missing.status == 404
    saved = await _versions(town)
    assert saved[-1] == (3, "S02", ["pupil.min_age"])
    planner = versions.CurrentRules(town.engine, SCHOOL, Rules.default())
    assert (await planner.refresh()).pupil.min_age == 14


@pytest.mark.parametrize("path", ["/desk/regels", "/desk/regels/herstellen"])
async def test_a_form_without_its_token_changes_nothing(town: Town, path: str):
    await versions.save(
        town.engine, SCHOOL, "pupil:\n  min_age: 14\n", by="S03", at=town.clock.now(),
        fallback=Rules.default(),
    )  # fmt: skip
    async with town.client() as client:
        await sign_in(town, client, "S02")
        data = {"actie": "opslaan", "guardian.grace_period": "3h", "versie": "1"}
        answer = await client.post(path, data=data)
        wrong = await client.post(path, data={**data, "csrf": "0" * 64})
    assert answer.status == wrong.status == 403
    assert len(await _versions(town)) == 1


@pytest.mark.parametrize("staff_id", ["S05", "S06"])  # a teacher; a teacher and spilfiguur
async def test_a_teacher_gets_the_404_page_and_changes_nothing(town: Town, staff_id: str):
    async with town.client() as client:
        await sign_in(town, client, staff_id)
        token = await csrf_of(await client.get("/desk/vandaag"))
        page = await client.get("/desk/regels")
        saved = await client.post(
            "/desk/regels", data={"csrf": token, "actie": "opslaan", "pupil.min_age": "14"}
        )
        restored = await client.post("/desk/regels/herstellen", data={"csrf": token, "versie": "1"})
        preview = await client.get("/desk/regels/voorbeeld")
    assert [page.status, saved.status, restored.status, preview.status] == [404] * 4
    assert await _versions(town) == []


# -- the preview, on the example school ----------------------------------------------------------

START, END = dt.date(2026, 11, 16), dt.date(2026, 11, 27)


@pytest.fixture
async def example(engine: AsyncEngine) -> AsyncIterator[Town]:
    forget_replays()
    await school_with_history(engine, SCHOOL)
    async with engine.connect() as conn:
        staff = {
            s: int(i) for s, i in await conn.execute(sa.select(col(Staff.staff_id), col(Staff.id)))
        }
        pupils = {
            p: int(i) for p, i in await conn.execute(sa.select(col(Pupil.pupil_id), col(Pupil.id)))
        }
    yield Town(engine, VirtualClock(dt.datetime(2026, 11, 30, 12, tzinfo=BRUSSELS)), staff, pupils)
    forget_replays()


@asynccontextmanager
async def previewing(town: Town) -> AsyncIterator[TestClient]:
    context = town.context()
    context.previews = SchoolPreviews(school_id=SCHOOL, calendar=SchoolCalendar(), tz=BRUSSELS)
    async with TestClient(TestServer(create_app(context))) as client:
        yield client


async def test_a_preview_shows_fewer_check_ins_side_by_side_and_offers_to_save(example: Town):
    town = example
    async with previewing(town) as client:
        await sign_in(town, client, "S01")
        _text, token = await _form(client)
        gaps: list[float] = []
        ticking = asyncio.create_task(_ticks(gaps))
        began = time.perf_counter()
        sent = {"csrf": token, "actie": "voorbeeld", "codes.B.pupil_checkin": "false",
                "van": START.isoformat(), "tot": END.isoformat()}  # fmt: skip
        asked = await client.post("/desk/regels", data=sent, allow_redirects=False)
        answered = time.perf_counter() - began
        assert asked.status == 303
        job = client.app[JOBS].jobs[next(iter(client.app[JOBS].jobs))]
        # the server keeps answering while the preview runs
        health = [(await client.get("/health")).status for _ in range(3)]
        assert job.task is not None
        await job.task
        ticking.cancel()
        page = await client.get("/desk/regels/voorbeeld")
        text = await page.text()
        # a second proposal: the rules in force were replayed already (a figure, printed)
        again = {**sent, "codes.B.pupil_checkin": "true", "codes.Z.pupil_checkin": "false"}
        await client.post("/desk/regels", data=again)
        second = next(iter(client.app[JOBS].jobs.values()))
        assert second.task is not None
        await second.task
    assert health == [200, 200, 200]
    result = job.result
    assert result is not None
    before = {row.name: (row.current, row.proposed) for row in result.by_kind}
    assert before["pupil_checkin"][1] < before["pupil_checkin"][0]
    assert "vraag aan de leerling" in text
    assert "minder" in text
    assert "Met de voorgestelde regels" in text
    assert result.examples
    assert result.examples[0].about in text
    assert 'name="codes.B.pupil_checkin" value="false"' in text  # "save these rules"
    assert 'http-equiv="refresh"' not in text
    assert await _versions(town) == []
    print(
        f"\npreview on the example school ({START} to {END}): answered in {answered:.3f}s, "
        f"result after {job.seconds:.2f}s; the event loop's longest pause {max(gaps):.3f}s; "
        f"steps {dict(result.seconds)}; a second proposal after {second.seconds:.2f}s"
    )


async def _ticks(gaps: list[float]) -> None:
    """Every 10 ms, how long since the last tick: the event loop's pauses (a figure, printed)."""
    last = time.perf_counter()
    while True:
        await asyncio.sleep(0.01)
        now = time.perf_counter()
        gaps.append(now - last - 0.01)
        last = now


async def test_a_coordinator_sees_only_examples_of_their_own_pupils(example: Town):
    town = example
    async with previewing(town) as client:
        await sign_in(town, client, "S03")
        _text, token = await _form(client)
        sent = {"csrf": token, "actie": "voorbeeld", "codes.B.pupil_checkin": "false",
                "van": START.isoformat(), "tot": END.isoformat()}  # fmt: skip
        await client.post("/desk/regels", data=sent)
        job = next(iter(client.app[JOBS].jobs.values()))
        assert job.task is not None
        await job.task
        cases = [case.about for case in job.result.examples]
        assert len(cases) > 1
        # one of the pupils of the examples is given another spilfiguur
        async with town.engine.begin() as conn:
            await conn.execute(
                sa.update(Pupil)
                .where(col(Pupil.pupil_id) == cases[0])
                .values(spilfiguur_id=town.staff["S02"])
            )
            own = set(
                (
                    await conn.execute(
                        sa.select(col(Pupil.pupil_id)).where(
                            col(Pupil.spilfiguur_id) == town.staff["S03"]
                        )
                    )
                ).scalars()
            )
        text = await (await client.get("/desk/regels/voorbeeld")).text()
    assert "Je ziet alleen voorbeelden over je eigen leerlingen." in text
    assert cases[0] not in own
    for case in cases:
        assert (f"<h3>{case} " in text) is (case in own)
    assert any(case in own for case in cases)


async def test_a_period_in_the_future_is_refused_and_nothing_runs(example: Town):
    town = example
    async with previewing(town) as client:
        await sign_in(town, client, "S01")
        _text, token = await _form(client)
        sent = {"csrf": token, "actie": "voorbeeld", "pupil.min_age": "14",
                "van": "2026-12-01", "tot": "2027-01-15"}  # fmt: skip
        answer = await client.post("/desk/regels", data=sent)
        text = await answer.text()
        jobs = dict(client.app[JOBS].jobs)
    assert answer.status == 422
    assert "Kies een geldige periode" in text
    assert jobs == {}


async def test_an_invalid_value_starts_no_preview(example: Town):
    town = example
    async with previewing(town) as client:
        await sign_in(town, client, "S01")
        _text, token = await _form(client)
        sent = {"csrf": token, "actie": "voorbeeld", "nudges.problematic_half_days": "6"}
        answer = await client.post("/desk/regels", data=sent)
        jobs = dict(client.app[JOBS].jobs)
    assert answer.status == 422
    assert jobs == {}


async def test_the_rules_parsed_back_from_a_saved_form_are_those_proposed(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        _text, token = await _form(client)
        await client.post("/desk/regels", data={
            "csrf": token, "actie": "opslaan", "caps.guardian": "off",
            "nudges.patterns.same_weekday": "off", "delivery.not_after": "19:30",
        })  # fmt: skip
    async with town.engine.connect() as conn:
        saved = await versions.latest(conn, SCHOOL)
    assert saved is not None
    rules = parse_rules(saved.text)
    assert rules.caps.guardian is None
    assert rules.nudges.patterns.same_weekday is None
    assert rules.delivery.not_after == dt.time(19, 30)
    assert sorted(saved.changes) == [
        "caps.guardian", "delivery.not_after", "nudges.patterns.same_weekday"
    ]  # fmt: skip
    await asyncio.sleep(0)


async def test_gemist_web_and_run_hand_the_desk_the_file_rules_and_the_schools_preview(
    engine: AsyncEngine, clock: VirtualClock
):
    from bot.commands.common import rule_previews
    from bot.config import Settings
    from bot.web import web_context
    from tests.helpers.web import signer_for

    settings = Settings(school_id="sjc", school_name="SJC")
    calendar = SchoolCalendar()
    rules = parse_rules("pupil:\n  min_age: 14\n")
    previews = rule_previews(settings, calendar)
    context = web_context(
        settings, engine=engine, clock=clock, signer=signer_for(clock), rules=rules,
        calendar=calendar, previews=previews,
    )  # fmt: skip
    assert context.rules is rules
    assert isinstance(context.previews, SchoolPreviews)
    assert (context.previews.school_id, context.previews.school_name) == ("sjc", "SJC")
    today = dt.date(2026, 11, 27)
    assert context.previews.period(today) == last_school_weeks(today, calendar)
    if context.reader is not None and context.reader is not engine:
        await context.reader.dispose()


class HeldPreviews:
    """A preview that ends when the test says so (or fails, with ``fail``)."""

    def __init__(self, fail: bool = False) -> None:
        self.go = asyncio.Event()
        self.fail = fail
        self.asked: list[tuple[Rules, Rules, dt.date, dt.date]] = []

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        return today - dt.timedelta(days=27), today

    async def run(
        self, live: AsyncEngine, current: Rules, proposed: Rules, start: dt.date, end: dt.date
    ) -> Preview:
        self.asked.append((current, proposed, start, end))
        await self.go.wait()
        if self.fail:
            raise RuntimeError("the replay broke")
        return Preview(start=start, end=end, current=(), proposed=(), examples=())


@asynccontextmanager
async def held(town: Town, previews: HeldPreviews) -> AsyncIterator[TestClient]:
    context = town.context()
    context.previews = previews
    async with TestClient(TestServer(create_app(context))) as client:
        yield client


@pytest.mark.parametrize("fail", [False, True])
async def test_the_page_refreshes_until_the_preview_is_there(town: Town, fail: bool):
    previews = HeldPreviews(fail)
    async with held(town, previews) as client:
        await sign_in(town, client, "S02")
        text, token = await _form(client)
        assert 'name="van" value="2026-10-21"' in text  # the default period, on the form
        sent = {"csrf": token, "actie": "voorbeeld", "guardian.grace_period": "3h", "van": "",
                "tot": ""}  # fmt: skip
        asked = await client.post("/desk/regels", data=sent)
        waiting = await asked.text()
        # asked again while it runs: the running one is shown, no second one starts
        again = await client.post("/desk/regels", data={**sent, "pupil.min_age": "14"})
        assert "Het voorbeeld wordt berekend." in await again.text()
        previews.go.set()
        job = next(iter(client.app[JOBS].jobs.values()))
        assert job.task is not None
        await asyncio.gather(job.task, return_exceptions=True)
        done = await (await client.get("/desk/regels/voorbeeld")).text()
    assert asked.url.path == "/desk/regels/voorbeeld"
    assert "Het voorbeeld wordt berekend." in waiting
    assert '<meta http-equiv="refresh" content="3">' in waiting
    assert 'http-equiv="refresh"' not in done
    for page in (waiting, done):
        assert "<script" not in page
        assert " style=" not in page
    ((current, proposed, start, end),) = previews.asked
    assert current.guardian.grace_period == dt.timedelta(hours=2)
    assert proposed.guardian.grace_period == dt.timedelta(hours=3)
    assert (start, end) == (dt.date(2026, 10, 21), dt.date(2026, 11, 17))
    if fail:
        assert "Het voorbeeld kon niet berekend worden." in done
        assert "Deze regels opslaan" not in done
    else:
        assert "precies dezelfde berichten" in done
        assert 'name="guardian.grace_period" value="3h"' in done
    assert await _versions(town) == []


async def test_without_a_preview_there_is_none_to_see(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S01")
        text = await (await client.get("/desk/regels/voorbeeld")).text()
        form, _token = await _form(client)
    assert "Er is geen voorbeeld (meer)" in text
    assert 'value="voorbeeld"' not in form  # no preview handed in: no button


async def test_a_version_this_gemist_no_longer_accepts_is_not_restored(town: Town):
    now = town.clock.now()
    async with town.engine.begin() as conn:
        await conn.execute(
            sa.insert(RulesVersion).values(
                school_id=SCHOOL, number=1, text="nudges:\n  problematic_half_days: 9\n",
                saved_by="S03", saved_at=now, changes=[], restored_from=None,
            )
        )  # fmt: skip
    await versions.save(
        town.engine, SCHOOL, "pupil:\n  min_age: 14\n", by="S03", at=now,
        fallback=Rules.default(),
    )  # fmt: skip
    async with town.client() as client:
        await sign_in(town, client, "S02")
        _text, token = await _form(client)
        answer = await client.post("/desk/regels/herstellen", data={"csrf": token, "versie": "1"})
        text = await answer.text()
    assert answer.status == 422
    assert "Versie 1 kan niet meer gebruikt worden: " in text
    assert "problematic_half_days" in text
    assert len(await _versions(town)) == 2


async def test_finished_previews_are_forgotten_after_an_hour_and_a_session_keeps_one():
    from bot.web.desk.rules import KEPT_FOR, PreviewJob, PreviewJobs

    day = dt.date(2026, 11, 17)
    result = Preview(start=day, end=day, current=(), proposed=(), examples=())

    async def done() -> Preview:
        return result

    jobs = PreviewJobs()
    jobs.start("old", PreviewJob({}, None, day, day), done())
    jobs.start("recent", PreviewJob({}, None, day, day), done())
    await asyncio.gather(*(job.task for job in jobs.jobs.values() if job.task))
    jobs.jobs["old"].began -= KEPT_FOR + 1
    again = PreviewJob({}, None, day, day)
    jobs.start("recent", again, done())  # the session's new preview replaces its last
    assert jobs.jobs["recent"] is again
    assert list(jobs.jobs) == ["recent"]
    await jobs.close()
