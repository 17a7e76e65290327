"""The Smartschool channel: an outreach row becomes one message in a Smartschool inbox.

The person's contact address names the inbox (:mod:`.addresses`): an account's own
(``jan.peeters``: a pupil, a member of staff) or one of its co-accounts (``jan.peeters#2``: a
parent). The message goes through ``sendMsg`` from the school's sender account, with a title
and an HTML body (:mod:`.compose`); ``copyToLVS`` only when the school turned it on.

Every answer becomes a :class:`~bot.outbox.DeliveryOutcome`; what happens next is the
dispatcher's decision:

======================================  =====================================================
Smartschool says                        outcome
======================================  =====================================================
0                                       ``sent``
(no address in the directory)           ``invalid_recipient`` "no Smartschool account"
(an address that is no inbox)           ``invalid_recipient``; the address is forgotten
unknown user (9, 12), and the sender    ``invalid_recipient``; the address is forgotten, so
account is known                        the contact becomes ``bounced``: the next channel
                                        takes over and the spilfiguur is told once
unknown user, and the sender account    ``channel_paused``: [smartschool] sender is wrong,
is unknown too                          nobody's address is
unknown user, and the sender cannot be  ``failed_temporarily``: nobody is bounced on a guess
checked now (getUserDetails fails)
access code refused (8), method not     ``channel_paused`` for :data:`PAUSE` seconds: nothing
allowed (101)                           is sent until then, no attempt is counted, nobody is
                                        bounced; an error in the log says what to fix
no connection, HTTP 5xx, server fault   ``failed_temporarily``: tried again later
no answer after the message went out    ``failed_temporarily``: tried again later, though it
(timeout, dropped connection)           may have arrived (see below)
an answer that cannot be read           ``failed_permanently``: Smartschool answered, so it
                                        most likely arrived; not sent again
a fault that blames the call, another   ``failed_permanently`` with Smartschool's code
numeric code
======================================  =====================================================

``detail`` names the method and Smartschool's code, never an address, the text or the access
code.

A request that got no answer may have been carried out: Smartschool has no way to send a message
"once only", so trying again may show it twice. As on Telegram, that is the one duplicate this
channel allows: a family that misses the school's question is worse off than one that reads it
twice, and a timeout after the request arrived is rare.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.outbox import Capabilities, Channel, DeliveryOutcome, Outgoing
from bot.outbox.plugin import AnswerPages, Directory
from integrations.exceptions import IntegrationError
from integrations.smartschool.addresses import parse
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.compose import compose
from integrations.smartschool.exceptions import (
    SmartschoolAccessRefused,
    SmartschoolBadAnswer,
    SmartschoolError,
    SmartschoolFault,
    SmartschoolMethodNotAllowed,
    SmartschoolNoAnswer,
    SmartschoolUnavailable,
    SmartschoolUnknownUser,
)
from scheduler.clock import Clock

__all__ = ["NAME", "PAUSE", "SmartschoolChannel"]

log = logging.getLogger(__name__)

NAME = "smartschool"
PAUSE = 15 * 60.0
"""Seconds the channel waits after Smartschool refused its access code or its sender, before
it tries one message again: long enough not to knock on a closed door all day, short enough
that messages go out soon after the administrator fixed it."""

CHECK_CODE = (
    "Smartschool refused the access code for sendMsg: check [smartschool] access_code "
    "(GEMIST_SMARTSCHOOL_ACCESS_CODE) against the webservices settings in Smartschool"
)
ALLOW_METHOD = (
    "the Smartschool access code does not allow sendMsg: an administrator must allow it in "
    "Smartschool's webservices settings (and this server's IP address, if they are limited)"
)
CHECK_SENDER = (
    "Smartschool does not know the sender account: check [smartschool] sender "
    "(GEMIST_SMARTSCHOOL_SENDER), a user identifier of the school's Smartschool"
)
MAYBE_SENT = "it may have arrived, so it is not sent again"
MAYBE_TWICE = "tried again, though it may have arrived"


class SmartschoolChannel(Channel):
    """Sends rendered outreach as Smartschool messages through ``client`` from ``sender``."""

    capabilities = Capabilities(
        buttons=False, html=True, max_length=None, inbound_answers=False, answer_links=True
    )

    def __init__(
        self,
        client: SmartschoolClient,
        directory: Directory,
        pages: AnswerPages,
        clock: Clock,
        *,
        sender: str,
        school: str,
        copy_to_lvs: bool = False,
        pause: float = PAUSE,
    ) -> None:
        self._client = client
        self._directory = directory
        self._pages = pages
        self._clock = clock
        self._sender = sender
        self._school = school
        self._copy_to_lvs = copy_to_lvs
        self._pause = pause
        self._paused_until: datetime | None = None
        self._paused_for = ""
        self._sender_known = False

    async def __aexit__(self, *_exc: object) -> None:
        await self._client.close()

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        if not message.text and not message.parts:
            return DeliveryOutcome.failed_permanently("no text: the message was not rendered")
        if (waiting := self._still_paused()) is not None:
            return waiting
        person = (message.recipient_role, message.recipient_id)
        address = await self._directory.address_of(NAME, *person)
        if address is None:
            return DeliveryOutcome.invalid_recipient("no Smartschool account")
        try:
            identifier, coaccount = parse(address)
        except ValueError:
            return await self._bounced(message, "not a Smartschool inbox address")
        composed = compose(message, self._pages, self._school)
        try:
            await self._client.send_msg(
                identifier,
                composed.title,
                composed.body,
                sender_identifier=self._sender,
                coaccount=coaccount,
                copy_to_lvs=self._copy_to_lvs,
            )
        except SmartschoolUnknownUser as err:
            return await self._unknown(message, err)
        except SmartschoolMethodNotAllowed:
            return self._paused(ALLOW_METHOD)
        except SmartschoolAccessRefused:
            return self._paused(CHECK_CODE)
        except SmartschoolNoAnswer as err:
            return DeliveryOutcome.failed_temporarily(f"{err}: {MAYBE_TWICE}")
        except SmartschoolUnavailable as err:
            return DeliveryOutcome.failed_temporarily(str(err))
        except SmartschoolBadAnswer as err:
            return DeliveryOutcome.failed_permanently(f"{err}: {MAYBE_SENT}")
        except SmartschoolFault as err:
            if err.ours:
                return DeliveryOutcome.failed_permanently(str(err))
            return DeliveryOutcome.failed_temporarily(str(err))
        except SmartschoolError as err:
            return DeliveryOutcome.failed_permanently(str(err))
        self._sender_known = True  # it sent: whatever is unknown later is the recipient
        return DeliveryOutcome.sent()

    async def _unknown(self, message: Outgoing, err: SmartschoolUnknownUser) -> DeliveryOutcome:
        """Smartschool says 'unknown user' for the recipient and for the sender alike: the
        recipient's address is forgotten only once the sender is known to be good."""
        if not self._sender_known:
            try:
                await self._client.user_details(self._sender)
            except SmartschoolUnknownUser:
                return self._paused(CHECK_SENDER)
            except IntegrationError as check:
                # Which account is unknown cannot be told now: nobody is bounced on a guess.
                return DeliveryOutcome.failed_temporarily(
                    f"{err}; the sender account could not be checked ({type(check).__name__})"
                )
            self._sender_known = True
        return await self._bounced(message, f"unknown user (Smartschool error {err.code})")

    async def _bounced(self, message: Outgoing, reason: str) -> DeliveryOutcome:
        await self._directory.forget(NAME, message.recipient_role, message.recipient_id)
        return DeliveryOutcome.invalid_recipient(reason)

    def _paused(self, reason: str) -> DeliveryOutcome:
        """Stop sending for :attr:`_pause` seconds: the channel is broken for everyone."""
        now = self._clock.now()
        self._paused_until = now + timedelta(seconds=self._pause)
        self._paused_for = reason
        minutes = self._pause / 60
        log.error(
            "smartschool: %s; nothing is sent over Smartschool until it is fixed (the messages "
            "wait and are tried again every %g minutes; nobody's contact is changed)",
            reason,
            minutes,
        )
        return DeliveryOutcome.channel_paused(self._pause, reason)

    def _still_paused(self) -> DeliveryOutcome | None:
        if self._paused_until is None:
            return None
        left = (self._paused_until - self._clock.now()).total_seconds()
        if left <= 0:
            self._paused_until = None
            return None
        return DeliveryOutcome.channel_paused(left, self._paused_for)
