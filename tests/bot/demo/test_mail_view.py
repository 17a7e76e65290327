"""E-mails in the demo: parsed back with the standard library into a mail view, shown in the
transcript as the mail program shows them (links as links), and one line each in the timeline,
as is the answer a parent gives by following a link."""

from __future__ import annotations

import datetime as dt
import re
from email.message import EmailMessage
from html import unescape

from bot.demo.events import ChatEvent, Mail, Origin, Recipient
from bot.demo.mailbox import mail_view
from bot.demo.timeline import timeline_lines
from bot.demo.transcript import count, render_chat

TZ = dt.timezone(dt.timedelta(hours=1))
KARIM = Recipient(7200000004, "Karim El Amrani", "vader", "fr", "van Yasmine", "G004")
ANSWER = "https://gemist.example/a/WzQsIndpbGxfY29udGFjdF9zY2hvb2wiXQ.abc.def"
STOP = "https://gemist.example/u/WzQsIiJd.abc.def"


def at(clock: str) -> dt.datetime:
    return dt.datetime.combine(dt.date(2026, 11, 16), dt.time.fromisoformat(clock), tzinfo=TZ)


def _wire() -> bytes:
    message = EmailMessage()
    message["From"] = "Sint-Jozefcollege <secretariaat@sint-jozef.example>"
    message["To"] = "karim.elamrani@example.org"
    message["Subject"] = "Une question au sujet de Yasmine / Een vraag over Yasmine"
    message.set_content(f"Je contacte l'école: {ANSWER}\n")
    message.add_alternative(
        f'<html><body><p>Bonjour &amp; merci</p><a href="{ANSWER}">Je contacte\n l\'école</a>'
        f' <a href="{STOP}">Ne plus recevoir d\'e-mails</a></body></html>',
        subtype="html",
    )
    return message.as_bytes()


def test_a_received_message_becomes_a_mail_view_with_its_links():
    mail = mail_view(_wire())
    assert mail.sender == "Sint-Jozefcollege <secretariaat@sint-jozef.example>"
    assert mail.to == "karim.elamrani@example.org"
    assert mail.subject.startswith("Une question au sujet de Yasmine")
    assert mail.text.startswith("Je contacte l'école: https://gemist.example/a/")
    assert "Bonjour &amp; merci" in mail.html
    assert mail.links == (("Je contacte l'école", ANSWER), ("Ne plus recevoir d'e-mails", STOP))


def _events() -> list[ChatEvent]:
    mail = mail_view(_wire())
    return [
        ChatEvent.mailed(KARIM.chat_id, mail, at("12:30"), "guardian_notice"),
        ChatEvent.followed(KARIM.chat_id, ANSWER, "Je contacte l'école", at("13:05")),
    ]


def test_the_transcript_shows_each_mail_with_its_headers_and_its_html_links_and_the_answer():
    page = render_chat(KARIM, _events())
    assert '<th>Van</th><td dir="auto">Sint-Jozefcollege &lt;secretariaat@' in page
    assert '<th>Aan</th><td dir="auto">karim.elamrani@example.org</td>' in page
    assert '<th>Onderwerp</th><td dir="auto">Une question au sujet de Yasmine' in page
    [frame] = re.findall(
        r'<iframe class="body" sandbox="[^"]*" title="[^"]*" srcdoc="([^"]*)"', page
    )
    assert f'<a href="{ANSWER}">' in unescape(frame)  # the mail's own HTML, links and all
    assert '<pre dir="auto">Je contacte l&#x27;école: https://gemist.example/a/' in page
    assert '<span class="kind">guardian_notice</span>' in page
    assert "&#128279; <bdi>Je contacte l&#x27;école</bdi> · bevestigd" in page
    assert count(_events()) == (1, 1)


def test_a_mail_cannot_break_out_of_its_frame():
    hostile = Mail('"><script>x</script>', "a@b", "<b>s</b>", "t", '"><script>alert(1)</script>')
    page = render_chat(KARIM, [ChatEvent.mailed(KARIM.chat_id, hostile, at("12:30"), None)])
    assert "<script>" not in page
    assert "<b>s</b>" not in page


def test_the_timeline_gives_a_mail_its_subject_and_a_followed_link_its_text():
    lines = list(timeline_lines(_events(), [KARIM], limit=80))
    assert lines[1:] == [
        '  12:30  → Karim (vader, fr)  guardian_notice  e-mail "Une question au sujet de Yasmine'
        ' / Een vraag over Yasmine"',
        "  13:05  ← Karim follows the e-mail's link \"Je contacte l'école\" and confirms on the"
        " page",
    ]
    assert _events()[1].origin is Origin.LINK
