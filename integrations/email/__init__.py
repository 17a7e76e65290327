"""E-mail: the channel that sends outreach over the school's mail server (SMTP), the message
as a mail program shows it, its own words in every family language, and a local SMTP server
for the tests and the benchmark (and, later, ``gemist demo``).
"""

from __future__ import annotations

from integrations.email.channel import EmailChannel
from integrations.email.client import (
    SmtpClient,
    SmtpError,
    SmtpLoginRefused,
    SmtpRefused,
    SmtpUnavailable,
)
from integrations.email.compose import Sender, compose
from integrations.email.ratelimit import SendRate
from integrations.email.settings import EmailOptions, Security, is_address

__all__ = [
    "EmailChannel",
    "EmailOptions",
    "Security",
    "SendRate",
    "Sender",
    "SmtpClient",
    "SmtpError",
    "SmtpLoginRefused",
    "SmtpRefused",
    "SmtpUnavailable",
    "compose",
    "is_address",
]
