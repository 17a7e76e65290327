"""Reading a sent e-mail back as a mail program shows it: its text and HTML parts, and the
links of the HTML part with the words they show. For the demo's transcripts, the scripted
parents who answer by following a link, and the tests that open those links.
"""

from __future__ import annotations

from email.message import EmailMessage

from integrations.layout.reading import links

__all__ = ["body", "links"]


def body(message: EmailMessage, subtype: str) -> str:
    """The message's ``plain`` or ``html`` part as text; empty when it has none."""
    part = message.get_body(preferencelist=(subtype,))
    return str(part.get_content()) if part is not None else ""
