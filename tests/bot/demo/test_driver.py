"""``gemist demo`` end to end: the sample school's two weeks through the real bot and the
local Bot API server, every step of the scenario seen in the chat it was meant for."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.demo.driver import Demo
from bot.demo.events import Origin
from bot.demo.people import chat_id
from bot.demo.school import EXPECTED

ROLES = {"P": "pupil", "G": "guardian", "S": "staff"}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    import asyncio

    folder = tmp_path_factory.mktemp("demo")
    return folder, asyncio.run(Demo(folder).run())


@pytest.mark.slow
@pytest.mark.parametrize("expected", EXPECTED, ids=lambda e: f"{e.kind}-{e.recipient_id}")
def test_each_step_of_the_scenario_reaches_its_chat(result, expected):
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


@pytest.mark.slow
def test_everyone_is_linked_and_the_limits_were_kept(result):
    _folder, demo = result
    welcomed = {e.chat_id for e in demo.events if e.origin is Origin.BOT and e.at.day == 15}

    assert welcomed == {recipient.chat_id for recipient in demo.recipients}
    assert demo.refused == 0  # no 429, no 400: the bot kept the server's limits


@pytest.mark.slow
def test_taps_and_free_text_reach_the_bot_and_get_an_answer(result):
    _folder, demo = result
    taps = [e for e in demo.events if e.origin is Origin.TAP]
    typed = [e for e in demo.events if e.origin is Origin.TEXT and not e.text.startswith("/")]

    assert len(taps) >= 6
    assert len(typed) == 2
    for action in (*taps, *typed):
        answers = [
            e
            for e in demo.events
            if e.chat_id == action.chat_id
            and e.origin is Origin.BOT
            and e.at == action.at
            and not e.edited
        ]
        assert answers, f"nobody answered {action.text!r} in chat {action.chat_id}"


@pytest.mark.slow
def test_the_command_prints_a_timeline_and_writes_a_transcript_per_person(tmp_path, capsys):
    out = tmp_path / "gemist-demo"

    assert main(["demo", "--out", str(out)]) == 0

    printed = capsys.readouterr()
    assert "opened their invitation link" in printed.out
    assert "maandag 16 november 2026" in printed.out
    assert "← Yasmine taps" in printed.out
    assert "pupil_correction" in printed.out
    assert "chat transcripts in" in printed.err
    pages = {path.name for path in out.glob("*.html")}
    assert "index.html" in pages
    # Everyone on the roster but Bart Janssens (G009, may_contact = no: not invited), and the
    # index.
    assert len(pages) == 81
    assert not any(page.startswith("G009-") for page in pages)
    fatima = (out / "G003-fatima-el-amrani.html").read_text(encoding="utf-8")
    assert 'dir="rtl"' in fatima
    assert "Yasmine" in fatima
    assert (out / "demo.db").exists()


@pytest.mark.slow
def test_a_father_who_chose_the_evening_hears_at_four_his_wife_at_half_past_twelve(result):
    _folder, demo = result
    notices = {
        guardian: [
            e.at.strftime("%H:%M")
            for e in demo.events
            if e.chat_id == chat_id("guardian", guardian)
            and e.kind == "guardian_notice"
            and e.at.date().isoformat() == "2026-11-16"
            and not e.edited
        ]
        for guardian in ("G029", "G030")  # Sarah and Kristof, Ruben's parents
    }

    assert notices == {"G029": ["12:30"], "G030": ["16:00"]}


@pytest.mark.slow
def test_the_spilfiguur_hears_of_several_reasons_about_one_pupil_in_one_message(result):
    """Ruben's CLB threshold and his fourth short absence come the same morning: one message
    to Hanne leads with the threshold and names the pattern with its dates."""
    _folder, demo = result
    nudges = [
        event
        for event in demo.events
        if event.chat_id == chat_id("staff", "S03")
        and event.kind == "coordinator_nudge"
        and event.at.date().isoformat() == "2026-11-23"
        and "Ruben" in event.text
        and not event.edited
    ]

    [message] = nudges
    assert message.text.index("CLB") < message.text.index("Ook over Ruben")
    assert "4 korte afwezigheden in 8 weken: 16/11, 18/11, 20/11, 23/11" in message.text
    assert "CLB is al betrokken" in {button.label for button in message.buttons}
