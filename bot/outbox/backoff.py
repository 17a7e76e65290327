"""How long to wait before trying a message again: exponential backoff with seeded jitter.

The jitter spreads retries out, so that the messages of an outage do not all come back in the
same second (and hit the channel's rate limit together). It is drawn from a hash of the
message's idempotency key and the attempt number, not from a random generator: a replay
(``gemist simulate``) gives the same retry times, byte for byte, on every run and backend.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

__all__ = ["RetryPolicy"]

# 2**64 already dwarfs any cap; stopping the exponent there keeps the float finite.
_MAX_EXPONENT = 64


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Retries of temporary failures: ``max_attempts`` delivery attempts in all, then the message
    is dead-lettered.

    After the n-th failed attempt the wait is ``base * factor**(n-1)``, at most ``cap``, of which
    the last ``jitter`` fraction is random. With the defaults the seven waits are 15-30 s,
    30-60 s, 1-2 min, ... 16-32 min: half an hour to an hour of trying in all. An outage longer
    than that is better seen by a person (the dead letter) than retried for ever; a message's
    ``expires_at`` stops it earlier when it would be stale.
    """

    max_attempts: int = 8
    base: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=1)
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {self.max_attempts}")
        if self.base <= timedelta(0) or self.cap < self.base:
            raise ValueError(f"need 0 < base <= cap, not base={self.base} cap={self.cap}")
        if self.factor < 1:
            raise ValueError(f"factor must be at least 1, not {self.factor}")
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"jitter must be a fraction from 0 to 1, not {self.jitter}")

    def delay(self, attempt: int, key: str) -> timedelta:
        """The wait after the ``attempt``-th failed attempt (counting from 1) of message ``key``."""
        if attempt < 1:
            raise ValueError(f"attempts count from 1, not {attempt}")
        exponent = min(attempt - 1, _MAX_EXPONENT)
        ceiling = min(self.cap.total_seconds(), self.base.total_seconds() * self.factor**exponent)
        return timedelta(seconds=ceiling * (1 - self.jitter * _unit(key, attempt)))


def _unit(key: str, attempt: int) -> float:
    """A number in [0, 1) that depends only on ``key`` and ``attempt``."""
    digest = hashlib.blake2b(f"{key}\x00{attempt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64
