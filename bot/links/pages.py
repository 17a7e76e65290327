"""The answer links a channel without buttons puts in a message
(:class:`~bot.outbox.plugin.AnswerPages`): addresses under the school's ``web_url``, each with
a token (:mod:`bot.links.tokens`) for that message, its recipient and channel."""

from __future__ import annotations

from bot.links.tokens import Claim, LinkSigner, Purpose, Recipient
from bot.outbox.records import Outgoing

__all__ = ["PATHS", "LinkPages", "recipient_of"]

PATHS = {Purpose.ANSWER: "a", Purpose.WORDS: "w", Purpose.UNSUBSCRIBE: "u"}
"""The first part of each purpose's path in the web application: ``/a/<token>``."""


def recipient_of(message: Outgoing) -> Recipient:
    return Recipient(message.recipient_role, message.recipient_id, message.channel)


class LinkPages:
    """The answer links of the web application at ``base_url`` (no trailing slash)."""

    def __init__(self, base_url: str, signer: LinkSigner) -> None:
        self.base_url = base_url.rstrip("/")
        self.signer = signer

    def answer(self, message: Outgoing, key: str) -> str:
        return self._url(Purpose.ANSWER, message, key)

    def words(self, message: Outgoing) -> str:
        return self._url(Purpose.WORDS, message)

    def unsubscribe(self, message: Outgoing) -> str:
        return self._url(Purpose.UNSUBSCRIBE, message)

    def _url(self, purpose: Purpose, message: Outgoing, key: str = "") -> str:
        token = self.signer.sign(purpose, recipient_of(message), Claim(message.id, key))
        return f"{self.base_url}/{PATHS[purpose]}/{token}"
