"""What the channels that lay a message out themselves share: e-mail and Smartschool.

Both show an outreach message as HTML with the reader's language first and the Dutch original
below it, each section labelled and marked with ``lang`` and ``dir``; the answers as links to
Gemist's answer pages; a footer that says who writes, why, and how to stop. The building of that
HTML (:mod:`.html`), the loading of a channel's own gettext domain (:mod:`.catalogs`) and the
reading of links back out of HTML (:mod:`.reading`, for the demo and the tests) live here once.

Why a package under ``integrations/`` and not in ``bot.outbox`` or ``messages``: the layout is
about how a channel shows a message (markup, inline styles, the channel's own words), which is
the edge's business; the outbox stores and delivers texts it never looks into, and ``messages``
writes the texts and knows nothing of channels. Each channel keeps its own words (its own
domain) and its own envelope: a whole HTML document in an e-mail, a fragment in Smartschool.
"""

from __future__ import annotations

from integrations.layout.catalogs import Catalogs
from integrations.layout.html import (
    Link,
    Section,
    Wording,
    autonym,
    direction,
    fragment,
    sections,
)
from integrations.layout.reading import links, text

__all__ = [
    "Catalogs",
    "Link",
    "Section",
    "Wording",
    "autonym",
    "direction",
    "fragment",
    "links",
    "sections",
    "text",
]
