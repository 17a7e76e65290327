"""The Smartschool message a family gets, sent through the real client to the local server
and read back from what it recorded: the title, the HTML fragment with the translation first
and the Dutch original below, labelled, right to left where it must be, the answer links, the
footer, the inbox (account or co-account), the sender and ``copyToLVS``."""

from __future__ import annotations

import re

import pytest

from integrations.layout import links, text
from integrations.smartschool.compose import MAX_TITLE, compose
from integrations.smartschool.local_server import LocalSmartschool, SentMsg
from messages import FAMILY_LANGUAGES, SOURCE_LANGUAGE, is_rtl
from tests.helpers.email import SCHOOL, WEB, Pages
from tests.helpers.smartschool import SENDER, SENDER_ACCOUNT, Inboxes, channel, outgoing
from tests.integrations.smartschool.conftest import ACCESS_CODE

PARENT = ("guardian", 1)
PUPIL = ("pupil", 2)


@pytest.fixture
async def school(server: LocalSmartschool) -> LocalSmartschool:
    server.school.accounts.append(SENDER_ACCOUNT)
    return server


async def _sent(server: LocalSmartschool, message, address: str, **changes) -> SentMsg:
    who = (message.recipient_role, message.recipient_id)
    async with channel(server, ACCESS_CODE, Inboxes({who: address}), **changes) as smartschool:
        outcome = await smartschool.deliver(message)
    assert outcome.kind.value == "sent", outcome
    [sent] = server.sent
    return sent


async def test_a_parent_gets_it_in_her_co_account_from_the_sender_with_the_subject_as_title(
    school,
):
    message = outgoing(lang="tr")
    sent = await _sent(school, message, "amira.elamrani#2")

    assert (sent.user_identifier, sent.coaccount) == ("amira.elamrani", 2)
    assert sent.sender_identifier == SENDER
    assert sent.copy_to_lvs is False  # off unless the school turns it on
    assert sent.attachments == ""
    assert sent.title == " ".join((message.subject or "").split())
    assert "Yasmine" in sent.title


async def test_a_pupil_gets_it_in_the_account_s_own_inbox(school):
    sent = await _sent(
        school, outgoing(kind="pupil_checkin", role="pupil", person=2), "lars.peeters"
    )

    assert (sent.user_identifier, sent.coaccount) == ("lars.peeters", 0)
    words = text(sent.body)
    assert "Kies hier je antwoord:" in words  # a pupil is "je"
    assert "Je krijgt dit bericht omdat je leerling bent bij Sint-Jozefcollege." in words


async def test_copy_to_lvs_is_sent_when_the_school_turns_it_on(school):
    sent = await _sent(school, outgoing(), "amira.elamrani#1", copy_to_lvs=True)

    assert sent.copy_to_lvs is True


async def test_the_body_is_a_fragment_with_inline_styles_only(school):
    sent = await _sent(school, outgoing(lang="fr"), "amira.elamrani#1")
    body = sent.body

    for tag in ("<html", "<head", "<body", "<style", "<script", "<!DOCTYPE", "<img", "<link"):
        assert tag.lower() not in body.lower(), tag
    assert body.startswith('<div lang="fr" dir="ltr" style="')
    assert body.endswith("</div>")
    assert "class=" not in body


async def test_the_translation_comes_first_and_the_dutch_original_below_both_labelled(school):
    sent = await _sent(school, outgoing(lang="tr"), "amira.elamrani#1")
    body, words = sent.body, text(sent.body)

    sections = re.findall(r'<div lang="(\w+)" dir="(\w+)">', body)
    assert sections[:2] == [("tr", "ltr"), ("nl", "ltr")]
    assert (
        words.index("Türkçe")
        < words.index("Hollandaca orijinal metin")
        < words.index("Beste ouder")
    )
    assert "Cevabınızı buradan seçin:" in words  # noqa: RUF001 (the channel's own words)
    # The footer in her language, about this Smartschool message.
    assert "Bu mesajı, Sint-Jozefcollege okulunda bir öğrencinin velisi" in words  # noqa: RUF001
    assert "Smartschool'da doğrudan yanıtlayabilirsiniz" in words  # noqa: RUF001


@pytest.mark.parametrize("lang", ["ar", "fa", "ps"])
async def test_right_to_left_languages_are_marked_so_and_the_dutch_stays_left_to_right(
    school, lang
):
    sent = await _sent(school, outgoing(lang=lang), "amira.elamrani#1")

    assert is_rtl(lang)
    assert sent.body.startswith(f'<div lang="{lang}" dir="rtl"')
    assert f'<div lang="{lang}" dir="rtl">' in sent.body
    assert '<div lang="nl" dir="ltr">' in sent.body
    assert re.search(rf'<div lang="nl" dir="ltr">\n<p lang="{lang}" dir="rtl"', sent.body)


async def test_every_answer_is_a_link_with_a_link_for_own_words_and_one_to_stop(school):
    message = outgoing()
    sent = await _sent(school, message, "amira.elamrani#1")

    found = links(sent.body)
    answers = [(caption, url) for caption, url in found if "/answer?" in url]
    assert answers == [(label, f"{WEB}/answer?row=1&key={key}") for key, label in message.buttons]
    assert ("Iets anders laten weten", f"{WEB}/words?row=1&t=w") in found
    assert ("Afmelden", f"{WEB}/stop?row=1&t=u") in found
    assert "&amp;key=" in sent.body  # escaped in the HTML, whole again when read
    words = text(sent.body)
    assert "U krijgt dit bericht omdat u bij Sint-Jozefcollege bekend bent als ouder" in words
    assert "U kunt ook gewoon op dit bericht antwoorden in Smartschool." in words
    assert "Wilt u deze berichten niet meer in Smartschool krijgen?" in words


async def test_a_dutch_message_has_one_unlabelled_section(school):
    sent = await _sent(school, outgoing(), "amira.elamrani#1")

    assert re.findall(r'<div lang="(\w+)" dir="ltr">', sent.body) == ["nl"]
    assert sent.body.count("<hr") == 1  # only above the footer
    assert "Oorspronkelijke tekst" not in sent.body


@pytest.mark.parametrize("lang", FAMILY_LANGUAGES)
def test_every_family_language_has_its_title_and_no_placeholder_left(lang):
    composed = compose(outgoing(lang=lang), Pages(), SCHOOL)

    assert composed.title
    assert "\n" not in composed.title
    assert "{" not in composed.body
    assert "{" not in composed.title
    if lang != SOURCE_LANGUAGE:
        assert 'lang="nl"' in composed.body


def test_a_long_title_is_cut_at_a_word_and_an_empty_one_is_the_school_s():
    long = compose(outgoing(subject_override="woord " * 100), Pages(), SCHOOL).title
    empty = compose(outgoing(subject_override="  \n "), Pages(), SCHOOL).title

    assert len(long) <= MAX_TITLE
    assert long.endswith("woord\N{HORIZONTAL ELLIPSIS}")
    assert empty == f"Bericht van {SCHOOL}"
