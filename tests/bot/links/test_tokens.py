"""Answer link tokens: bound to their message, recipient, channel, answer and purpose; expiring;
useless without the secret; and the secret is made once and kept in the database."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.config import Secret, Settings
from bot.links import Claim, LinkPages, LinkSigner, Purpose, Recipient, lifetimes, open_signer
from bot.links.keys import stored_secret
from bot.outbox.records import Outgoing
from scheduler.clock import BRUSSELS, VirtualClock

SECRET = b"s" * 48
PUPIL = Recipient("pupil", 7, "email")


def _signer(clock: VirtualClock, secret: bytes = SECRET) -> LinkSigner:
    return LinkSigner(secret, clock, lifetimes(Settings()))


def test_a_token_says_its_message_and_answer_to_the_one_it_was_made_for(clock):
    signer = _signer(clock)
    token = signer.sign(Purpose.ANSWER, PUPIL, Claim(412, "sick"))
    assert signer.peek(token) == Claim(412, "sick")
    assert signer.verify(Purpose.ANSWER, token, PUPIL) == Claim(412, "sick")


@pytest.mark.parametrize(
    ("purpose", "recipient"),
    [
        (Purpose.WORDS, PUPIL),
        (Purpose.UNSUBSCRIBE, PUPIL),
        (Purpose.ANSWER, Recipient("pupil", 8, "email")),
        (Purpose.ANSWER, Recipient("guardian", 7, "email")),
        (Purpose.ANSWER, Recipient("pupil", 7, "smartschool")),
    ],
)
def test_a_token_proves_nothing_for_another_purpose_recipient_or_channel(clock, purpose, recipient):
    signer = _signer(clock)
    token = signer.sign(Purpose.ANSWER, PUPIL, Claim(412, "sick"))
    assert signer.verify(purpose, token, recipient) is None


def test_a_token_of_another_secret_or_altered_proves_nothing(clock):
    token = _signer(clock, b"o" * 48).sign(Purpose.ANSWER, PUPIL, Claim(412, "sick"))
    assert _signer(clock).verify(Purpose.ANSWER, token, PUPIL) is None
    good = _signer(clock).sign(Purpose.ANSWER, PUPIL, Claim(412, "sick"))
    for index in range(len(good)):
        altered = good[:index] + ("x" if good[index] != "x" else "y") + good[index + 1 :]
        assert _signer(clock).verify(Purpose.ANSWER, altered, PUPIL) is None, index


def test_two_tokens_for_the_same_answer_made_apart_differ_and_cannot_be_guessed(clock):
    signer = _signer(clock)
    first = signer.sign(Purpose.ANSWER, PUPIL, Claim(412, "sick"))
    clock.advance(dt.timedelta(seconds=1))
    second = signer.sign(Purpose.ANSWER, PUPIL, Claim(412, "sick"))
    assert first != second
    signature = first.rsplit(".", 1)[1]
    assert len(signature) >= 43  # HMAC-SHA256: 256 bits


def test_answer_links_expire_after_14_days_and_unsubscribe_links_after_90(clock):
    signer = _signer(clock)
    answer = signer.sign(Purpose.ANSWER, PUPIL, Claim(1, "sick"))
    stop = signer.sign(Purpose.UNSUBSCRIBE, PUPIL, Claim(1))
    clock.advance(dt.timedelta(days=14))
    assert signer.verify(Purpose.ANSWER, answer, PUPIL) is not None
    clock.advance(dt.timedelta(seconds=1))
    assert signer.verify(Purpose.ANSWER, answer, PUPIL) is None
    assert signer.verify(Purpose.UNSUBSCRIBE, stop, PUPIL) is not None
    clock.advance(dt.timedelta(days=76))
    assert signer.verify(Purpose.UNSUBSCRIBE, stop, PUPIL) is None


def test_the_lifetimes_follow_the_settings():
    settings = Settings(web_url="https://g.example", web_link_days=3, web_unsubscribe_days=30)
    assert lifetimes(settings) == {
        Purpose.ANSWER: dt.timedelta(days=3),
        Purpose.WORDS: dt.timedelta(days=3),
        Purpose.UNSUBSCRIBE: dt.timedelta(days=30),
    }


@pytest.mark.parametrize("token", ["", "abc", "W10.x.y", "WzEsMl0.AAAA.BBBB", "." * 40])
def test_garbage_is_read_as_nothing(clock, token):
    assert (
        _signer(clock).peek(token) is None
        or _signer(clock).verify(Purpose.ANSWER, token, PUPIL) is None
    )


def _outgoing(clock: VirtualClock) -> Outgoing:
    now = clock.now()
    return Outgoing(
        id=412, school_id="school", idempotency_key="k", kind="pupil_checkin",
        recipient_role="pupil", recipient_id=7, channel="email", pupil_id=7, lang="nl",
        payload={}, text=None, due_at=now, expires_at=now, attempts=0, claimed_by="w",
        claimed_at=now,
    )  # fmt: skip


def test_the_pages_build_links_under_the_public_address(clock):
    signer = _signer(clock)
    pages = LinkPages("https://www.school.example/gemist/", signer)
    message = _outgoing(clock)
    answer = pages.answer(message, "sick")
    assert answer.startswith("https://www.school.example/gemist/a/")
    token = answer.rsplit("/", 1)[1]
    assert signer.verify(Purpose.ANSWER, token, PUPIL) == Claim(412, "sick")
    words = pages.words(message).rsplit("/w/", 1)[1]
    assert signer.verify(Purpose.WORDS, words, PUPIL) == Claim(412)
    stop = pages.unsubscribe(message).rsplit("/u/", 1)[1]
    assert signer.verify(Purpose.UNSUBSCRIBE, stop, PUPIL) == Claim(412)


async def test_the_secret_is_made_once_and_kept_in_the_database(engine, clock):
    first = await stored_secret(engine, clock.now())
    second = await stored_secret(engine, clock.now())
    assert first == second
    assert len(first) >= 48
    # gemist run and gemist web (two signers over one database) agree on each other's links.
    run = await open_signer(Settings(web_url="https://g.example"), engine, clock)
    web = await open_signer(Settings(web_url="https://g.example"), engine, clock)
    token = run.sign(Purpose.ANSWER, PUPIL, Claim(5, "sick"))
    assert web.verify(Purpose.ANSWER, token, PUPIL) == Claim(5, "sick")


async def test_the_operators_secret_wins_over_the_stored_one(engine, clock):
    configured = Settings(web_url="https://g.example", web_secret=Secret("c" * 40))
    with_secret = await open_signer(configured, engine, clock)
    token = with_secret.sign(Purpose.ANSWER, PUPIL, Claim(5, "sick"))
    assert LinkSigner(b"c" * 40, clock, lifetimes(configured)).verify(
        Purpose.ANSWER, token, PUPIL
    ) == Claim(5, "sick")
    stored = await open_signer(Settings(web_url="https://g.example"), engine, clock)
    assert stored.verify(Purpose.ANSWER, token, PUPIL) is None


def test_a_signer_needs_a_lifetime_for_every_purpose():
    clock = VirtualClock(dt.datetime(2026, 11, 17, 9, 30, tzinfo=BRUSSELS))
    with pytest.raises(ValueError, match="unsubscribe"):
        LinkSigner(SECRET, clock, {Purpose.ANSWER: dt.timedelta(1), Purpose.WORDS: dt.timedelta(1)})
