"""The Smartschool channel as a plug-in: its settings, what it can do, and its factory.

Configured in the ``[smartschool]`` table or with ``GEMIST_SMARTSCHOOL_<FIELD>``: the settings
the roster and absence source share (:class:`~.settings.SmartschoolOptions`). The channel
needs the address, the access code and the sender account, and Gemist's web application for
its links (``web_url``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.outbox import Channel
from bot.outbox.plugin import ChannelContext, ChannelPlugin, ChannelUnavailable
from integrations.smartschool.channel import NAME, SmartschoolChannel
from integrations.smartschool.client import SmartschoolClient
from integrations.smartschool.settings import SmartschoolOptions

if TYPE_CHECKING:
    from bot.config import Settings

__all__ = ["PLUGIN", "SmartschoolChannelOptions", "SmartschoolPlugin"]

NO_URL = (
    "no Smartschool address for the smartschool channel: set GEMIST_SMARTSCHOOL_URL (url in "
    "the [smartschool] table), like https://school.smartschool.be"
)
NO_CODE = (
    "no Smartschool access code for the smartschool channel: set "
    "GEMIST_SMARTSCHOOL_ACCESS_CODE (access_code in the [smartschool] table), the code an "
    "administrator created in Smartschool's webservices settings"
)
NO_SENDER = (
    "no sender account for the smartschool channel: set GEMIST_SMARTSCHOOL_SENDER (sender in "
    "the [smartschool] table), the user identifier of the school's account the messages come "
    "from, one that a person reads (replies go there)"
)
NO_PAGES = (
    "the smartschool channel needs Gemist's web application for its answer and unsubscribe "
    "links: set GEMIST_WEB_URL (web_url in the configuration file)"
)


class SmartschoolChannelOptions(SmartschoolOptions):
    """The shared Smartschool settings, and the school's name for the messages' footer."""

    school: str = ""
    """The school's name as the footer says it; the configuration's ``school_name``."""


class SmartschoolPlugin(ChannelPlugin[SmartschoolChannelOptions]):
    name = NAME
    capabilities = SmartschoolChannel.capabilities
    settings_model = SmartschoolChannelOptions

    def legacy_options(self, settings: Settings) -> Mapping[str, Any]:
        # Not an older key: the school's name, for the footer ("... bij {school}").
        return {"school": settings.school_name}

    def missing(self, options: SmartschoolChannelOptions) -> str | None:
        if options.url is None:
            return NO_URL
        if options.access_code is None:
            return NO_CODE
        if options.sender is None:
            return NO_SENDER
        return None

    def build(self, options: SmartschoolChannelOptions, context: ChannelContext) -> Channel:
        if (problem := self.missing(options)) is not None:
            raise ChannelUnavailable(problem)
        if context.pages is None:
            raise ChannelUnavailable(NO_PAGES)
        # missing() said so:
        assert options.url is not None
        assert options.access_code is not None
        assert options.sender is not None
        client = SmartschoolClient(
            options.url,
            options.access_code.get_secret_value(),
            timeout=options.timeout,
            attempts=options.attempts,
            max_concurrent=options.max_concurrent,
        )
        return SmartschoolChannel(
            client,
            context.directory,
            context.pages,
            context.clock,
            sender=options.sender,
            school=options.school or options.sender,
            copy_to_lvs=options.copy_to_lvs,
        )


PLUGIN = SmartschoolPlugin()
"""What the registry finds, built in and under the entry point ``gemist.channels: smartschool``."""
