"""The e-mail channel: an outreach row becomes one e-mail to the person's address.

Every SMTP failure becomes a :class:`~bot.outbox.DeliveryOutcome`; what happens next is the
dispatcher's decision:

=========================================  ====================================================
The server says                            outcome
=========================================  ====================================================
no address in the directory                ``invalid_recipient`` "no e-mail address"
4xx to any command, 552 to ``RCPT``        ``failed_temporarily`` (RFC 5321 4.5.3.1.10: 552
                                           there means "too many", to be tried later)
421 (the server is closing, busy)          ``retry_after`` a minute
5xx to ``RCPT`` (550, 551, 553, ...)       ``invalid_recipient``; the address is forgotten, so
                                           the contact becomes ``bounced``
5xx to ``RCPT`` with a 5.7.x code          ``failed_permanently``: the server's policy (no
                                           relaying, sender not allowed), not the address
5xx to ``DATA`` with a 5.1.x code          as a refused ``RCPT``: the address does not exist
other 5xx (``MAIL FROM``, ``DATA``)        ``failed_permanently`` with the server's reason
login refused (535)                        ``failed_temporarily``, "check user and password"
timeout, dropped or refused connection     ``failed_temporarily``
=========================================  ====================================================

``detail`` holds the reply code and the server's words with every address taken out; never the
text of the message. A timeout after ``DATA`` may come after the server had accepted the
message: it is then sent again, with the same ``Message-ID`` (see :mod:`.compose`).
"""

from __future__ import annotations

import logging

from bot.outbox import Capabilities, Channel, DeliveryOutcome, Outgoing
from bot.outbox.plugin import AnswerPages, ChannelUnavailable, Directory
from integrations.email.client import (
    SmtpClient,
    SmtpLoginRefused,
    SmtpRefused,
    SmtpUnavailable,
)
from integrations.email.compose import Sender, compose
from integrations.email.ratelimit import SendRate
from integrations.email.settings import is_address
from scheduler.clock import Clock

__all__ = ["EmailChannel"]

log = logging.getLogger(__name__)

BUSY_PAUSE = 60.0
"""Seconds to wait after a 421: the server is closing connections, often for load."""
CHECK_LOGIN = "check [email] user and password (GEMIST_EMAIL_USER, GEMIST_EMAIL_PASSWORD)"
LOGIN_REFUSED = f"535 login refused: {CHECK_LOGIN}"


class EmailChannel(Channel):
    """Sends rendered outreach as e-mail through ``client``, at most ``rate``'s pace."""

    capabilities = Capabilities(
        buttons=False, html=True, max_length=None, inbound_answers=False, answer_links=True
    )

    def __init__(
        self,
        client: SmtpClient,
        directory: Directory,
        pages: AnswerPages,
        sender: Sender,
        rate: SendRate,
        clock: Clock,
    ) -> None:
        self._client = client
        self._directory = directory
        self._pages = pages
        self._sender = sender
        self._rate = rate
        self._clock = clock

    async def __aenter__(self) -> EmailChannel:
        # A wrong password is a human's job: say it at start. A server down now is not a
        # reason to stop the bot; the messages wait and are tried again.
        try:
            await self._client.check()
        except SmtpLoginRefused as err:
            raise ChannelUnavailable(f"e-mail: {err}: {CHECK_LOGIN}") from None
        except SmtpUnavailable as err:
            log.warning("e-mail: the mail server cannot be reached now (%s); trying later", err)
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._client.close()

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        if not message.text and not message.parts:
            return DeliveryOutcome.failed_permanently("no text: the message was not rendered")
        person = (message.recipient_role, message.recipient_id)
        address = await self._directory.address_of("email", *person)
        if address is None:
            return DeliveryOutcome.invalid_recipient("no e-mail address")
        if not is_address(address):
            return DeliveryOutcome.invalid_recipient("not a usable e-mail address")
        email = compose(message, address, self._sender, self._pages, self._clock.now())
        data = email.as_bytes()
        await self._rate.wait()
        try:
            await self._client.send(self._sender.address, address, data)
        except SmtpRefused as refused:
            return await self._refused(message, refused)
        except SmtpLoginRefused:
            log.error("e-mail: the mail server refused the login; %s", LOGIN_REFUSED)
            return DeliveryOutcome.failed_temporarily(LOGIN_REFUSED)
        except SmtpUnavailable as err:
            return DeliveryOutcome.failed_temporarily(str(err))
        return DeliveryOutcome.sent()

    async def _refused(self, message: Outgoing, refused: SmtpRefused) -> DeliveryOutcome:
        reason = refused.reason
        if refused.code == 421:
            return DeliveryOutcome.retry_after(BUSY_PAUSE, reason)
        if refused.temporary or (refused.stage == "recipient" and refused.code == 552):
            return DeliveryOutcome.failed_temporarily(f"{refused.stage}: {reason}")
        enhanced = refused.enhanced
        if refused.stage == "recipient" and not (enhanced and enhanced[1] == 7):
            return await self._bounced(message, reason)
        if refused.stage == "message" and enhanced and enhanced[1] == 1:
            return await self._bounced(message, reason)
        if refused.stage == "sender":
            return DeliveryOutcome.failed_permanently(
                f"the server refused the sender, check [email] from_address: {reason}"
            )
        return DeliveryOutcome.failed_permanently(f"{refused.stage}: {reason}")

    async def _bounced(self, message: Outgoing, reason: str) -> DeliveryOutcome:
        await self._directory.forget("email", message.recipient_role, message.recipient_id)
        return DeliveryOutcome.invalid_recipient(reason)
