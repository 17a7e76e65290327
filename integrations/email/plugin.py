"""The e-mail channel as a plug-in: its settings, what it can do, and its factory.

Configured in the ``[email]`` table or with ``GEMIST_EMAIL_<FIELD>`` (see
:class:`~integrations.email.settings.EmailOptions`); the sender's name defaults to the school's
name. It needs Gemist's web application for its links (``web_url``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.outbox import Channel
from bot.outbox.plugin import ChannelContext, ChannelPlugin, ChannelUnavailable
from integrations.email.channel import EmailChannel
from integrations.email.client import SmtpClient
from integrations.email.compose import Sender
from integrations.email.ratelimit import SendRate
from integrations.email.settings import EmailOptions

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = ["PLUGIN", "EmailPlugin"]

NO_HOST = "no mail server for e-mail: set GEMIST_EMAIL_HOST (host in the [email] table)"
NO_SENDER = (
    "no sending address for e-mail: set GEMIST_EMAIL_FROM_ADDRESS (from_address in the [email] "
    "table), a mailbox of the school that someone reads"
)
NO_PAGES = (
    "e-mail needs Gemist's web application for its answer and unsubscribe links: set "
    "GEMIST_WEB_URL (web_url in the configuration file)"
)


class EmailPlugin(ChannelPlugin[EmailOptions]):
    name = "email"
    capabilities = EmailChannel.capabilities
    settings_model = EmailOptions

    def legacy_options(self, settings: Settings) -> Mapping[str, Any]:
        # Not an older key: the default of the sender's name, weaker than [email] from_name.
        return {"from_name": settings.school_name}

    def missing(self, options: EmailOptions) -> str | None:
        if options.host is None:
            return NO_HOST
        if options.from_address is None:
            return NO_SENDER
        return None

    def build(self, options: EmailOptions, context: ChannelContext) -> Channel:
        if (problem := self.missing(options)) is not None:
            raise ChannelUnavailable(problem)
        if context.pages is None:
            raise ChannelUnavailable(NO_PAGES)
        assert options.from_address is not None  # missing() said so
        sender = Sender(
            options.from_address, options.from_name or options.from_address, options.reply_to
        )
        tuned = context.tuning.get(self.name)
        rate = tuned if isinstance(tuned, SendRate) else SendRate(options.rate)
        return EmailChannel(
            SmtpClient(options), context.directory, context.pages, sender, rate, context.clock
        )


PLUGIN = EmailPlugin()
"""What the registry finds, built in and under the entry point ``gemist.channels: email``."""
