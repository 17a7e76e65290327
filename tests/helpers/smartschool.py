"""What the Smartschool channel's tests share: a directory of inbox addresses that remembers
what it forgot, outreach rows rendered for the channel, and the channel on a local server."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from bot.outbox import Outgoing
from bot.outbox.plugin import Refusal
from integrations.smartschool.channel import SmartschoolChannel
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.local_school import TEACHER, Account
from integrations.smartschool.local_server import LocalSmartschool
from messages import render_outreach
from scheduler.clock import VirtualClock
from tests.helpers.email import NOW, SCHOOL, Pages
from tests.helpers.email import outgoing as email_outgoing

SENDER = "zorgteam"
SENDER_ACCOUNT = Account("9100", SENDER, "Zorgteam", "Sint-Jozef", basisrol=TEACHER)


class Inboxes:
    """A directory of Smartschool addresses by (role, id); :attr:`forgotten` records bounces."""

    def __init__(self, addresses: Mapping[tuple[str, int], str] | None = None) -> None:
        self.addresses = dict(addresses or {})
        self.forgotten: list[tuple[str, str, int]] = []

    async def address_of(self, channel: str, role: str, person_id: int) -> str | None:
        return self.addresses.get((role, person_id)) if channel == "smartschool" else None

    async def forget(
        self, channel: str, role: str, person_id: int, why: Refusal | None = None
    ) -> None:
        self.forgotten.append((channel, role, person_id))
        self.addresses.pop((role, person_id), None)

    async def move(self, channel: str, role: str, person_id: int, address: str) -> None:
        raise AssertionError("Smartschool addresses do not move")


def outgoing(
    row: int = 1,
    *,
    kind: str = "guardian_notice",
    role: str = "guardian",
    person: int = 1,
    lang: str = "nl",
    subject_override: str | None = None,
) -> Outgoing:
    """An outreach row for Smartschool, rendered as rendering does for a channel with answer
    links: choices as buttons, the text per language as parts, the subject."""
    message = email_outgoing(row, kind=kind, role=role, person=person, lang=lang)
    subject = render_outreach(kind, lang, message.payload).subject
    if subject_override is not None:
        subject = subject_override
    return dataclasses.replace(message, channel="smartschool", subject=subject)


def channel(
    server: LocalSmartschool,
    access_code: str,
    directory: Inboxes,
    *,
    clock: VirtualClock | None = None,
    copy_to_lvs: bool = False,
    sender: str = SENDER,
    timeout: float = 2.0,
) -> SmartschoolChannel:
    """The channel as the plug-in builds it, on ``server``, with a client that does not wait
    between tries."""

    async def no_wait(_seconds: float) -> None:
        return None

    client = SmartschoolClient(
        server.url, access_code, timeout=timeout, attempts=2, backoff=0.0, sleep=no_wait
    )
    return SmartschoolChannel(
        client,
        directory,
        Pages(),
        clock or VirtualClock(NOW),
        sender=sender,
        school=SCHOOL,
        copy_to_lvs=copy_to_lvs,
    )
