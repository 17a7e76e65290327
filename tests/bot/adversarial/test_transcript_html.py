"""The demo's chat transcripts escape every value (issue 15, item 7): a class or a relation
whose name starts with ``<bdi>`` is text on the page, not markup."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.demo.events import ChatEvent, Recipient
from bot.demo.transcript import render_chat, render_index

AT = dt.datetime(2026, 11, 16, 10, 30, tzinfo=dt.timezone(dt.timedelta(hours=1)))
HOSTILE = '<bdi><img src=x onerror="alert(1)"></bdi>'


@pytest.mark.parametrize(
    ("role", "detail"),
    [("leerling", HOSTILE), (HOSTILE, "1A"), ("moeder", f"{HOSTILE} van Emir")],
    ids=["class", "role", "relation"],
)
def test_a_name_that_starts_with_bdi_is_escaped_on_the_chat_page_and_the_index(role, detail):
    mallory = Recipient(1, "Mallory", role, "ar", detail, "P0666")
    chat = [ChatEvent.typed(1, "hallo", AT)]

    pages = [render_chat(mallory, chat), render_index([(mallory, "p.html", 1, 0)], title="t")]

    for page in pages:
        assert "<img" not in page
        assert "&lt;bdi&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "<bdi>العربية</bdi>" in pages[0]  # the language is still isolated, as markup
