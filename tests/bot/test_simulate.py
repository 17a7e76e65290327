"""``gemist simulate`` on the example school (docs/example): kinds, times, recipients, languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from tests.helpers.scenario import linked, unlinked

EXAMPLE = Path(__file__).parents[2] / "docs" / "example"
FIELDS = ["at", "kind", "recipient_role", "recipient_id", "pupil_id", "channel", "lang", "text"]


@pytest.fixture(scope="module")
def roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example school with a Telegram chat for everyone who has an e-mail address."""
    return linked(EXAMPLE / "roster", tmp_path_factory.mktemp("example") / "roster")


def _args(roster: Path) -> list[str]:
    return ["simulate", "--roster", str(roster), "--absences", str(EXAMPLE / "absences.csv")]


def _run(capsys: pytest.CaptureFixture[str], roster: Path, *extra: str) -> tuple[int, str, str]:
    code = main([*_args(roster), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_nothing_is_shown_on_a_channel_that_run_cannot_send_over(capsys, roster, tmp_path):
    """The example school without its Telegram chats: its people have e-mail addresses only,
    and there is no e-mail channel, so `gemist run` would deliver none of its messages; the
    replay shows none either (it used to show them "sent" by e-mail). The same people with a
    chat get theirs."""
    period = ("--from", "2026-11-09", "--to", "2026-11-09")
    code, out, err = _run(capsys, unlinked(EXAMPLE / "roster", tmp_path / "roster"), *period)
    assert code == 0, err
    assert out == ""
    assert "0 messages" in err

    code, out, err = _run(capsys, roster, *period)
    assert code == 0, err
    assert "(telegram, nl)" in out
    assert "2 messages" in err


@pytest.mark.slow
def test_the_example_school_replayed(capsys, tmp_path, monkeypatch, roster):
    monkeypatch.chdir(tmp_path)  # no gemist.db may appear anywhere: the database is thrown away
    code, out, _err = _run(capsys, roster, "--json")

    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert all(list(line) == FIELDS for line in lines)
    head = [
        (m["at"], m["kind"], m["recipient_role"], m["recipient_id"], m["pupil_id"], m["lang"])
        for m in lines[:2]
    ]
    assert head == [
        # Ruben (3A, 14) absent with B on Monday 9 November: he first, his guardian two hours on.
        ("2026-11-09T10:30:00+01:00", "pupil_checkin", "pupil", "P0022", "P0022", "nl"),
        ("2026-11-09T12:30:00+01:00", "guardian_notice", "guardian", "G029", "P0022", "nl"),
    ]
    assert lines[0]["channel"] == "telegram"  # the roster links chats; e-mail reaches nobody yet
    assert lines[0]["text"].startswith("Hoi Ruben, we hebben je vandaag gemist op school.")
    assert "Ruben was op maandag 9 november niet op school" in lines[1]["text"]
    assert "Dit schooljaar miste Ruben tot nu toe een halve schooldag." in lines[1]["text"]
    assert "Hanne Verstraete (leerlingenbegeleiding)" in lines[1]["text"]
    assert list(tmp_path.iterdir()) == []

    # Sofiia (Z), Noor (Z), Lana (P), Zofia (D read as Z): all justified, never a notice.
    notices = {m["pupil_id"] for m in lines if m["kind"] == "guardian_notice"}
    assert notices.isdisjoint({"P0011", "P0016", "P0027", "P0004"})
    # Noor's long illness: a caring message on her third school day, not a question.
    care = [m for m in lines if m["kind"] == "guardian_care"]
    assert [(m["at"], m["recipient_id"]) for m in care] == [("2026-11-19T10:30:00+01:00", "G023")]
    # Adam (12, no channel of his own): his Arabic-speaking guardian at once, at 10:30, in
    # Arabic with the Dutch original below it (the language law).
    adam = [m for m in lines if m["kind"] == "guardian_notice" and m["pupil_id"] == "P0014"]
    assert [(m["at"], m["recipient_id"], m["lang"]) for m in adam] == [
        ("2026-11-27T10:30:00+01:00", "G021", "ar+nl")
    ]
    # Bart Janssens (G009) may not be contacted; Wout's mother is.
    assert "G009" not in {m["recipient_id"] for m in lines}
    assert [m["at"] for m in lines] == sorted(m["at"] for m in lines)


@pytest.mark.slow
def test_the_same_input_gives_byte_identical_output(capsys, roster):
    period = ("--from", "2026-11-09", "--to", "2026-11-13", "--json")
    first = _run(capsys, roster, *period)
    second = _run(capsys, roster, *period)

    assert first[0] == 0
    assert first[1]
    assert first[1] == second[1]
    assert first[1].encode() == second[1].encode()


def test_a_readable_timeline_without_json(capsys, roster):
    code, out, err = _run(capsys, roster, "--from", "2026-11-09", "--to", "2026-11-09")

    assert code == 0
    assert out.splitlines()[0] == (
        "Mon 2026-11-09 10:30  pupil_checkin to pupil P0022 (telegram, nl)"
    )
    assert "    Hoi Ruben, we hebben je vandaag gemist op school." in out
    assert "guardian_notice to guardian G029 about P0022 (telegram, nl)" in out
    assert "2 messages" in err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--roster": "no-such-folder"}, "no such folder"),
        ({"--absences": "no-such-file.csv"}, "no-such-file.csv"),
        ({"--rules": "no-such-rules.yaml"}, "no such rules file"),
    ],
)
def test_unusable_input_exits_2_with_a_message(capsys, tmp_path, change, message):
    args = _args(EXAMPLE / "roster")
    for option, value in change.items():
        path = str(tmp_path / value)
        if option in args:
            args[args.index(option) + 1] = path
        else:
            args += [option, path]
    code = main([*args, "--json"])
    captured = capsys.readouterr()

    assert code == 2
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith("gemist: simulate: ")


def test_a_bad_rules_file_exits_2(capsys, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("pupil:\n  min_age: many\n", encoding="utf-8")
    code, out, err = _run(capsys, EXAMPLE / "roster", "--rules", str(rules), "--json")

    assert (code, out) == (2, "")
    assert "min_age" in err


def test_a_reply_from_a_spreadsheet_reaches_the_coordinator(capsys, tmp_path, roster):
    # Saved by Excel in Belgium: BOM and ';'. Ruben (P0022) asks to talk on Monday 9 November.
    replies = tmp_path / "replies.csv"
    replies.write_text(
        "\ufeffat;sender_role;sender_id;pupil_id;answer\n"
        "2026-11-09T11:00:00+01:00;pupil;P0022;P0022;want_to_talk\n",
        encoding="utf-8",
    )

    code, out, _err = _run(
        capsys,
        roster,
        *("--replies", str(replies), "--from", "2026-11-09", "--to", "2026-11-09", "--json"),
    )

    assert code == 0
    nudges = [
        (m["at"], m["recipient_id"], m["pupil_id"])
        for m in map(json.loads, out.splitlines())
        if m["kind"] == "coordinator_nudge"
    ]
    assert nudges == [("2026-11-09T11:00:00+01:00", "S03", "P0022")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("at,sender_role,sender_id,pupil_id\n", "missing required column answer"),
        ("at,sender_role,sender_id,pupil_id,answer\nsoon,pupil,P0022,P0022,sick\n",
         "line 2, column at: not a date and time: 'soon'"),
        ("at,sender_role,sender_id,pupil_id,answer\n2026-11-09T11:00,pupil,P0022\n",
         "line 2: has 3 fields where the header has 5"),
    ],
)  # fmt: skip
def test_an_unusable_replies_file_says_where(capsys, tmp_path, text, message):
    replies = tmp_path / "replies.csv"
    replies.write_text(text, encoding="utf-8")

    code, _out, err = _run(capsys, EXAMPLE / "roster", "--replies", str(replies), "--json")

    assert code == 2
    assert message in err


def test_from_replays_the_history_before_the_period_silently(capsys, tmp_path, roster):
    """Ruben (P0022) missed Monday and Tuesday 9-10 November; --from 16 November shows only
    that Monday's messages, and they count the four half-days before it."""
    feed = tmp_path / "absences.csv"
    feed.write_text(
        "pupil_id,date,half_day,code\n"
        + "".join(
            f"P0022,{day},{half},B\n"
            for day in ("2026-11-09", "2026-11-10", "2026-11-16")
            for half in ("am", "pm")
        )
    )
    common = ["--roster", str(roster), "--absences", str(feed), "--json"]

    assert main(["simulate", *common, "--from", "2026-11-16", "--to", "2026-11-16"]) == 0
    period = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert main(["simulate", *common, "--to", "2026-11-16"]) == 0
    whole = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    assert period
    assert all(m["at"].startswith("2026-11-16") for m in period)
    assert period == [m for m in whole if m["at"].startswith("2026-11-16")]
    assert len(whole) > len(period)
    [notice] = [m for m in period if m["kind"] == "guardian_notice"]
    assert "Dit schooljaar miste Ruben tot nu toe 3 schooldagen." in notice["text"]


def _replay(capsys, tmp_path, roster, *rows: str) -> list[dict[str, str]]:
    """The messages about Ruben (P0022, absent on Monday 9 November) with these replies."""
    replies = tmp_path / "replies.csv"
    replies.write_text("at,sender_role,sender_id,pupil_id,answer\n" + "".join(rows), "utf-8")
    code, out, err = _run(
        capsys,
        roster,
        *("--replies", str(replies), "--from", "2026-11-09", "--to", "2026-11-09", "--json"),
    )
    assert code == 0, err
    return [m for m in map(json.loads, out.splitlines()) if m["pupil_id"] == "P0022"]


def test_simulate_replays_i_am_at_school_the_notice_is_held(capsys, tmp_path, roster):
    messages = _replay(
        capsys, tmp_path, roster, "2026-11-09T11:00:00+01:00,pupil,P0022,P0022,at_school\n"
    )
    assert [(m["at"][11:16], m["kind"], m["recipient_id"]) for m in messages] == [
        ("10:30", "pupil_checkin", "P0022"),
        ("11:00", "coordinator_nudge", "S03"),
    ]
    assert "Kijk je vandaag de registratie na?" in messages[1]["text"]


def test_simulate_replays_the_parents_new_answers(capsys, tmp_path, roster):
    row = "2026-11-09T13:00:00+01:00,guardian,G029,P0022,did_not_know\n"
    messages = _replay(capsys, tmp_path, roster, row)
    [nudge] = [m for m in messages if m["kind"] == "coordinator_nudge"]
    assert (nudge["at"][11:16], nudge["recipient_id"]) == ("13:00", "S03")
    assert "wist niet dat Ruben" in nudge["text"]


def test_simulate_gathers_informed_school_for_the_next_daily_message(capsys, tmp_path, roster):
    """Not urgent (issue 14): the register can be checked the next morning, in the daily
    message, which names Ruben."""
    replies = tmp_path / "replies.csv"
    replies.write_text(
        "at,sender_role,sender_id,pupil_id,answer\n"
        "2026-11-09T13:00:00+01:00,guardian,G029,P0022,informed_school\n",
        "utf-8",
    )
    code, out, err = _run(
        capsys,
        roster,
        *("--replies", str(replies), "--from", "2026-11-09", "--to", "2026-11-10", "--json"),
    )
    assert code == 0, err
    messages = [json.loads(line) for line in out.splitlines()]
    assert not [m for m in messages if m["kind"] == "coordinator_nudge"]
    [daily] = [m for m in messages if m["kind"] == "coordinator_digest"]
    assert (daily["at"][:16], daily["recipient_id"]) == ("2026-11-10T10:30", "S03")
    assert "• Ruben (3A): een ouder zegt dat de school verwittigd was over" in daily["text"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-11-09T11:00,pupil,P0022,P0022,at_schol\n",
         "line 2, column answer: unknown answer key 'at_schol'"),
        ("2026-11-09T11:00,guardian,G029,P0022,at_school\n",
         "line 2, column answer: 'at_school' is not a guardian's answer"),
        ("2026-11-09T11:00,pupil,P0022,P0022,return:maandag\n",
         "line 2, column answer: 'return:maandag' is not return:YYYY-MM-DD"),
    ],
)  # fmt: skip
def test_simulate_rejects_an_unknown_answer_key_with_its_line(capsys, tmp_path, row, message):
    replies = tmp_path / "replies.csv"
    replies.write_text("at,sender_role,sender_id,pupil_id,answer\n" + row, encoding="utf-8")
    code, out, err = _run(capsys, EXAMPLE / "roster", "--replies", str(replies), "--json")
    assert (code, out) == (2, "")
    assert message in err


def test_simulate_takes_free_text_as_it_is(capsys, tmp_path, roster):
    row = "2026-11-09T11:00:00+01:00,pupil,P0022,P0022,ik ben er wel hoor\n"
    messages = _replay(capsys, tmp_path, roster, row)
    assert "guardian_notice" not in [m["kind"] for m in messages]  # held, as on Telegram
