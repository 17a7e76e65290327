"""Answer links end to end, through aiohttp's test client: opening a link records nothing (link
scanners and mail-security filters open every link), only the page's confirming POST stores the
answer, once, through the one answer writer; a link that is not exactly right does nothing and
says nothing."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest

from bot.answers.staff import RETURN_CHOICES
from bot.answers.thanks import ack_context, ack_template
from bot.config import HelpLines
from bot.links import Claim, Purpose, Recipient
from messages import render
from tests.helpers.web import School, client_for, school, signer_for


@pytest.fixture
async def town(engine, clock) -> School:
    return await school(engine, clock)


async def test_opening_an_answer_link_shows_the_answer_and_one_confirm_button(town):
    async with client_for(town.context()) as client:
        response = await client.get(f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}")
        page = await response.text()
    assert response.status == 200
    assert "Ik ben ziek" in page
    assert page.count('<form method="post" class="confirm">') == 1
    assert page.count('type="submit"') == 2  # the confirm button, and the box for own words
    assert '<html lang="nl" dir="ltr">' in page


async def test_get_head_and_repeated_gets_record_nothing(town):
    path = f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"
    async with client_for(town.context()) as client:
        for _ in range(3):
            assert (await client.get(path)).status == 200
        assert (await client.head(path)).status == 200
        words = f"/w/{town.token(Purpose.WORDS, town.checkin)}"
        assert (await client.get(words)).status == 200
        stop = f"/u/{town.token(Purpose.UNSUBSCRIBE, town.checkin)}"
        assert (await client.get(stop)).status == 200
        assert (await client.head(stop)).status == 200
    assert await town.replies() == []
    assert await town.forwards() == []
    assert await town.contact_state("pupil", town.p1) == "active"
    assert town.told == []


async def test_the_confirming_post_stores_the_answer_once_and_thanks_as_the_bot_does(town):
    path = f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"
    async with client_for(town.context()) as client:
        first = await client.post(path)
        first_page = await first.text()
        second = await client.post(path)
        second_page = await second.text()
    assert first.status == second.status == 200
    assert await town.replies() == [("pupil", "P1", "sick", town.checkin, "P1:2026-11-17")]
    assert town.told == ["news"]  # the planner is told once: the second POST changed nothing
    template = ack_template(
        "pupil", "sick", "nl", now=town.clock.local_now(), window=town.context().window,
        about_day=dt.date(2026, 11, 17),
    )  # fmt: skip
    thanks = render(
        template, "nl",
        {**ack_context(HelpLines()), "first_name": "Kind P1", "school": "Testschool",
         "class_name": "1A", "sender": "Hanne Verstraete (leerlingenbegeleiding)",
         "contact": "Hanne Verstraete, hanne@example.org", "date": dt.date(2026, 11, 17)},
    ).text  # fmt: skip
    first_line = thanks.splitlines()[0]
    assert first_line in first_page
    assert first_page == second_page


async def test_a_guardian_reads_the_page_in_their_language_with_the_dutch_original(town):
    path = f"/a/{town.token(Purpose.ANSWER, town.notice, 'sick')}"
    async with client_for(town.context()) as client:
        page = await (await client.get(path)).text()
        thanks = await (await client.post(path)).text()
    assert '<html lang="tr" dir="ltr">' in page
    assert "Seçilen cevap" in page
    assert '<span class="original" lang="nl" dir="ltr">Het gekozen antwoord</span>' in page
    assert 'lang="tr"' in thanks
    assert "Bedankt!</span>" in thanks
    assert await town.replies() == [("guardian", "G1", "sick", town.notice, "P1:2026-11-17")]


@pytest.mark.parametrize("lang", ["ar", "fa", "ps"])
async def test_a_right_to_left_reader_gets_a_right_to_left_page(town, lang):
    import sqlalchemy as sa

    from bot.models import Outreach

    async with town.engine.begin() as conn:
        await conn.execute(sa.update(Outreach).where(Outreach.id == town.notice).values(lang=lang))
    path = f"/a/{town.token(Purpose.ANSWER, town.notice, 'sick')}"
    async with client_for(town.context()) as client:
        page = await (await client.get(path)).text()
    assert f'<html lang="{lang}" dir="rtl">' in page
    assert '<span class="original" lang="nl" dir="ltr">' in page


def _swapped(token: str, outreach_id: int) -> str:
    """``token`` with its payload pointing at another row, its signature kept."""
    payload, _, rest = token.partition(".")
    padded = payload + "=" * (-len(payload) % 4)
    claim = json.loads(base64.urlsafe_b64decode(padded))
    claim[0] = outreach_id
    forged = base64.urlsafe_b64encode(json.dumps(claim, separators=(",", ":")).encode())
    return f"{forged.decode().rstrip('=')}.{rest}"


def _bad_tokens(town: School) -> dict[str, str]:
    good = town.token(Purpose.ANSWER, town.checkin, "sick")
    flipped = good[:-3] + ("A" if good[-3] != "A" else "B") + good[-2:]
    return {
        "tampered signature": flipped,
        "payload moved to another message": _swapped(good, town.other_checkin),
        "made for another recipient": town.token(
            Purpose.ANSWER, town.checkin, "sick", Recipient("pupil", town.p2, "email")
        ),
        "made for another channel": town.token(
            Purpose.ANSWER, town.checkin, "sick", Recipient("pupil", town.p1, "telegram")
        ),
        "another purpose": town.token(Purpose.UNSUBSCRIBE, town.checkin),
        "another secret": signer_for(town.clock, b"x" * 48).sign(
            Purpose.ANSWER,
            town.recipient(town.checkin),
            Claim(town.checkin, "sick"),
        ),
        "an answer the message did not offer": town.token(
            Purpose.ANSWER, town.checkin, "want_a_call"
        ),
        "garbage": "not-a-token",
        "no such message": _swapped(good, 999_999),
    }


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_link_that_is_not_exactly_right_does_nothing_and_reveals_nothing(town, method):
    async with client_for(town.context()) as client:
        for reason, token in _bad_tokens(town).items():
            response = await client.request(method, f"/a/{token}")
            page = await response.text()
            assert response.status == 404, reason
            assert "Deze link werkt niet (meer)" in page, reason
            for personal in ("Kind P", "Testschool", "Hanne", "Ayşe", "ziek"):
                assert personal not in page, (reason, personal)
    assert await town.replies() == []
    assert town.told == []


async def test_an_expired_link_does_nothing_and_shows_the_same_neutral_page(town):
    path = f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"
    unsubscribe = f"/u/{town.token(Purpose.UNSUBSCRIBE, town.checkin)}"
    town.clock.advance(dt.timedelta(days=14, seconds=1))
    async with client_for(town.context()) as client:
        expired = await client.post(path)
        still = await client.get(unsubscribe)  # an unsubscribe link lives longer
        town.clock.advance(dt.timedelta(days=90))
        gone = await client.post(unsubscribe, data={"List-Unsubscribe": "One-Click"})
        neutral = await (await client.get("/a/nothing")).text()
        assert await expired.text() == neutral
    assert expired.status == 404
    assert gone.status == 404
    assert still.status == 200
    assert await town.replies() == []
    assert await town.contact_state("pupil", town.p1) == "active"


async def test_a_pupil_who_left_the_school_gets_the_neutral_page(town):
    import sqlalchemy as sa

    from bot.models import Pupil

    async with town.engine.begin() as conn:
        await conn.execute(sa.update(Pupil).where(Pupil.id == town.p1).values(active=False))
    path = f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"
    async with client_for(town.context()) as client:
        assert (await client.post(path)).status == 404
    assert await town.replies() == []


async def test_i_know_when_asks_for_the_day_and_stores_it(town):
    path = f"/a/{town.token(Purpose.ANSWER, town.notice, 'return')}"
    async with client_for(town.context()) as client:
        page = await (await client.get(path)).text()
        no_day = await client.post(path)
        not_a_school_day = await client.post(path, data={"day": "2026-11-21"})  # a Saturday
        chosen = await client.post(path, data={"day": "2026-11-19"})
    assert page.count('type="radio" name="day"') == RETURN_CHOICES
    assert 'value="2026-11-18"' in page
    assert no_day.status == not_a_school_day.status == 422
    assert chosen.status == 200
    assert await town.replies() == [
        ("guardian", "G1", "return:2026-11-19", town.notice, "P1:2026-11-17")
    ]


async def test_own_words_go_to_the_spilfiguur_like_words_in_the_chat(town):
    path = f"/w/{town.token(Purpose.WORDS, town.checkin)}"
    words = "Ik was naar de tandarts, mijn mama heeft gebeld."
    async with client_for(town.context()) as client:
        empty = await client.post(path, data={"text": "   "})
        sent = await client.post(path, data={"text": words})
        again = await client.post(path, data={"text": words})
    assert empty.status == 422
    assert sent.status == again.status == 200
    forwards = await town.forwards()
    assert len(forwards) == 1
    assert forwards[0]["message"] == words
    assert forwards[0]["writer"] == "Kind P1 Test (leerling)"
    assert ("pupil", "P1", words, None, "P1:2026-11-17") in await town.replies()


async def test_the_answer_page_offers_the_box_for_own_words(town):
    path = f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"
    async with client_for(town.context()) as client:
        page = await (await client.get(path)).text()
        action = page.split('<form method="post" action="')[1].split('"')[0]
        assert action.startswith("../w/")
        sent = await client.post(f"/a/{action}", data={"text": "Het gaat niet zo goed."})
    assert sent.status == 200
    assert "Iets anders laten weten" in page
    assert [f["message"] for f in await town.forwards()] == ["Het gaat niet zo goed."]


async def test_too_many_words_are_refused_with_the_reason_and_nothing_is_stored(town):
    path = f"/w/{town.token(Purpose.WORDS, town.checkin)}"
    async with client_for(town.context()) as client:
        response = await client.post(path, data={"text": "a" * 2001})
        page = await response.text()
    assert response.status == 422
    assert "te lang" in page
    assert await town.forwards() == []


async def test_a_pupil_not_doing_well_can_ask_to_talk_from_the_thanks(town):
    path = f"/a/{town.token(Purpose.ANSWER, town.checkin, 'not_good')}"
    async with client_for(town.context()) as client:
        thanks = await (await client.post(path)).text()
        links = [part.split('"')[0] for part in thanks.split('class="button" href="')[1:]]
        assert len(links) == 1
        assert links[0].startswith("../a/")
        follow = await client.get(f"/a/{links[0]}")
        assert "Ik wil even praten" in await follow.text()
        await client.post(f"/a/{links[0]}")
    assert [answer for _role, _id, answer, *_ in await town.replies()] == [
        "not_good",
        "want_to_talk",
    ]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_while_an_import_holds_the_lock_the_page_asks_to_try_again_and_stores_nothing(
    town, db_url
):
    import sqlite3

    from bot.db import connect

    context = town.context()
    context.engine = connect(db_url, busy_timeout=0.05)
    path = f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"
    holder = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # as an absence import does, for its whole run
        async with client_for(context) as client:
            busy = await client.post(path)
            assert busy.status == 503
            assert busy.headers["Retry-After"] == "60"
            assert "Probeer het over een minuutje opnieuw" in await busy.text()
            holder.execute("ROLLBACK")
            assert (await client.post(path)).status == 200
    finally:
        holder.close()
        await context.engine.dispose()
    assert [answer for _role, _id, answer, *_ in await town.replies()] == ["sick"]


async def test_the_links_a_channel_gets_open_these_pages(town):
    """What an e-mail carries (:class:`~bot.links.LinkPages`, the ``pages`` of the channel
    context) leads to the page that confirms that answer, to the box for own words and to the
    unsubscribe button."""
    from urllib.parse import urlsplit

    from bot.links import LinkPages
    from bot.outbox.records import Outgoing

    now = town.clock.now()
    message = Outgoing(
        id=town.notice, school_id="school", idempotency_key="notice-g1", kind="guardian_notice",
        recipient_role="guardian", recipient_id=town.g1, channel="email", pupil_id=town.p1,
        lang="tr", payload={}, text=None, due_at=now, expires_at=now, attempts=0,
        claimed_by="w1", claimed_at=now,
    )  # fmt: skip
    pages = LinkPages("https://gemist.school.example", town.signer)
    async with client_for(town.context()) as client:
        answer = await client.get(urlsplit(pages.answer(message, "want_a_call")).path)
        words = await client.get(urlsplit(pages.words(message)).path)
        stop = await client.get(urlsplit(pages.unsubscribe(message)).path)
        assert answer.status == words.status == stop.status == 200
        assert (
            'Lütfen beni arayın<span class="original" lang="nl" dir="ltr">Bel mij graag op</span>'
            in await answer.text()
        )
        assert "Ja, stop de berichten" in await stop.text()


async def test_words_in_another_language_reach_the_spilfiguur_with_the_schools_translation(town):
    """As in the chat: with the school's engine, words in a language the spilfiguur may not
    read are passed on with a machine translation below them."""

    class Upper:
        name = "upper"

        def translate(self, text: str, source: str, target: str) -> str | None:
            return f"[{source}>{target}] {text.upper()}"

    context = town.context()
    context.translator = Upper()
    words = "Oğlum hasta, ateşi var. Yarın okula gelemeyecek, doktora gidiyoruz."
    async with client_for(context) as client:
        path = f"/w/{town.token(Purpose.WORDS, town.notice)}"
        assert (await client.post(path, data={"text": words})).status == 200
    [forward] = await town.forwards()
    assert forward["language"] == "tr"
    assert forward["translation"] == f"[tr>nl] {words.upper()}"
    assert forward["writer"] == "Ayşe Yilmaz (moeder)"
