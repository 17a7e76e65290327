"""The e-mails of the demo as their readers see them: each message the local SMTP server
(:mod:`integrations.email.local_server`) received, parsed back with the standard library into a
:class:`~bot.demo.events.Mail` (sender, addressee, subject, both parts, and the links of the
HTML part), for the transcripts and for the scripted parents who answer by following a link.
"""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default

from bot.demo.events import Mail
from integrations.email.reading import body, links

__all__ = ["mail_view"]


def mail_view(data: bytes) -> Mail:
    """The message ``data`` (as it went over SMTP) as its reader's mail program shows it."""
    message = email.message_from_bytes(data, policy=default)
    if not isinstance(message, EmailMessage):  # the default policy always makes one
        raise TypeError("not an e-mail message")
    html = body(message, "html")
    return Mail(
        sender=str(message["From"] or ""),
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or ""),
        text=body(message, "plain"),
        html=html,
        links=links(html),
    )
