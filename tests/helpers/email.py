"""What the e-mail channel's tests share: answer pages that make recognisable links, a
directory of addresses that remembers what it forgot, and outreach rows to send."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot.outbox import Outgoing
from integrations.email import EmailChannel, EmailOptions, Sender, SendRate, SmtpClient
from integrations.email.local_server import LocalSmtpServer
from messages import SAMPLE_CONTEXT, render_outreach
from scheduler.clock import BRUSSELS, VirtualClock

NOW = dt.datetime(2026, 11, 17, 10, 30, tzinfo=BRUSSELS)
SCHOOL = "Sint-Jozefcollege"
SENDER = Sender(
    "secretariaat@sint-jozef.example", SCHOOL, "leerlingenbegeleiding@sint-jozef.example"
)
WEB = "https://gemist.sint-jozef.example"


class Pages:
    """:class:`~bot.outbox.plugin.AnswerPages` with links that say what they are for, and a
    character that must be escaped in HTML (``&``)."""

    def answer(self, message: Outgoing, key: str) -> str:
        return f"{WEB}/answer?row={message.id}&key={key}"

    def words(self, message: Outgoing) -> str:
        return f"{WEB}/words?row={message.id}&t=w"

    def unsubscribe(self, message: Outgoing) -> str:
        return f"{WEB}/stop?row={message.id}&t=u"


class Addresses:
    """A directory of e-mail addresses by (role, id); :attr:`forgotten` records bounces."""

    def __init__(self, addresses: Mapping[tuple[str, int], str] | None = None) -> None:
        self.addresses = dict(addresses or {})
        self.forgotten: list[tuple[str, str, int]] = []

    async def address_of(self, channel: str, role: str, person_id: int) -> str | None:
        return self.addresses.get((role, person_id)) if channel == "email" else None

    async def forget(self, channel: str, role: str, person_id: int) -> None:
        self.forgotten.append((channel, role, person_id))
        self.addresses.pop((role, person_id), None)

    async def move(self, channel: str, role: str, person_id: int, address: str) -> None:
        raise AssertionError("e-mail addresses do not move")


def payload() -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in SAMPLE_CONTEXT.items()
    }


def outgoing(
    row: int = 1,
    *,
    kind: str = "guardian_notice",
    role: str = "guardian",
    person: int = 1,
    lang: str = "nl",
    rendered: bool = True,
) -> Outgoing:
    """An outreach row as the channel gets it: rendered as rendering does for a channel with
    answer links (choices as buttons, the text per language as parts)."""
    message = Outgoing(
        id=row, school_id="school", idempotency_key=f"test:{row}", kind=kind,
        recipient_role=role, recipient_id=person, channel="email", pupil_id=1, lang=lang,
        payload=payload(), text=None, due_at=NOW, expires_at=NOW + dt.timedelta(days=1),
        attempts=0, claimed_by="w1", claimed_at=NOW,
    )  # fmt: skip
    if not rendered:
        return message
    done = render_outreach(kind, lang, message.payload)
    return dataclasses.replace(
        message,
        text=done.text,
        lang=done.lang,
        buttons=tuple((button.key, button.label) for button in done.buttons),
        parts=tuple((part.lang, part.text) for part in done.parts),
    )


def options(server: LocalSmtpServer, **changes: Any) -> EmailOptions:
    """Settings that reach ``server`` (plain, as it is local)."""
    values: dict[str, Any] = {
        "host": server.host,
        "port": server.port,
        "security": "none",
        "from_address": SENDER.address,
        "from_name": SENDER.name,
        "reply_to": SENDER.reply_to,
        "timeout": 5,
    }
    values.update(changes)
    return EmailOptions.model_validate(values)


def channel(
    server: LocalSmtpServer,
    directory: Addresses,
    *,
    rate: SendRate | None = None,
    **changes: Any,
) -> EmailChannel:
    """The channel as the plug-in builds it, sending to ``server`` without a pause."""
    return EmailChannel(
        SmtpClient(options(server, **changes)),
        directory,
        Pages(),
        SENDER,
        rate or SendRate(1_000_000),
        VirtualClock(NOW),
    )
