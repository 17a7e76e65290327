"""Per-recipient chat pages: escaping, direction, buttons and taps, edits, and the index."""

from __future__ import annotations

import datetime as dt
import re

from bot.demo.events import ChatButton, ChatEvent, Origin, Recipient, button_key
from bot.demo.transcript import count, page_name, render_chat, write_transcripts
from integrations.telegram.local_server import SentMessage
from messages import SAMPLE_CONTEXT, render

TZ = dt.timezone(dt.timedelta(hours=1))
YASMINE = Recipient(7100000002, "Yasmine El Amrani", "leerling", "nl", "1A", "P0002")
FATIMA = Recipient(7200000003, "Fatima El Amrani", "moeder", "ar", "van Yasmine", "G003")
KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Ik ben ziek", "callback_data": "o.12.sick.AbCdEfGhIjKlMnOp"}],
        [{"text": "Ik wil even praten", "callback_data": "o.12.want_to_talk.AbCdEfGhIjKlMnOp"}],
    ]
}


def at(day: int, clock: str) -> dt.datetime:
    return dt.datetime.combine(dt.date(2026, 11, day), dt.time.fromisoformat(clock), tzinfo=TZ)


def checkin(text: str = "Hoi Yasmine, ik heb je vandaag gemist op school.") -> ChatEvent:
    sent = SentMessage(YASMINE.chat_id, 1, text, KEYBOARD, at=123.4)
    return ChatEvent.from_sent(sent, at(16, "10:30"), kind="pupil_checkin")


def test_a_sent_message_becomes_a_bot_event_with_its_buttons_and_their_keys():
    event = checkin()
    assert (event.origin, event.message_id, event.kind, event.edited) == (
        Origin.BOT,
        1,
        "pupil_checkin",
        False,
    )
    assert [(b.label, b.key) for b in event.buttons] == [
        ("Ik ben ziek", "sick"),
        ("Ik wil even praten", "want_to_talk"),
    ]
    assert button_key("return:2026-11-25") == "return:2026-11-25"  # unsigned data is its own key
    assert button_key(None) is None


def test_the_chat_shows_bubbles_in_order_the_buttons_and_the_one_tapped():
    events = [
        ChatEvent.typed(YASMINE.chat_id, "sorry, ik lag in bed", at(16, "10:50")),
        ChatEvent.tapped(YASMINE.chat_id, 1, "o.12.sick.AbCdEfGhIjKlMnOp", at(16, "10:42")),
        checkin(),
    ]
    page = render_chat(YASMINE, events)
    assert page.index("Hoi Yasmine") < page.index(">Ik ben ziek</p>") < page.index("ik lag")
    assert re.findall(r'<span class="btn( tapped)?" dir="auto">([^<]*)</span>', page) == [
        (" tapped", "Ik ben ziek"),
        ("", "Ik wil even praten"),
    ]
    assert '<div class="row in">' in page
    assert page.count('<div class="row out') == 2
    assert "maandag 16 november" in page
    assert all(t in page for t in (">10:30<", ">10:42<", ">10:50<"))
    assert '<span class="kind">pupil_checkin</span>' in page
    assert 'dir="rtl"' not in page


def test_an_edit_changes_the_message_in_place_and_keeps_what_was_tapped():
    edit = SentMessage(YASMINE.chat_id, 1, "Hoi Yasmine (beantwoord)", None, at=200.0, edited=True)
    events = [
        checkin(),
        ChatEvent.tapped(YASMINE.chat_id, 1, "o.12.sick.AbCdEfGhIjKlMnOp", at(16, "10:42")),
        ChatEvent.from_sent(edit, at(16, "10:42")),
    ]
    page = render_chat(YASMINE, events)
    assert "Hoi Yasmine (beantwoord)" in page
    assert "gemist op school" not in page
    assert "bewerkt · 10:30" in page
    assert '<span class="btn tapped" dir="auto">Ik ben ziek</span>' in page
    assert count(events) == (1, 1)


def test_everything_is_escaped():
    mallory = Recipient(1, '<img src=x onerror="alert(1)">', "<b>rol</b>", "nl", "a & b", "x/../y")
    events = [
        ChatEvent(1, at(16, "10:30"), Origin.BOT, "<script>alert('hi')</script> & \"quotes\"",
                  (ChatButton("<i>knop</i>", "o.1.sick.AbCdEfGhIjKlMnOp"),), 1, kind="<k>"),
        ChatEvent.typed(1, "</div><p>weg</p>", at(16, "10:31")),
    ]  # fmt: skip
    page = render_chat(mallory, events)
    for raw in ("<script>", "<img", "<b>rol", "<i>knop", "</div><p>weg", "<k>", ' & "'):
        assert raw not in page
    escaped = (
        "&lt;script&gt;",
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;",
        "&lt;i&gt;knop&lt;/i&gt;",
        "&lt;/div&gt;&lt;p&gt;weg",
        "a &amp; b",
    )
    assert all(text in page for text in escaped)
    assert page_name(mallory) == "x-y-img-src-x-onerror-alert-1.html"


def test_a_right_to_left_reader_gets_rtl_bubbles_with_the_dutch_original_left_to_right():
    notice = render("guardian_notice.first", "ar", SAMPLE_CONTEXT)
    assert notice.lang == "ar+nl"
    sent = ChatEvent(FATIMA.chat_id, at(16, "12:30"), Origin.BOT, notice.text, message_id=5)
    answer = ChatEvent.typed(FATIMA.chat_id, "شكرا، هي مريضة", at(16, "13:00"))
    page = render_chat(FATIMA, [sent, answer])
    assert '<div class="bubble" dir="rtl" lang="ar">' in page
    bubble = page[page.index('dir="rtl" lang="ar"') : page.index("<hr>") + 200]
    translated, original = bubble.split("<hr>")
    assert translated.count('<p dir="auto">') >= 4  # every paragraph finds its own direction
    assert original.startswith('<p dir="auto" lang="nl" class="orig">\u200eBeste ouder,')
    assert '<p dir="auto">شكرا، هي مريضة</p>' in page  # the answer, too
    assert "<bdi>العربية</bdi>" in page  # her language, named in it


def test_the_index_lists_everyone_and_each_page_stands_alone(tmp_path):
    lotte = Recipient(7100000001, "Lotte Peeters", "leerling", "xx", "1A", "P0001")
    stranger = ChatEvent.typed(99, "hallo?", at(17, "09:00"))
    events = [
        checkin(),
        ChatEvent.tapped(YASMINE.chat_id, 1, "o.12.sick.AbCdEfGhIjKlMnOp", at(16, "10:42")),
        ChatEvent(FATIMA.chat_id, at(16, "12:30"), Origin.BOT, "مرحبا", message_id=1),
        stranger,
    ]
    paths = write_transcripts(events, [YASMINE, FATIMA, lotte], tmp_path, title="Demo <1>")
    names = [p.name for p in paths]
    assert names == [
        "P0002-yasmine-el-amrani.html",
        "G003-fatima-el-amrani.html",
        "99-chat-99.html",
        "index.html",
    ]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<h1>Demo &lt;1&gt;</h1>" in index
    rows = re.findall(r"<tr(?: class=\"none\")?><td>(.*?)</td>.*?<td class=\"n\">(\d+)</td>"
                      r"<td class=\"n\">(\d+)</td></tr>", index)  # fmt: skip
    assert rows == [
        ('<a href="P0002-yasmine-el-amrani.html">Yasmine El Amrani</a>', "1", "1"),
        ('<a href="G003-fatima-el-amrani.html">Fatima El Amrani</a>', "1", "0"),
        ("Lotte Peeters", "0", "0"),
        ('<a href="99-chat-99.html">chat 99</a>', "0", "1"),
    ]
    assert "ar · <bdi>العربية</bdi>" in index
    assert "xx · <bdi>xx</bdi>" in index  # a language Babel does not know: its code
    for path in paths:
        html = path.read_text(encoding="utf-8")
        assert html.startswith("<!doctype html>")
        for outside in ("http://", "https://", "<link", "<script", "src=", "url(", "@import"):
            assert outside not in html, (path.name, outside)
