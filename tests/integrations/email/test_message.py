"""The e-mail a family gets, sent to a real SMTP server and read back with the standard
library: its structure, its headers, both languages with their direction, the answers as
links, the footer, and nothing left of a placeholder."""

from __future__ import annotations

import dataclasses
import html
import re
from email.message import EmailMessage
from email.policy import default
from email.utils import parseaddr, parsedate_to_datetime

import pytest

from integrations.email.compose import MAX_HTML, compose
from integrations.email.local_server import LocalSmtpServer
from messages import FAMILY_LANGUAGES, is_rtl
from tests.helpers.email import NOW, SENDER, WEB, Addresses, Pages, channel, outgoing

PARENT = ("guardian", 1)
ADDRESS = "ouder.yilmaz@example.be"


async def _sent(message) -> EmailMessage:
    async with LocalSmtpServer() as server:
        directory = Addresses({(message.recipient_role, message.recipient_id): ADDRESS})
        async with channel(server, directory) as email:
            outcome = await email.deliver(message)
        assert outcome.kind.value == "sent", outcome
        [received] = server.received
    assert received.recipients == (ADDRESS,)
    assert received.sender == SENDER.address
    return received.parsed()


def _bodies(email: EmailMessage) -> tuple[str, str]:
    plain = email.get_body(("plain",))
    page = email.get_body(("html",))
    assert plain is not None
    assert page is not None
    return plain.get_content(), page.get_content()


async def test_a_guardian_gets_her_language_first_then_the_dutch_original_both_labelled():
    email = await _sent(outgoing(lang="tr"))

    assert email.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in email.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert email["Content-Language"] == "tr, nl"
    plain, page = _bodies(email)
    # Turkish first, labelled with its name; the Dutch original below, labelled in Turkish.
    assert (
        plain.index("Türkçe")
        < plain.index("Hollandaca orijinal metin")
        < plain.index("Beste ouder")
    )
    sections = re.findall(r'<div lang="(\w+)" dir="(\w+)">', page)
    assert sections[:2] == [("tr", "ltr"), ("nl", "ltr")]
    assert page.index('<div lang="tr"') < page.index('<div lang="nl"')
    assert '<html lang="tr" dir="ltr">' in page
    assert "Hollandaca orijinal metin" in page
    assert "Cevabınızı buradan seçin:" in page  # the e-mail's own words in her language


@pytest.mark.parametrize("lang", ["ar", "fa", "ps"])
async def test_right_to_left_languages_are_marked_so_and_the_dutch_stays_left_to_right(lang):
    email = await _sent(outgoing(lang=lang))

    _plain, page = _bodies(email)
    assert is_rtl(lang)
    assert f'<html lang="{lang}" dir="rtl">' in page
    assert f'<div lang="{lang}" dir="rtl">' in page
    assert '<div lang="nl" dir="ltr">' in page
    # The label above the Dutch original is in the reader's language and direction.
    assert re.search(rf'<div lang="nl" dir="ltr">\r?\n<p lang="{lang}" dir="rtl"', page)


async def test_every_answer_is_a_link_escaped_in_html_with_one_to_write_something_else():
    message = outgoing(lang="nl")
    email = await _sent(message)

    plain, page = _bodies(email)
    assert len(message.buttons) >= 2
    pages = Pages()
    for key, label in message.buttons:
        url = pages.answer(message, key)
        assert f"{label}: {url}" in plain
        assert f'href="{html.escape(url)}"' in page
        assert f">{html.escape(label, quote=False)}</a>" in page
    assert f"Iets anders laten weten: {pages.words(message)}" in plain
    assert f'href="{html.escape(pages.words(message))}"' in page
    assert "&key=" not in page  # every & in an address is written &amp; in HTML
    assert "Kies hier uw antwoord:" in plain


async def test_headers_say_who_sends_why_and_how_to_stop_with_one_click():
    message = outgoing(row=42)
    email = await _sent(message)

    assert parseaddr(email["From"]) == (SENDER.name, SENDER.address)
    assert email["To"] == ADDRESS
    assert email["Reply-To"] == SENDER.reply_to
    assert email["Subject"] == "Bericht van Sint-Jozefcollege"  # no subject of its own yet
    assert parsedate_to_datetime(email["Date"]) == NOW
    assert re.fullmatch(r"<[0-9a-f]{32}\.gemist@sint-jozef\.example>", email["Message-ID"])
    assert email["Auto-Submitted"] == "auto-generated"
    assert "NDR" not in email["X-Auto-Response-Suppress"]  # bounces must still come back
    unsubscribe = Pages().unsubscribe(message)
    assert email["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain, page = _bodies(email)
    assert "omdat u bij Sint-Jozefcollege bekend bent als ouder van een leerling" in plain
    assert f"Afmelden: {unsubscribe}" in plain
    assert f'href="{html.escape(unsubscribe)}"' in page
    assert "U kunt ook gewoon op deze e-mail antwoorden." in page


async def test_a_subject_set_at_rendering_is_the_subject():
    email = await _sent(dataclasses.replace(outgoing(), subject="Yasmine was er niet"))

    assert email["Subject"] == "Yasmine was er niet"


async def test_a_subject_is_one_line_and_never_empty():
    broken = await _sent(dataclasses.replace(outgoing(), subject="Yasmine\r\nBcc: x@y.example"))
    blank = await _sent(dataclasses.replace(outgoing(), subject=" \n "))

    assert broken["Subject"] == "Yasmine Bcc: x@y.example"
    assert broken["Bcc"] is None
    assert blank["Subject"] == "Bericht van Sint-Jozefcollege"


async def test_the_same_row_keeps_its_message_id_and_another_row_gets_another():
    first, again, other = (
        compose(outgoing(row=row), ADDRESS, SENDER, Pages(), NOW) for row in (1, 1, 2)
    )
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]


async def test_a_pupil_is_addressed_as_je_and_staff_as_a_member_of_staff():
    pupil = await _sent(outgoing(kind="pupil_checkin", role="pupil"))
    teacher = await _sent(outgoing(kind="teacher_welcome", role="teacher"))

    pupil_plain, _ = _bodies(pupil)
    teacher_plain, _ = _bodies(teacher)
    assert "Je krijgt deze e-mail omdat je leerling bent bij Sint-Jozefcollege." in pupil_plain
    assert "Wil je geen e-mails meer van ons?" in pupil_plain
    assert "U krijgt deze e-mail omdat u bij Sint-Jozefcollege werkt." in teacher_plain


@pytest.mark.parametrize("lang", FAMILY_LANGUAGES)
async def test_in_every_family_language_the_mail_is_whole_and_has_no_placeholder_left(lang):
    message = outgoing(lang=lang)
    email = compose(message, ADDRESS, SENDER, Pages(), NOW)
    raw = email.as_bytes()
    parsed = await _sent(message)

    plain, page = _bodies(parsed)
    for body in (plain, page, parsed["Subject"]):
        assert not re.search(r"\{\w+\}", body), body
    assert len(raw) < MAX_HTML
    assert page.count("<a href=") == len(message.buttons) + 2  # answers, words, unsubscribe
    assert "<img" not in page
    assert "src=" not in page
    assert WEB in page
    reader = lang
    assert f'<html lang="{reader}" dir="{"rtl" if is_rtl(reader) else "ltr"}">' in page
    if lang != "nl":
        assert parsed["Content-Language"] == f"{lang}, nl"
        assert "Beste ouder" in plain  # the Dutch original is there too
        assert "Kies hier uw antwoord:" not in plain  # the e-mail's words are translated


async def test_an_html_part_too_large_for_mail_programs_leaves_the_plain_text_alone():
    huge = "Een heel lange zin die telkens terugkomt. " * 4_000
    message = dataclasses.replace(outgoing(), parts=(("nl", huge),), text=huge)

    email = await _sent(message)

    assert email.get_content_type() == "text/plain"
    assert huge.strip() in email.get_content()


def test_headers_shared_between_e_mails_still_fold_as_each_policy_asks():
    first = compose(outgoing(row=1, lang="ar"), ADDRESS, SENDER, Pages(), NOW)
    second = compose(outgoing(row=2, lang="ar"), ADDRESS, SENDER, Pages(), NOW)

    for email in (first, second):
        assert b"\r\nSubject: =?utf-8?" in b"\r\n" + email.as_bytes()
        assert "\r\n" not in email.as_string(policy=default)
        assert email.as_bytes().count(b"\r\nAuto-Submitted: auto-generated\r\n") == 1
