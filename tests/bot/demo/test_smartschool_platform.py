"""``gemist demo --platform smartschool``: the sample school lives in a local Smartschool
server. Its roster is synced from there and its absences read from there, date by date with the
re-read of the days before, through the functions ``gemist run`` uses; the pupils and parents
are reached in their Smartschool inboxes and answer through the links of those messages; the
staff stay on Telegram. The ladder is the one of the Telegram demo, but for the one step that
needs a date Smartschool does not carry (Hamid's expected return)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections import Counter

import pytest
import sqlalchemy as sa

from bot.commands.demo import _on_smartschool as opening
from bot.db import connect, migrate
from bot.demo.driver import _SMARTSCHOOL_CODE, WEB_URL, Demo
from bot.demo.events import Origin
from bot.demo.people import chat_id
from bot.demo.school import (
    CORRECTED,
    EXPECTED,
    FIRST_DAY,
    LAST_DAY,
    MOMENTS,
    REPLIES,
    feed_deliveries,
)
from bot.demo.timeline import timeline_lines
from bot.demo.transcript import write_transcripts
from bot.imports.smartschool import client as smartschool_client
from bot.imports.smartschool import dates_to_read
from integrations.smartschool.local_server import LocalSmartschool
from integrations.smartschool.settings import DEFAULT_REREAD_DAYS
from scheduler.calendar import SchoolCalendar

ROLES = {"P": "pupil", "G": "guardian", "S": "staff"}
# What depends on a parent's chat: the moment Kristof chose under his welcome on Telegram.
IN_A_CHAT = {guardian for guardian, _moment in MOMENTS}
ABSENCES = "getAbsentsWithInternalNumberByDate"
HAMID_BACK = dt.date(2026, 11, 25)


def _on_smartschool(expected):
    """The scenario's step as the Smartschool run shows it: Smartschool has no date a pupil is
    expected back, so Hamid's teachers are welcomed on the morning he is back, not the day
    before."""
    if expected.kind == "teacher_welcome" and expected.pupil_id == "P0012":
        return dataclasses.replace(expected, date=HAMID_BACK)
    return expected


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-smartschool")
    return folder, asyncio.run(Demo(folder, "smartschool").run())


def _families(demo) -> set[int]:
    return {r.chat_id for r in demo.recipients if r.key[0] in "PG"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "expected",
    [_on_smartschool(e) for e in EXPECTED if e.recipient_id not in IN_A_CHAT],
    ids=lambda e: f"{e.kind}-{e.recipient_id}",
)
def test_each_step_of_the_scenario_reaches_its_person(result, expected):
    _folder, demo = result
    chat = chat_id(ROLES[expected.recipient_id[0]], expected.recipient_id)

    found = [
        event
        for event in demo.events
        if event.chat_id == chat
        and event.kind == expected.kind
        and event.at.date() == expected.date
        and not event.edited
    ]

    assert found, f"no {expected.kind} to {expected.recipient_id} on {expected.date}"
    assert any(expected.phrase in event.text for event in found), expected.why
    if expected.recipient_id[0] in "PG":
        assert all(event.via == "Smartschool" and event.mail for event in found)


@pytest.mark.slow
def test_pupils_and_parents_get_everything_in_smartschool_and_nothing_in_a_chat(result):
    _folder, demo = result
    families = _families(demo)
    to_families = [e for e in demo.events if e.chat_id in families and e.origin is Origin.BOT]

    assert len(to_families) >= 20
    assert {(e.via, e.mail is not None) for e in to_families} == {("Smartschool", True)}
    welcomed = {e.chat_id for e in demo.events if e.origin is Origin.BOT and e.at.day == 15}
    assert welcomed
    assert not welcomed & families  # only the staff opened an invitation
    assert demo.refused == 0


@pytest.mark.slow
def test_each_smartschool_message_shows_a_title_its_text_and_its_links(result):
    _folder, demo = result
    inboxed = [e.mail for e in demo.events if e.via == "Smartschool" and e.mail is not None]

    for mail in inboxed:
        assert mail.subject
        assert "Smartschool" in mail.text  # the footer: reply in Smartschool, or stop
        assert mail.sender == "zorgteam (Smartschool)"
        assert "<html" not in mail.html
        assert any(url.startswith(f"{WEB_URL}/u/") for _label, url in mail.links)
    coaccounts = {mail.to.partition("#")[2] for mail in inboxed}
    assert {"1", "2"} <= coaccounts  # parents in their co-accounts, pupils ("") in their own
    assert "" in coaccounts


@pytest.mark.slow
async def test_every_scripted_answer_of_a_pupil_or_parent_is_stored_from_its_link(result):
    folder, demo = result
    followed = [e for e in demo.events if e.origin is Origin.LINK]
    assert {e.via for e in followed} == {"Smartschool"}

    engine = connect(f"sqlite:///{folder / 'demo.db'}")
    try:
        async with engine.connect() as conn:
            stored = (
                await conn.execute(
                    sa.text(
                        "SELECT r.sender_id, r.answer, o.channel FROM reply r"
                        " JOIN outreach o ON o.id = r.outreach_id ORDER BY r.id"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    # A parent answers from the co-account of the child the message was about: the roster
    # from Smartschool names each co-account "<internal number>#<n>".
    co_accounts = {"G004": "P0002#2", "G005": "P0003#1"}
    scripted = [(co_accounts.get(r.sender_id, r.sender_id), r.answer) for r in REPLIES if r.is_tap]
    assert [(who, answer) for who, answer, _channel in stored if (who, answer) in scripted] == (
        scripted
    )
    assert {channel for who, _answer, channel in stored if who[0] in "PG"} == {"smartschool"}
    # Own words, written on the page behind "Iets anders laten weten", reach the spilfiguur.
    typed = [r for r in REPLIES if not r.is_tap]
    forwarded = [e for e in demo.events if e.kind == "coordinator_forward"]
    assert len(forwarded) == len({r.sender_id for r in typed})


@pytest.mark.slow
def test_the_timeline_and_the_transcripts_say_smartschool(result, tmp_path):
    _folder, demo = result
    lines = "\n".join(timeline_lines(demo.events, demo.recipients, colour=False))

    assert "follows the Smartschool message's link" in lines
    assert 'guardian_notice  Smartschool "' in lines
    pages = write_transcripts(demo.events, demo.recipients, tmp_path, title="t", lead="l")
    fatima = next(page for page in pages if "G003" in page.name)
    html = fatima.read_text(encoding="utf-8")
    assert "Smartschool · " in html
    assert "yasmine.elamrani#1" in html


@pytest.mark.slow
def test_ruben_s_parents_get_every_step_of_his_ladder_in_their_co_accounts(result):
    """Sarah and Kristof, Ruben's parents, both reachable only through Smartschool: the same
    notices on the same days, each in the parent's own co-account of Ruben's account, with
    answer links and a way to stop."""
    _folder, demo = result

    def notices(guardian: str):
        return [
            e
            for e in demo.events
            if e.chat_id == chat_id("guardian", guardian) and e.kind == "guardian_notice"
        ]

    sarah, kristof = notices("G029"), notices("G030")
    assert [e.at.date() for e in sarah] == [e.at.date() for e in kristof]
    assert len(sarah) >= 3
    assert {e.mail.to for e in sarah if e.mail} == {"ruben.wouters#1"}
    assert {e.mail.to for e in kristof if e.mail} == {"ruben.wouters#2"}
    for event in (*sarah, *kristof):
        assert event.mail is not None
        assert "Ruben" in event.mail.subject
        assert [url for _label, url in event.mail.links if url.startswith(f"{WEB_URL}/a/")]


def _asked(demo, method: str) -> list[tuple[str, ...]]:
    return [params for name, params in demo.smartschool_calls if name == method]


async def _rows(folder, query: str) -> list[tuple]:
    engine = connect(f"sqlite:///{folder / 'demo.db'}")
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(sa.text(query))).all()]
    finally:
        await engine.dispose()


@pytest.mark.slow
async def test_the_roster_is_synced_from_smartschool_on_the_sunday_and_every_morning(result):
    folder, demo = result
    methods = [name for name, _params in demo.smartschool_calls]
    first_absences = methods.index(ABSENCES)

    # Before any absence is read: the classes, every account of the pupils' top group (with
    # their co-accounts: no getUserDetails per pupil), the titulars.
    assert {"getAllGroupsAndClasses", "getAllAccountsExtended", "getClassTeachers"} <= set(
        methods[:first_absences]
    )
    assert "getUserDetails" not in methods
    school_days = len(list(SchoolCalendar().school_days(FIRST_DAY, LAST_DAY)))
    assert _asked(demo, "getAllAccountsExtended") == [("leerlingen", "1")] * school_days
    runs = await _rows(
        folder, "SELECT source, status, rejected FROM import_run WHERE kind = 'roster' ORDER BY id"
    )
    assert runs[0][0].startswith("csv:")  # the stored files first: what Smartschool lacks
    assert [source for source, _status, _rejected in runs[1:]] == ["smartschool:roster"] * (
        school_days
    )
    assert {rejected for _source, _status, rejected in runs} == {0}


@pytest.mark.slow
async def test_parents_are_smartschool_co_accounts_with_the_stored_language(result):
    folder, _demo = result
    guardians = {
        gid: (first, language, relation)
        for gid, first, language, relation in await _rows(
            folder,
            "SELECT g.guardian_id, g.first_name, g.language, l.relation FROM guardian g"
            " JOIN guardian_link l ON l.guardian_id = g.id WHERE g.active",
        )
    }
    # Fatima and Karim, Yasmine's parents: co-accounts 1 and 2 of her account, with the
    # relation Smartschool gives and the home language the school stored.
    assert guardians["P0002#1"] == ("Fatima", "ar", "moeder")
    assert guardians["P0002#2"] == ("Karim", "fr", "vader")
    assert not [gid for gid in guardians if gid.startswith("G")]  # no file's guardian ids
    contacts = await _rows(
        folder,
        "SELECT g.guardian_id, c.channel, c.address FROM contact c"
        " JOIN guardian g ON g.id = c.person_id WHERE c.role = 'guardian'",
    )
    karim = {(channel, address) for gid, channel, address in contacts if gid == "P0002#2"}
    # His inbox, e-mail address and mobile number: all three from his co-account.
    assert ("smartschool", "yasmine.elamrani#2") in karim
    assert ("email", "karim.elamrani@example.org") in karim
    assert {channel for channel, _address in karim} == {"smartschool", "email", "phone"}
    spilfiguren = await _rows(
        folder,
        "SELECT p.pupil_id, s.staff_id FROM pupil p JOIN staff s ON s.id = p.spilfiguur_id"
        " WHERE p.pupil_id IN ('P0002', 'P0020')",
    )
    assert dict(spilfiguren) == {"P0002": "S02", "P0020": "S07"}  # from the stored pupils.csv


@pytest.mark.slow
def test_each_feed_time_reads_the_day_and_the_school_days_before_one_call_per_date(result):
    _folder, demo = result
    calendar = SchoolCalendar()
    asked = [params[0] for params in _asked(demo, ABSENCES)]

    polls = [
        dates_to_read(calendar, delivery.at.date(), DEFAULT_REREAD_DAYS)
        for delivery in feed_deliveries(calendar)
    ]
    assert len(asked) == sum(len(dates) for dates in polls)
    start = 0
    for dates in polls:  # each poll's calls, in the order the polls came
        chunk = asked[start : start + len(dates)]
        assert Counter(chunk) == Counter(day.isoformat() for day in dates)
        start += len(dates)
    # Monday 16 is read on its own morning and re-read on each of the five school days after.
    assert asked.count("2026-11-16") == 1 + DEFAULT_REREAD_DAYS


@pytest.mark.slow
async def test_kacper_s_mark_removed_in_smartschool_arrives_as_a_correction(result):
    folder, demo = result
    pupil, day, removed_at = CORRECTED

    corrections = await _rows(
        folder,
        "SELECT p.pupil_id, m.date, m.half_day, c.kind, c.corrected_at, r.source"
        " FROM mark_correction c JOIN absence_mark m ON m.id = c.mark_id"
        " JOIN pupil p ON p.id = m.pupil_id JOIN import_run r ON r.id = c.run_id",
    )
    utc = removed_at.astimezone(dt.UTC).replace(tzinfo=None)
    assert sorted((p, d, h, k) for p, d, h, k, _at, _source in corrections) == [
        (pupil, day.isoformat(), "am", "retracted"),
        (pupil, day.isoformat(), "pm", "retracted"),
    ]
    assert {(str(at)[:19], source) for *_key, at, source in corrections} == {
        (str(utc), f"smartschool:{ABSENCES}")
    }
    # Friday's re-read of Thursday finds the mark still gone: no second correction, and no
    # second apology to Kacper.
    assert day.isoformat() in [params[0] for params in _asked(demo, ABSENCES)][-6:]
    apologies = [e for e in demo.events if e.kind == "pupil_correction" and not e.edited]
    assert [(e.chat_id, e.at.date()) for e in apologies] == [(chat_id("pupil", pupil), day)]


@pytest.mark.slow
def test_the_opening_lines_say_what_came_from_the_stored_files_and_what_from_smartschool(result):
    _folder, demo = result
    text = opening(demo.events, demo.recipients)

    for said in ("pupils.csv", "spilfiguur", "staff.csv", "synced from Smartschool"):
        assert said in text
    assert "every morning at 06:30" in text
    assert f"the {DEFAULT_REREAD_DAYS} school days before" in text
    assert "arrives as a correction" in text


async def test_a_mark_removed_in_smartschool_a_school_day_later_arrives_through_the_re_read(
    tmp_path,
):
    """The demo's own wiring, two mornings of it: Ruben's Monday marks are removed in
    Smartschool on Tuesday; Tuesday's poll reads Monday again and records the correction."""
    demo = Demo(tmp_path, "smartschool")
    engine = connect(f"sqlite:///{tmp_path / 'demo.db'}")
    await migrate(engine)
    monday, tuesday = feed_deliveries(demo.calendar)[:2]
    try:
        async with LocalSmartschool(demo._seed_school(), _SMARTSCHOOL_CODE) as server:
            demo._smartschool, demo._engine = server, engine
            demo._ss_client = smartschool_client(demo._ss_options())
            try:
                await demo._import_from_smartschool(engine)
                demo.clock.set(monday.at)
                await demo._poll_smartschool(monday)
                del server.school.absences[FIRST_DAY.isoformat()]["P0022"]
                demo.clock.set(tuesday.at)
                await demo._poll_smartschool(tuesday)
            finally:
                await demo._ss_client.close()
    finally:
        await engine.dispose()

    corrections = await _rows(
        tmp_path,
        "SELECT p.pupil_id, m.date, c.kind, r.started_at FROM mark_correction c"
        " JOIN absence_mark m ON m.id = c.mark_id JOIN pupil p ON p.id = m.pupil_id"
        " JOIN import_run r ON r.id = c.run_id",
    )
    tuesday_utc = str(tuesday.at.astimezone(dt.UTC).replace(tzinfo=None))
    assert [(p, d, k) for p, d, k, _at in corrections] == [
        ("P0022", FIRST_DAY.isoformat(), "retracted"),
        ("P0022", FIRST_DAY.isoformat(), "retracted"),
    ]
    assert {str(at)[:19] for *_row, at in corrections} == {tuesday_utc}
