"""Callback data: within Telegram's 64 bytes, and acting only for the chat it was sent to."""

from __future__ import annotations

import pytest

from integrations.telegram.callbacks import MAX_BYTES, Tap, callback_secret, sign, verify

SECRET = callback_secret("123456:test-token")
CHAT = 5_550_001


@pytest.mark.parametrize(
    "key", ["sick", "want_to_talk", "will_contact_school", "return:2026-11-20"]
)
def test_a_tap_from_the_chat_the_button_went_to_is_what_it_says(key):
    data = sign(SECRET, 9_876_543_210, key, CHAT)

    assert len(data.encode()) <= MAX_BYTES
    assert verify(SECRET, data, CHAT) == Tap(9_876_543_210, key)


def test_data_from_another_chat_acts_on_nobody():
    data = sign(SECRET, 12, "sick", CHAT)

    assert verify(SECRET, data, CHAT + 1) is None


@pytest.mark.parametrize(
    "forged",
    [
        "o.13.sick.",  # no MAC
        "o.12.want_to_talk.",  # another answer, MAC left off
        "sick",
        "",
        "o.12.sick.AAAAAAAAAAAAAAAA",
    ],
)
def test_made_up_or_altered_data_acts_on_nobody(forged):
    assert verify(SECRET, forged, CHAT) is None


def test_changing_the_row_or_the_answer_breaks_the_mac():
    data = sign(SECRET, 12, "sick", CHAT)
    mac = data.rsplit(".", 1)[1]

    assert verify(SECRET, f"o.13.sick.{mac}", CHAT) is None
    assert verify(SECRET, f"o.12.not_good.{mac}", CHAT) is None


def test_another_token_makes_old_buttons_invalid():
    data = sign(SECRET, 12, "sick", CHAT)

    assert verify(callback_secret("123456:new-token"), data, CHAT) is None


def test_a_key_that_is_not_a_quick_reply_is_refused():
    with pytest.raises(ValueError, match="not a quick-reply key"):
        sign(SECRET, 12, "Sick; DROP", CHAT)
