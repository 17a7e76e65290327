"""A channel wrapper that renders each message's text at dispatch time.

The planner stores a render context in each outreach row's payload, never a finished text: the
text is written at the moment the message goes out, in the recipient's language. ``gemist
simulate`` and ``gemist run --dry-run`` both put this wrapper in front of the channel that
records or prints what would be sent. The school's own wording (``[messages]`` in its
configuration) is applied here too. A nudge gathered for a coordinator's daily message is not
passed on: the daily message says it.
"""

from __future__ import annotations

import dataclasses

from bot.engine._attention import is_gathered
from bot.engine._text import render_outreach
from bot.outbox.channel import Channel, DeliveryOutcome
from bot.outbox.records import Outgoing
from messages import Overrides

__all__ = ["RenderingChannel"]


class RenderingChannel(Channel):
    """Renders each message's text at dispatch, then hands it to ``inner``."""

    def __init__(self, inner: Channel, *, overrides: Overrides | None = None) -> None:
        self._inner = inner
        self._overrides = overrides

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        if is_gathered(message.kind, message.payload):
            # Said in the coordinator's daily message (bot.engine._digest), due at the same
            # moment: nobody gets it alone, and it is a nudge that went out all the same (it can
            # be seen, snoozed and reminded of).
            return DeliveryOutcome.sent()
        try:
            rendered = render_outreach(message.kind, message.lang, message.payload, self._overrides)
        except (LookupError, ValueError) as err:
            return DeliveryOutcome.failed_permanently(f"cannot render: {err}")
        return await self._inner.deliver(
            dataclasses.replace(
                message,
                text=rendered.text,
                lang=rendered.lang,
                buttons=tuple((button.key, button.label) for button in rendered.buttons),
            )
        )

    def ready_in(self, message: Outgoing) -> float:
        return self._inner.ready_in(message)
