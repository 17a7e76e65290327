"""One outreach message as an e-mail a mail program shows well.

``multipart/alternative``: the plain text first, then a simple HTML version (inline styles, no
images, nothing loaded from elsewhere, nothing that tracks a reader). A guardian reads the
translation first and the Dutch original below it, each in its own labelled section with
``lang`` and, for Arabic, Persian and Pashto, ``dir="rtl"``. The answers are links, one per
choice, to Gemist's answer pages; under them a link to write something else. The footer says
who sends this, why the reader gets it, that replying is fine, and how to stop.

Headers: RFC 8058 one-click unsubscribe (``List-Unsubscribe`` with ``List-Unsubscribe-Post``),
``Auto-Submitted: auto-generated`` (RFC 3834: no autoreplies back to it) and a ``Message-ID``
that is the same for every attempt at one outreach row, so that a mail program that gets a
message twice (a timeout after the server had accepted it) shows it once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address, BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP, Policy
from email.utils import format_datetime
from typing import Any

from bot.outbox import Outgoing
from bot.outbox.plugin import AnswerPages
from integrations.email.texts import wording
from integrations.layout.html import (
    Link,
    Section,
    Wording,
    attr,
    direction,
    escape,
    fragment,
    sections,
)

__all__ = ["MAX_HTML", "Sender", "compose"]

MAX_HTML = 100_000
"""The largest HTML part, in bytes; past it (Gmail cuts a message at 102 KB) the e-mail is
sent as plain text alone, which says the same."""


class _SharedHeader(BaseHeader):
    """A header that folds itself once: shared by every e-mail with the same header."""

    def fold(self, *, policy: Policy) -> str:
        # By what shapes the result: another policy may fold at another width or end lines
        # otherwise.
        shape = (
            policy.linesep,
            policy.max_line_length,
            getattr(policy, "utf8", False),
            policy.cte_type,
        )
        folded: dict[tuple[object, ...], str] = self.__dict__.setdefault("_folded", {})
        done = folded.get(shape)
        if done is None:
            done = folded[shape] = super().fold(policy=policy)
        return done


class _Headers(HeaderRegistry):
    """The standard registry, made faster for e-mails that repeat most of their headers.

    Parsing and folding headers is most of the time Python spends on an e-mail, and half of
    an outreach e-mail's headers are the same in every one (``From``, ``Auto-Submitted``, the
    parts' ``Content-Type``). Headers are immutable, so one parsed header serves all: the
    :data:`_SHARED` most recently used are kept by name and text. The standard registry also
    makes a new class for every header it parses; this one makes each once.
    """

    def __init__(self) -> None:
        super().__init__(base_class=_SharedHeader)
        self._made: dict[str, type[BaseHeader]] = {}
        self._parsed: OrderedDict[tuple[str, str], BaseHeader] = OrderedDict()

    def __getitem__(self, name: str) -> type[BaseHeader]:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = super().__getitem__(name)
        return made

    def __call__(self, name: str, value: Any) -> BaseHeader:
        if type(value) is not str:  # an Address, a header from elsewhere: as usual
            return super().__call__(name, value)
        key = (name.lower(), value)
        header = self._parsed.get(key)
        if header is None:
            header = self._parsed[key] = super().__call__(name, value)
            if len(self._parsed) > _SHARED:
                self._parsed.popitem(last=False)  # the least recently used
        else:
            self._parsed.move_to_end(key)
        return header


_SHARED = 256
_MAX_LINE = 998  # RFC 5322 2.1.1: a longer line must be encoded
POLICY = SMTP.clone(cte_type="7bit", header_factory=_Headers())


@dataclass(frozen=True, slots=True)
class Sender:
    """Who the e-mails are from: the school."""

    address: str
    name: str
    reply_to: str | None = None

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]

    @property
    def header(self) -> str:
        """The ``From`` header's value, the name quoted where it needs to be."""
        return str(Address(self.name, addr_spec=self.address))


def compose(
    message: Outgoing, to: str, sender: Sender, pages: AnswerPages, now: datetime
) -> EmailMessage:
    """The e-mail for ``message`` to the address ``to``, dated ``now``."""
    parts = message.parts or ((message.lang.split("+")[0], message.text or ""),)
    reader = parts[0][0]
    words = wording(reader, message.recipient_role, sender.name)
    laid_out = sections(parts, words)
    answers = [Link(label, pages.answer(message, key)) for key, label in message.buttons]
    other = Link(words.other, pages.words(message))
    unsubscribe = pages.unsubscribe(message)

    email = EmailMessage(policy=POLICY)
    # One line whatever the subject holds: a line break would end the header.
    email["Subject"] = " ".join((message.subject or "").split()) or words.subject
    email["From"] = sender.header
    email["To"] = to
    if sender.reply_to is not None:
        email["Reply-To"] = sender.reply_to
    email["Date"] = format_datetime(now)
    email["Message-ID"] = _message_id(message, sender.domain)
    email["Auto-Submitted"] = "auto-generated"
    # Exchange: no out-of-office or other automatic replies; bounces still come back.
    email["X-Auto-Response-Suppress"] = "OOF, AutoReply"
    email["List-Unsubscribe"] = f"<{unsubscribe}>"
    email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    plain = _plain(laid_out, answers, other, words, unsubscribe)
    email.set_content(plain, cte=_transfer_encoding(plain))
    page = _html(laid_out, answers, other, words, unsubscribe, email["Subject"])
    if len(page.encode()) <= MAX_HTML:
        # A boundary of our own: random, so it is in no text; left to the library, it is
        # checked against the whole message with a regular expression compiled each time.
        email.make_alternative(boundary=f"=_gemist_{secrets.token_hex(16)}")
        email.add_alternative(page, subtype="html", cte=_transfer_encoding(page))
    # After the content: setting it clears the Content-* headers.
    email["Content-Language"] = ", ".join(dict.fromkeys(lang for lang, _ in parts))
    return email


def _message_id(message: Outgoing, domain: str) -> str:
    # The row's promise, not the attempt: a second attempt at one row has the same id. The
    # digest keeps the school's ids and keys out of a header that travels everywhere.
    seed = f"{message.school_id}\x00{message.idempotency_key}\x00{message.id}"
    return f"<{hashlib.sha256(seed.encode()).hexdigest()[:32]}.gemist@{domain}>"


def _plain(
    sections: list[Section],
    answers: list[Link],
    other: Link,
    words: Wording,
    unsubscribe: str,
) -> str:
    blocks: list[str] = []
    for number, section in enumerate(sections):
        if number:
            blocks.append("\u2014\u2014\u2014")
        blocks.append(f"{section.label}\n\n{section.text}" if section.label else section.text)
        if number == 0:
            blocks.append(_plain_links(answers, other, words))
    footer = [words.why, words.reply, f"{words.stop} {words.unsubscribe}: {unsubscribe}"]
    blocks.append("-- \n" + "\n".join(footer))  # "-- " marks a signature for mail programs
    return "\n\n".join(blocks) + "\n"


def _plain_links(answers: list[Link], other: Link, words: Wording) -> str:
    lines = []
    if answers:
        lines.append(words.choose)
        lines.extend(f"\N{BULLET} {link.caption}: {link.url}" for link in answers)
        lines.append(words.confirm)
        lines.append("")
    lines.append(f"{other.caption}: {other.url}")
    return "\n".join(lines)


_BODY = (
    "margin:0;padding:0;background:#f4f4f2;color:#1f1f1f;"
    "font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5"
)


def _html(
    sections: list[Section],
    answers: list[Link],
    other: Link,
    words: Wording,
    unsubscribe: str,
    subject: str,
) -> str:
    reader = sections[0].lang
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{attr(reader)}" dir="{direction(reader)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(subject)}</title>\n</head>\n"
        f'<body style="{_BODY}">\n'
        + fragment(sections, answers, other, words, unsubscribe)
        + "\n</body>\n</html>\n"
    )


def _transfer_encoding(text: str) -> str:
    """Plain ASCII as it is; anything else in base64, which every mail program reads and
    Python writes ten times faster than quoted-printable (a third of an e-mail's time)."""
    if text.isascii() and max(map(len, text.splitlines()), default=0) <= _MAX_LINE:
        return "7bit"
    return "base64"
