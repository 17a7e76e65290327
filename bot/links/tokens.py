"""Signed, expiring tokens for the answer links (itsdangerous).

A token carries only what the page must know to find its message: the outreach row's id and the
answer's key (``[412, "sick"]``, base64 in the link), and the moment it was made. Its signature
(HMAC-SHA256 over both and the moment) is keyed, besides the secret, by the purpose (answer,
own words, unsubscribe) and by the recipient and channel the row went to: a token made to answer
is no unsubscribe link, and a token checked against a row for anyone else, or sent on another
channel, fails. Without the secret nobody can make one; an altered character breaks it; it
expires after its purpose's lifetime.

Checking is two steps, because the recipient is the row's: :meth:`LinkSigner.peek` reads the
(unproven) row id from the token, the caller reads that row, and :meth:`LinkSigner.verify`
proves the token for that row's recipient. Nothing is trusted before ``verify``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from scheduler.clock import Clock

__all__ = ["Claim", "LinkSigner", "Purpose", "Recipient"]

_SALT = "gemist.links"


class Purpose(StrEnum):
    """What a link does; each signs apart (a salt of its own)."""

    ANSWER = "answer"
    WORDS = "words"
    UNSUBSCRIBE = "unsubscribe"


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who a message went to, and on which channel: what a token is bound to."""

    role: str
    person_id: int
    channel: str


@dataclass(frozen=True, slots=True)
class Claim:
    """What a token says: the outreach row, and the answer's key (empty but for answers)."""

    outreach_id: int
    key: str = ""


class _ClockSigner(TimestampSigner):
    """itsdangerous' timestamp signer on Gemist's clock, so that expiry can be tested."""

    def __init__(self, *args: Any, clock: Clock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock.now().timestamp())


class LinkSigner:
    """Makes and checks the tokens of one secret; ``lifetimes`` says how long each purpose's
    tokens work."""

    def __init__(
        self, secret: bytes, clock: Clock, lifetimes: Mapping[Purpose, dt.timedelta]
    ) -> None:
        missing = set(Purpose) - set(lifetimes)
        if missing:
            raise ValueError(f"no lifetime for {', '.join(sorted(missing))}")
        self._secret = secret
        self._clock = clock
        self._lifetimes = dict(lifetimes)
        self._reader = self._serializer("peek")

    def lifetime(self, purpose: Purpose) -> dt.timedelta:
        return self._lifetimes[purpose]

    def sign(self, purpose: Purpose, recipient: Recipient, claim: Claim) -> str:
        """The token for ``claim`` to ``recipient``, made now."""
        return str(
            self._serializer(_salt(purpose, recipient)).dumps([claim.outreach_id, claim.key])
        )

    def peek(self, token: str) -> Claim | None:
        """What ``token`` says, unproven: only to find the row to :meth:`verify` it against;
        None when it cannot be read at all."""
        _valid, payload = self._reader.loads_unsafe(token)
        return _claim(payload)

    def verify(self, purpose: Purpose, token: str, recipient: Recipient) -> Claim | None:
        """What ``token`` says when it was made for ``purpose`` and ``recipient`` with this
        secret and has not expired; None otherwise (the caller shows the same page for every
        reason, so nobody learns which)."""
        serializer = self._serializer(_salt(purpose, recipient))
        max_age = int(self._lifetimes[purpose].total_seconds())
        try:
            payload = serializer.loads(token, max_age=max_age)
        except BadData:  # a wrong signature, another purpose or recipient, expired, garbled
            return None
        return _claim(payload)

    def _serializer(self, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            self._secret,
            salt=salt,
            signer=_ClockSigner,
            signer_kwargs={"clock": self._clock, "digest_method": hashlib.sha256},
        )


def _salt(purpose: Purpose, recipient: Recipient) -> str:
    return f"{_SALT}.{purpose.value}.{recipient.role}.{recipient.person_id}.{recipient.channel}"


def _claim(payload: object) -> Claim | None:
    """The claim of a decoded payload: a row id (a positive whole number) and a key."""
    if not isinstance(payload, list) or len(payload) != 2:
        return None
    outreach_id, key = payload
    if isinstance(outreach_id, bool) or not isinstance(outreach_id, int) or outreach_id < 1:
        return None
    if not isinstance(key, str) or len(key) > 64:
        return None
    return Claim(outreach_id, key)
