"""``gemist demo`` end to end: the sample school's two weeks through the real bot and the
local Bot API server, every step of the scenario seen in the chat it was meant for."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from bot.cli import main
from bot.db import connect
from bot.demo.driver import WEB_URL, Demo
from bot.demo.events import Origin
from bot.demo.people import chat_id
from bot.demo.school import BY_EMAIL, EXPECTED, FIRST_DAY
from bot.demo.timeline import timeline_lines
from bot.demo.transcript import INDEX, write_transcripts

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

    by_email = {chat_id("guardian", guardian) for guardian in BY_EMAIL}
    # Everyone but the parents without Telegram, who are written to by e-mail.
    assert welcomed == {recipient.chat_id for recipient in demo.recipients} - by_email
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
def test_the_command_prints_a_timeline_and_writes_a_transcript_per_person(tmp_path, capsys, result):
    out = tmp_path / "gemist-demo"

    assert main(["demo", "--out", str(out)]) == 0

    printed = capsys.readouterr()
    assert "opened their invitation link" in printed.out
    assert "maandag 16 november 2026" in printed.out
    assert "← Yasmine taps" in printed.out
    assert "pupil_correction" in printed.out
    assert "Karim El Amrani and Sarah Wouters have no Telegram and get e-mail." in printed.out
    assert (
        '12:30  → Karim (vader, fr)  guardian_notice  e-mail "Une question au sujet de Yasmine'
        in printed.out
    )
    assert "13:05  ← Karim follows the e-mail's link \"Je contacte l'école\"" in printed.out
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
    karim = (out / "G004-karim-el-amrani.html").read_text(encoding="utf-8")
    assert '<th>Aan</th><td dir="auto">karim.elamrani@example.org</td>' in karim
    assert f"&lt;a href=&quot;{WEB_URL}/a/" in karim  # the mail's HTML, its links as links

    # The command was a second run of the demo: it printed and wrote what the first one (the
    # fixture's) makes, to the letter: the same invitation codes, the same buttons, and the
    # messages of one minute in the same order (the tap's thanks before the nudge it sets off).
    _folder, first = result
    story = [e for e in first.events if e.at.date() >= FIRST_DAY and not e.edited]
    timeline = "\n".join(timeline_lines(story, first.recipients))
    assert timeline in printed.out
    lines = timeline.splitlines()
    tap = lines.index('  11:05  ← Maksym taps "Ik wil even praten"')
    assert lines[tap + 1].startswith("  11:05  → Maksym (leerling, nl)")  # thanked first
    assert lines[tap + 2].startswith("  11:05  → Hanne (zorgcoördinator, nl)  coordinator_nudge")
    again = tmp_path / "first-run"
    written = write_transcripts(first.events, first.recipients, again)
    chats = [path.name for path in written if path.name != INDEX]
    assert len(chats) == 80
    for name in chats:
        assert (again / name).read_text(encoding="utf-8") == (out / name).read_text(
            encoding="utf-8"
        ), name


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


def _mails_to(demo, guardian: str) -> list:
    chat = chat_id("guardian", guardian)
    return [e for e in demo.events if e.chat_id == chat and e.mail is not None]


@pytest.mark.slow
def test_a_mother_reachable_only_by_e_mail_gets_every_step_of_the_ladder_her_husband_reads(result):
    """Sarah (e-mail only) and Kristof (Telegram, evenings), Ruben's parents: the same notices
    on the same days, hers by e-mail, each with its answer links and a way to stop."""
    _folder, demo = result
    kristof = [
        e.at.date()
        for e in demo.events
        if e.chat_id == chat_id("guardian", "G030") and e.kind == "guardian_notice"
    ]
    mails = _mails_to(demo, "G029")

    assert [m.at.date() for m in mails if m.kind == "guardian_notice"] == kristof
    assert len(kristof) >= 3
    assert not [e for e in demo.events if e.chat_id == chat_id("guardian", "G029") and not e.mail]
    for event in mails:
        assert event.mail.to == "sarah.wouters@example.org"
        assert "Ruben" in event.mail.subject
        answers = [url for _label, url in event.mail.links if url.startswith(f"{WEB_URL}/a/")]
        assert answers
        assert any(url.startswith(f"{WEB_URL}/u/") for _label, url in event.mail.links)


@pytest.mark.slow
async def test_a_father_answers_by_following_the_link_in_his_e_mail_and_it_is_stored_once(result):
    folder, demo = result
    [notice] = _mails_to(demo, "G004")
    [followed] = [e for e in demo.events if e.origin is Origin.LINK]
    assert followed.chat_id == chat_id("guardian", "G004")
    assert followed.at.strftime("%d %H:%M") == "16 13:05"
    assert (followed.text, followed.data) in notice.mail.links

    engine = connect(f"sqlite:///{folder / 'demo.db'}")
    try:
        async with engine.connect() as conn:
            stored = (
                await conn.execute(
                    sa.text(
                        "SELECT r.answer, o.kind, o.channel FROM reply r"
                        " JOIN outreach o ON o.id = r.outreach_id"
                        " WHERE r.sender_role = 'guardian' AND r.sender_id = 'G004'"
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in stored] == [("will_contact_school", "guardian_notice", "email")]
