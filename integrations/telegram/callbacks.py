"""The data behind a quick-reply button: opaque, short, and bound to the chat it was sent to.

Telegram hands a button's ``callback_data`` (1-64 bytes) back to the bot when someone taps it,
together with who tapped. Anyone can make a client send any data, so the data cannot be
trusted as such: it names the outreach row and the answer, and carries a MAC over both and
the chat the message went to. A tap counts only when the MAC fits the chat it comes from, so
data copied from another chat, made up, or altered acts on nobody::

    o.1234.want_to_talk.Q2x9HqLm1sZp0aVw
    │ │    │            └ 16 characters: HMAC-SHA256(secret, "1234.want_to_talk.<chat id>")
    │ │    └ the answer's key (docs/contracts.md)
    │ └ the outreach row
    └ format version

A tap on the same button twice is the same answer twice; the bot stores an answer once
(the reply's own idempotency), so a replay changes nothing either.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import NamedTuple

__all__ = ["MAX_BYTES", "Tap", "callback_secret", "sign", "verify"]

MAX_BYTES = 64
"""Telegram's limit on ``callback_data``."""

_PREFIX = "o"
_MAC_CHARS = 16  # 96 bits
_KEY = re.compile(r"[a-z_]{1,24}(?::[a-z0-9-]{1,10})?")  # "sick", "return:2026-11-23", "lang:tr"
_DATA = re.compile(
    rf"{_PREFIX}\.(\d{{1,18}})\.([a-z_:0-9-]{{1,35}})\.([A-Za-z0-9_-]{{{_MAC_CHARS}}})"
)


class Tap(NamedTuple):
    """A verified tap: which outreach row, which answer."""

    outreach_id: int
    key: str


def callback_secret(token: str) -> bytes:
    """The MAC key, derived from the bot's token: secret like it, and nothing more to keep.

    A new token makes the buttons of older messages stop working (they answer that the button
    is no longer valid), which is what a leaked token calls for anyway.
    """
    return hashlib.sha256(b"gemist callback data\x00" + token.encode()).digest()


def sign(secret: bytes, outreach_id: int, key: str, chat_id: int) -> str:
    """The callback data of the button ``key`` on outreach ``outreach_id`` sent to ``chat_id``."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a quick-reply key: {key!r}")
    data = f"{_PREFIX}.{outreach_id}.{key}.{_mac(secret, outreach_id, key, chat_id)}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data of outreach {outreach_id} is over {MAX_BYTES} bytes")
    return data


def verify(secret: bytes, data: str, chat_id: int) -> Tap | None:
    """The tap ``data`` stands for when it was made for ``chat_id``; ``None`` otherwise."""
    match = _DATA.fullmatch(data)
    if match is None:
        return None
    outreach_id, key, mac = int(match[1]), match[2], match[3]
    if not hmac.compare_digest(mac, _mac(secret, outreach_id, key, chat_id)):
        return None
    return Tap(outreach_id, key)


def _mac(secret: bytes, outreach_id: int, key: str, chat_id: int) -> str:
    digest = hmac.new(secret, f"{outreach_id}.{key}.{chat_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:_MAC_CHARS]
