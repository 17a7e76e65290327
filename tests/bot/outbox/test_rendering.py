"""The rendering wrapper gives every message its subject, the school's own where it wrote one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.outbox.channel import Capabilities, Channel, DeliveryOutcome
from bot.outbox.records import Outgoing
from bot.outbox.rendering import RenderingChannel
from messages import SAMPLE_CONTEXT, parse_overrides

NOW = dt.datetime(2026, 11, 17, 10, 30, tzinfo=dt.UTC)
E_MAIL = Capabilities(answer_links=True)
CHAT = Capabilities(buttons=True, inbound_answers=True)


class RecordingChannel(Channel):
    """Takes every message, as a channel with ``capabilities`` would, and keeps it."""

    def __init__(self, capabilities: Capabilities) -> None:
        self._capabilities = capabilities
        self.delivered: list[Outgoing] = []

    def capabilities_for(self, channel: str) -> Capabilities:
        return self._capabilities

    async def deliver(self, message: Outgoing) -> DeliveryOutcome:
        self.delivered.append(message)
        return DeliveryOutcome.sent()


def _payload() -> dict[str, Any]:
    """A guardian notice's payload as the planner stores it: dates as ISO strings."""
    return {
        **{k: v for k, v in SAMPLE_CONTEXT.items() if not isinstance(v, dt.date)},
        "date": "2026-11-17",
    }


def _message(kind: str, lang: str, channel: str = "email") -> Outgoing:
    return Outgoing(
        id=1,
        school_id="school",
        idempotency_key="key",
        kind=kind,
        recipient_role="guardian",
        recipient_id=1,
        channel=channel,
        pupil_id=1,
        lang=lang,
        payload=_payload(),
        text=None,
        due_at=NOW,
        expires_at=NOW + dt.timedelta(hours=8),
        attempts=0,
        claimed_by="worker",
        claimed_at=NOW,
    )


async def test_an_e_mail_gets_the_subject_in_the_guardians_language_then_dutch() -> None:
    inner = RecordingChannel(E_MAIL)
    outcome = await RenderingChannel(inner).deliver(_message("guardian_notice", "fr"))
    assert outcome == DeliveryOutcome.sent()
    (sent,) = inner.delivered
    assert sent.subject == "Une question au sujet de Yasmine / Een vraag over Yasmine"
    assert sent.lang == "fr+nl"
    assert [key for key, _label in sent.buttons][:2] == ["sick", "will_contact_school"]


async def test_a_chat_message_carries_its_subject_too() -> None:
    inner = RecordingChannel(CHAT)
    await RenderingChannel(inner).deliver(_message("pupil_checkin", "nl", "telegram"))
    (sent,) = inner.delivered
    assert sent.subject == "We hebben je gemist, Yasmine"


async def test_the_schools_own_subject_is_used() -> None:
    overrides = parse_overrides(
        {"guardian_notice.first": {"subject": {"nl": "Even een vraag over {first_name}"}}}
    )
    inner = RecordingChannel(E_MAIL)
    await RenderingChannel(inner, overrides=overrides).deliver(_message("guardian_notice", "fr"))
    (sent,) = inner.delivered
    # No French school subject: the school's Dutch one alone, over the standard French text.
    assert sent.subject == "Even een vraag over Yasmine"
    assert sent.text is not None
    assert sent.text.startswith("Traduction")
