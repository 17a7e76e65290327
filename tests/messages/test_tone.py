"""Tone and length, over every template in every language (docs/domain.md, principles 2 and 4).

The per-language data (forbidden words, the cues of help and of a way to answer, how a text
quotes a button) lives in ``tests/messages/languages``, one module per language.
"""

from __future__ import annotations

import re

import pytest

from messages import SAMPLE_CONTEXT, Audience, Catalogs, Offer, Rendered, Template, Text, render
from tests.messages.languages import all_cues
from tests.messages.support import case_id, renderings

CASES = list(renderings())
IDS = [case_id(template, lang) for template, lang, _ in CASES]
TELEGRAM_LIMIT = 4096
MAX_WORDS = 150  # per language part of a family message (Lasky-Fink et al. 2021)


def _template_id(template: Template) -> str:
    return template.id


def _forbidden(lang: str) -> re.Pattern[str]:
    return all_cues()[lang].forbidden_pattern()


@pytest.mark.parametrize(("template", "lang", "rendered"), CASES, ids=IDS)
def test_no_accusing_threatening_or_legal_words(
    template: Template, lang: str, rendered: Rendered
) -> None:
    # A guardian's subject is the reader's words, then perhaps " / " and the Dutch original.
    subjects = rendered.subject.split(" / ")
    for number, part in enumerate(rendered.parts):
        subject = subjects[number] if number < len(subjects) else ""
        texts = [part.text, subject, *(button.label for button in rendered.buttons)]
        for text in texts:
            found = _forbidden(part.lang).search(text)
            assert found is None, f"{template.id} ({part.lang}): {found and found.group(0)!r}"


@pytest.mark.parametrize("lang", list(all_cues()))
def test_the_forbidden_list_catches_what_it_should(lang: str) -> None:
    cues = all_cues()[lang]
    assert _forbidden(lang).search(cues.guilty)
    assert _forbidden(lang).search(cues.innocent) is None


@pytest.mark.parametrize(("template", "lang", "rendered"), CASES, ids=IDS)
def test_every_placeholder_is_filled(template: Template, lang: str, rendered: Rendered) -> None:
    assert "{" not in rendered.text
    assert "}" not in rendered.text
    assert all("{" not in button.label for button in rendered.buttons)
    assert rendered.text.strip()


@pytest.mark.parametrize(("template", "lang", "rendered"), CASES, ids=IDS)
def test_length(template: Template, lang: str, rendered: Rendered) -> None:
    assert len(rendered.text) <= TELEGRAM_LIMIT
    if template.audience.is_family:
        for part in rendered.parts:
            assert len(part.text.split()) < MAX_WORDS, (template.id, part.lang)


FAMILY = [
    template
    for template, lang, _ in CASES
    if lang == "nl" and (template.audience.is_family or template.audience is Audience.ANYONE)
]


@pytest.mark.parametrize("template", FAMILY, ids=_template_id)
def test_families_are_offered_help_and_a_way_to_answer(template: Template) -> None:
    assert Offer.HELP in template.offers, template.id
    assert Offer.REPLY in template.offers, template.id


@pytest.mark.parametrize(("template", "lang", "rendered"), CASES, ids=IDS)
def test_offers_are_worded_in_every_language(
    template: Template, lang: str, rendered: Rendered
) -> None:
    catalog = Catalogs().get(rendered.parts[0].lang)
    for segment in template.segments:
        if not isinstance(segment, Text) or segment.offers is Offer.NONE:
            continue
        text = catalog.translations.gettext(segment.msgid) if catalog else segment.msgid
        cue_lang = rendered.parts[0].lang
        if Offer.HELP in segment.offers:
            assert re.search(all_cues()[cue_lang].help, text, re.IGNORECASE), (template.id, text)
        if Offer.REPLY in segment.offers:
            assert re.search(all_cues()[cue_lang].reply, text, re.IGNORECASE), (template.id, text)


# A text that tells the reader which answer to choose must quote that answer's label exactly.


@pytest.mark.parametrize(("template", "lang", "rendered"), CASES, ids=IDS)
def test_quoted_buttons_exist(template: Template, lang: str, rendered: Rendered) -> None:
    """The buttons are in the reader's language; the Dutch original beside a translation
    quotes the Dutch words of the same buttons."""
    # Direction marks and isolates (right-to-left text) are for display, not part of the words.
    dutch = render(template.id, "nl", SAMPLE_CONTEXT)
    for part in rendered.parts:
        choose = all_cues()[part.lang].choose
        if choose is None:
            continue
        shown = dutch if part.lang == "nl" else rendered
        labels = {_visible(button.label) for button in shown.buttons}
        for quoted in re.findall(choose, _visible(part.text)):
            assert quoted in labels, (template.id, part.lang, quoted)


def _visible(text: str) -> str:
    return re.sub("[\u200e\u200f\u2066-\u2069]", "", text).strip()


@pytest.mark.parametrize("template", [t for t, lang, _ in CASES if lang == "nl"], ids=_template_id)
def test_dutch_form_of_address(template: Template) -> None:
    """Pupils and colleagues get "je", guardians "u"; never the other one."""
    rendered = render(template.id, "nl", SAMPLE_CONTEXT)
    text = f"{rendered.subject}\n{rendered.text}".lower()
    if template.audience is Audience.GUARDIAN:
        assert re.search(r"\b(je|jij|jou|jouw)\b", text) is None, template.id
    elif template.audience in (Audience.PUPIL, Audience.TEACHER, Audience.COORDINATOR):
        assert re.search(r"\b(u|uw)\b", text) is None, template.id
