"""A channel wrapper that renders each message's text at dispatch time.

The planner stores a render context in each outreach row's payload, never a finished text: the
text is written at the moment the message goes out, in the recipient's language. Every command
that dispatches (``gemist run``, ``run --dry-run``, ``simulate``, ``demo``) puts this wrapper in
front of its channels. The school's own wording (``[messages]`` in its configuration) is applied
here too.

Rendering follows what the row's channel can do (:class:`~bot.outbox.channel.Capabilities`):

- a channel with buttons gets the template's buttons as they are;
- a channel without buttons gets the choices written out under the text, one a line, so the
  reader still sees what they can answer (:data:`AnswerLinks` writes those lines);
- a channel that writes answer links itself (``answer_links``: e-mail, Smartschool) gets the
  choices as ``buttons`` and the text per language as ``parts``, and lays them out its way;
- every message gets its ``subject``, for the channels whose messages have a title;
- a text longer than the channel takes fails for good with the reason, rather than arriving
  cut off in the middle of a sentence.

A nudge gathered for a coordinator's daily message is not passed on: the daily message says it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

from bot.outbox.channel import Capabilities, Channel, DeliveryOutcome
from bot.outbox.records import Outgoing, is_gathered
from messages import Overrides, render_outreach

__all__ = ["AnswerLinks", "RenderingChannel", "plain_choices"]

Choices = Sequence[tuple[str, str]]
"""A message's answers as (key, label) pairs, in the template's order."""

AnswerLinks = Callable[[Outgoing, Choices], str]
"""Writes the lines that stand in for a message's buttons on a channel without them (the
e-mail channel's answer links); gets the rendered message and its choices."""


def plain_choices(_message: Outgoing, choices: Choices) -> str:
    """The choices as plain lines under the text: the reader answers in their own words."""
    return "\n".join(f"\N{BULLET} {label}" for _key, label in choices)


class RenderingChannel(Channel):
    """Renders each message's text at dispatch, as its channel can show it, then hands it to
    ``inner`` (one channel, or a :class:`~bot.outbox.channel.ChannelRouter`)."""

    def __init__(
        self,
        inner: Channel,
        *,
        overrides: Overrides | None = None,
        answer_links: AnswerLinks = plain_choices,
    ) -> None:
        self._inner = inner
        self._overrides = overrides
        self._answer_links = answer_links

    def capabilities_for(self, channel: str) -> Capabilities:
        return self._inner.capabilities_for(channel)

    async def __aenter__(self) -> RenderingChannel:
        await self._inner.__aenter__()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._inner.__aexit__(*exc)

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
        capabilities = self._inner.capabilities_for(message.channel)
        text = rendered.text
        choices = tuple((button.key, button.label) for button in rendered.buttons)
        message = dataclasses.replace(
            message,
            text=text,
            lang=rendered.lang,
            parts=tuple((part.lang, part.text) for part in rendered.parts),
            subject=rendered.subject,
        )
        if choices and not (capabilities.buttons or capabilities.answer_links):
            text = f"{text}\n\n{self._answer_links(message, choices)}"
            choices = ()
        limit = capabilities.max_length
        if limit is not None and len(text) > limit:
            return DeliveryOutcome.failed_permanently(
                f"too long for {message.channel}: {len(text)} characters, at most {limit}"
            )
        return await self._inner.deliver(dataclasses.replace(message, text=text, buttons=choices))

    def ready_in(self, message: Outgoing) -> float:
        return self._inner.ready_in(message)
