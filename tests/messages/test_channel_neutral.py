"""Texts that fit every channel (issue 14, item 7): a message may go out as an e-mail or a
Smartschool message, where nothing can be tapped and the answers are links, so no text asks to
tap, press or click a button; it says "choose" or "answer" instead.

The printed invitation letters are the exception: they explain how to start in the Telegram app,
whose own Start button the reader does tap.
"""

from __future__ import annotations

import re

import pytest

from messages import SAMPLE_CONTEXT, TEMPLATES, Catalogs, Template, render
from tests.messages.languages import all_cues
from tests.messages.support import LANGUAGES

ABOUT_TELEGRAM = frozenset(t.id for t in TEMPLATES.values() if t.kind == "letter")
CHECKED = [t for t in TEMPLATES.values() if t.id not in ABOUT_TELEGRAM]


def _texts(template: Template, lang: str) -> list[str]:
    """The paragraphs and the subject of a template in ``lang`` as the catalog has them (every
    form of a plural), or the Dutch source."""
    if lang == "nl":
        return [*template.text_msgids, template.subject]
    loaded = Catalogs().get(lang)
    assert loaded is not None
    found = []
    for msgid in (*template.text_msgids, template.subject):
        if msgid in loaded.complete:
            found.append(loaded.translations.gettext(msgid))
    for segment in template.segments:
        forms = getattr(segment, "forms", None)
        if forms is not None and forms[0] in loaded.complete:
            found += [loaded.translations.ngettext(*forms, n) for n in (0, 1, 2, 3, 5, 11, 21)]
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_text_asks_to_tap_a_button(lang: str) -> None:
    pattern = all_cues()[lang].tapping_pattern()
    found = [
        (template.id, hit.group(0))
        for template in CHECKED
        for text in _texts(template, lang)
        if (hit := pattern.search(text))
    ]
    assert found == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_tapping_words_catch_the_old_wording(lang: str) -> None:
    """Each language's list catches its own old "tap a button below", and not the new text."""
    cues = all_cues()[lang]
    assert cues.tapping_pattern().search(cues.tapped), lang
    new = render("guardian_notice.first", lang, SAMPLE_CONTEXT).parts[0].text
    assert cues.tapping_pattern().search(new) is None, lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_text_that_names_an_answer_quotes_it(lang: str) -> None:
    """The "choose “Bel mij graag op”" pattern of each language finds the answer in the
    follow-up notice, so the check that quoted answers exist (test_tone) is not empty."""
    choose = all_cues()[lang].choose
    assert choose is not None
    rendered = render("guardian_notice.followup", lang, SAMPLE_CONTEXT)
    visible = re.sub("[\u200e\u200f\u2066-\u2069]", "", rendered.parts[0].text)
    quoted = re.findall(choose, visible)
    labels = {re.sub("[\u200e\u200f\u2066-\u2069]", "", b.label) for b in rendered.buttons}
    assert quoted, lang
    assert set(quoted) <= labels, (lang, quoted)
