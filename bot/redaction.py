"""Secrets and invitation codes kept out of everything Gemist logs or prints as an error.

One :class:`Redactor` knows what must never be shown:

- every secret of the settings: the values of the fields typed :class:`bot.config.Secret` or
  pydantic's ``SecretStr``/``SecretBytes``, the password of any URL (``database_url``), and
  the values of keys named like a secret in the channels' own tables and variables (``[email]
  password``, ``GEMIST_SMARTSCHOOL_ACCESS_CODE``), which the settings keep as plain text,
  found by walking the settings (dataclasses, pydantic models, mappings and sequences inside
  them), so a new setting typed as a secret (an SMTP password, a Smartschool access code) is
  redacted without touching this module; each also as it looks URL-encoded (a token in a
  quoted ``/bot<TOKEN>/getMe`` path);
- anything shaped like a bot token (``123456:ABC...``), whoever's it is;
- invitation codes: the ``start=<code>`` of a link (``start%3D`` too) and the code after
  ``/start`` in a message.

The command line installs it for every command (:func:`installed`): one logging filter on the
root logger, on its handlers and on logging's last resort, which rewrites each record's message,
arguments, exception text and stack, whatever library logged it; and stderr itself, so that a
traceback or a warning printed by any library is redacted too. Error messages are made with
:func:`describe_error`. Standard output is left alone: it is the command's product (the links of
``gemist invite`` are meant to be seen there).

Secrets shorter than :data:`MIN_SECRET_LENGTH` characters are not searched for (they would blank
ordinary words); the configuration's secrets are all longer.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO, cast
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, SecretBytes, SecretStr

from bot.config import Secret

__all__ = [
    "MIN_SECRET_LENGTH",
    "REDACTED",
    "RedactingFilter",
    "Redactor",
    "describe_error",
    "installed",
    "redact",
    "settings_secrets",
]

REDACTED = "<redacted>"
MIN_SECRET_LENGTH = 6
MAX_ERROR = 200
"""Characters of an error's message that :func:`describe_error` keeps."""

_TOKEN_SHAPE = re.compile(r"\d{5,}(?::|%3[Aa])[A-Za-z0-9_-]{20,}")
_INVITE_LINK = re.compile(r"(start(?:=|%3[Dd]))[^\s&\"'<>\\]+")
_START_COMMAND = re.compile(r"((?:/|%2[Ff])start(?:@\w+)?(?:[ \t]|%20|\+)+)[^\s\"'<>\\&]+")
_URL_PASSWORD = re.compile(r"://[^:/@\s]+:([^@/\s]+)@")
_SECRET_KEY = re.compile(r"(password|passwd|secret|token|access_?code|api_?key)$", re.IGNORECASE)
"""A key whose plain-string value is a secret: in the channels' own tables and variables,
which the settings keep unchecked (``[email] password``, ``GEMIST_SMARTSCHOOL_ACCESS_CODE``)
until a plug-in reads them into its model."""


class Redactor:
    """Replaces secrets, token-shaped strings and invitation codes in a text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if len(secret) >= MIN_SECRET_LENGTH:
                forms |= {secret, quote(secret, safe=""), quote_plus(secret)}
        ordered = sorted(forms, key=len, reverse=True)  # a longer form before its prefix
        self._secrets = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: str) -> str:
        if self._secrets is not None:
            text = self._secrets.sub(REDACTED, text)
        text = _TOKEN_SHAPE.sub(REDACTED, text)
        text = _INVITE_LINK.sub(rf"\g<1>{REDACTED}", text)
        return _START_COMMAND.sub(rf"\g<1>{REDACTED}", text)


def settings_secrets(settings: object) -> list[str]:
    """The values of every secret field in ``settings``, at any depth."""
    return list(_walk(settings, depth=0))


def _walk(value: object, depth: int) -> Iterator[str]:
    if isinstance(value, str):  # the password of a URL (database_url)
        yield from (found.group(1) for found in _URL_PASSWORD.finditer(value))
        return
    if depth > 8 or value is None or isinstance(value, bytes | int | float | bool):
        return
    if isinstance(value, Secret):
        yield value.reveal()
    elif isinstance(value, SecretStr):
        yield value.get_secret_value()
    elif isinstance(value, SecretBytes):
        yield value.get_secret_value().decode(errors="replace")
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _walk(getattr(value, item.name), depth + 1)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and isinstance(item, str) and _SECRET_KEY.search(key):
                yield item
            yield from _walk(item, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _walk(item, depth + 1)


_active = Redactor()


def redact(text: str) -> str:
    """``text`` without the secrets of the running command (token shapes and codes always)."""
    return _active(text)


def describe_error(err: BaseException) -> str:
    """The error's type and the first line of its message, shortened and redacted: safe to
    log or print.

    SQLAlchemy puts the statement and its parameters (which can hold personal data) on the
    lines after the first; the first line is the driver's own message. A Bot API error's text
    may quote the request's path, and with it the token.
    """
    message = str(err).strip()
    text = message.splitlines()[0] if message else ""
    text = redact(text)
    if len(text) > MAX_ERROR:
        text = text[: MAX_ERROR - 1] + "…"
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (with its arguments), exception text and stack."""

    def __init__(self, redactor: Callable[[str], str]) -> None:
        super().__init__()
        self._redact = redactor
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


class _RedactingStream:
    """A text stream that redacts what is written to it and passes everything else on."""

    def __init__(self, stream: TextIO, redactor: Callable[[str], str]) -> None:
        self._stream = stream
        self._redact = redactor

    def write(self, text: str) -> int:
        self._stream.write(self._redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def installed(settings: object) -> Iterator[Redactor]:
    """Redact the secrets of ``settings`` from every log record and from stderr, until the
    block ends; handlers added to the root logger meanwhile are covered by :func:`cover`."""
    global _active
    redactor = Redactor(settings_secrets(settings))
    previous, _active = _active, redactor
    log_filter = RedactingFilter(redactor)
    stderr = sys.stderr
    sys.stderr = cast(TextIO, _RedactingStream(stderr, redactor))
    root = logging.getLogger()
    covered = [root, *root.handlers, *([logging.lastResort] if logging.lastResort else [])]
    for item in covered:
        item.addFilter(log_filter)
    _filters.append(log_filter)
    try:
        yield redactor
    finally:
        _filters.remove(log_filter)
        for item in {*covered, *root.handlers}:
            item.removeFilter(log_filter)
        sys.stderr = stderr
        _active = previous


_filters: list[RedactingFilter] = []


def cover() -> None:
    """Put the active filter on root handlers added since :func:`installed` (``basicConfig``)."""
    for log_filter in _filters:
        for handler in logging.getLogger().handlers:
            if log_filter not in handler.filters:
                handler.addFilter(log_filter)
