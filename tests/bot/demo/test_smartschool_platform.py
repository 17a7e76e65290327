"""``gemist demo --platform smartschool``: the sample school's pupils and parents are reached
in their Smartschool inboxes on a local Smartschool server, and answer through the links of
those messages; the staff stay on Telegram. The ladder is the one of the Telegram demo."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from bot.db import connect
from bot.demo.driver import WEB_URL, Demo
from bot.demo.events import Origin
from bot.demo.people import chat_id
from bot.demo.school import EXPECTED, MOMENTS, REPLIES
from bot.demo.timeline import timeline_lines
from bot.demo.transcript import write_transcripts

ROLES = {"P": "pupil", "G": "guardian", "S": "staff"}
# What depends on a parent's chat: the moment Kristof chose under his welcome on Telegram.
IN_A_CHAT = {guardian for guardian, _moment in MOMENTS}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo-smartschool")
    return folder, asyncio.run(Demo(folder, "smartschool").run())


def _families(demo) -> set[int]:
    return {r.chat_id for r in demo.recipients if r.key[0] in "PG"}


@pytest.mark.slow
@pytest.mark.parametrize(
    "expected",
    [e for e in EXPECTED if e.recipient_id not in IN_A_CHAT],
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
    scripted = [(r.sender_id, r.answer) for r in REPLIES if r.is_tap]
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
