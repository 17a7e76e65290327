"""The terminal timeline: a line per event, day headers, quotes cut short, colour only on a TTY."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from bot.demo.events import ChatButton, ChatEvent, Origin, Recipient
from bot.demo.timeline import print_timeline, quote, timeline_lines, use_colour
from messages import SAMPLE_CONTEXT, render

TZ = dt.timezone(dt.timedelta(hours=1))
YASMINE = Recipient(1, "Yasmine El Amrani", "leerling", "nl", "1A", "P0002")
FATIMA = Recipient(2, "Fatima El Amrani", "moeder", "ar", "van Yasmine", "G003")
SICK = ChatButton("Ik ben ziek", "o.7.sick.AbCdEfGhIjKlMnOp")
TALK = ChatButton("Ik wil even praten", "o.7.want_to_talk.AbCdEfGhIjKlMnOp")


def at(day: int, clock: str) -> dt.datetime:
    return dt.datetime.combine(dt.date(2026, 11, day), dt.time.fromisoformat(clock), tzinfo=TZ)


def events() -> list[ChatEvent]:
    notice = render("guardian_notice.first", "ar", SAMPLE_CONTEXT).text
    return [
        ChatEvent(2, at(16, "12:30"), Origin.BOT, notice, message_id=1, kind="guardian_notice"),
        ChatEvent(1, at(16, "10:30"), Origin.BOT,
                  "Hoi Yasmine, ik heb je vandaag gemist op school.\n\nIk hoop dat het goed met "
                  "je gaat.", (SICK, TALK), 7, kind="pupil_checkin"),
        ChatEvent.tapped(1, 7, SICK.data or "", at(16, "10:42")),
        ChatEvent.typed(2, "شكرا،\nهي مريضة", at(17, "08:05")),  # noqa: RUF001
        ChatEvent(1, at(17, "09:00"), Origin.BOT, "Fijn dat je het liet weten.", message_id=8),
    ]  # fmt: skip


def test_one_line_per_event_in_time_order_under_a_header_per_day():
    lines = list(timeline_lines(events(), [YASMINE, FATIMA], limit=40))
    assert lines == [
        "maandag 16 november 2026",
        "  10:30  → Yasmine (leerling, nl)  pupil_checkin  "
        '"Hoi Yasmine, ik heb je vandaag gemist…"',
        '  10:42  ← Yasmine taps "Ik ben ziek"',
        "  12:30  → Fatima (moeder, ar)  guardian_notice  "
        '"Yasmine was op dinsdag 17 november niet…"',
        "",
        "dinsdag 17 november 2026",
        '  08:05  ← Fatima writes "شكرا، هي مريضة"',
        '  09:00  → Yasmine (leerling, nl)  "Fijn dat je het liet weten."',
    ]


def test_quotes_are_one_line_cut_to_the_limit_and_free_of_direction_marks():
    assert quote("kort") == '"kort"'
    assert quote("a\n\nb\tc") == '"a b c"'
    assert quote("x" * 80, limit=10) == '"xxxxxxxxx…"'
    assert quote("\u200fمرحبا \u2068Adam\u2069") == '"مرحبا Adam"'  # noqa: RUF001
    assert quote("Beste ouder,\n\nAdam was er niet.") == '"Adam was er niet."'
    assert quote("Beste ouder,") == '"Beste ouder,"'  # nothing else to say


def test_an_edit_a_stranger_and_a_tap_nobody_labelled_still_read():
    edited = ChatEvent(9, at(18, "10:00"), Origin.BOT, "nieuw", message_id=3, edited=True)
    tap = ChatEvent.tapped(9, 42, "o.42.want_a_call.AbCdEfGhIjKlMnOp", at(18, "10:01"))
    assert list(timeline_lines([edited, tap], [])) == [
        "woensdag 18 november 2026",
        '  10:00  → chat 9  (bewerkt)  "nieuw"',
        '  10:01  ← chat 9 taps "want_a_call"',
    ]


def test_colour_only_when_asked_and_only_on_a_terminal(monkeypatch):
    plain = list(timeline_lines(events(), [YASMINE, FATIMA]))
    painted = list(timeline_lines(events(), [YASMINE, FATIMA], colour=True))
    assert not any("\033[" in line for line in plain)
    assert painted[0] == "\033[1;4mmaandag 16 november 2026\033[0m"
    assert "\033[36m→\033[0m" in painted[1]

    out = io.StringIO()
    assert print_timeline(events(), [YASMINE, FATIMA], stream=out) == 5
    assert out.getvalue().splitlines() == plain

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Tty())
    assert not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Tty())


@pytest.mark.parametrize("limit", [20, 60, 200])
def test_no_bot_line_quotes_more_than_the_limit(limit):
    for line in timeline_lines(events(), [YASMINE, FATIMA], limit=limit):
        if "→" in line:
            said = line[line.index('"') + 1 : -1]
            assert len(said) <= limit
