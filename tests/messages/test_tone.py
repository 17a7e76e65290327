"""Tone and length, over every template in every language (DOMAIN.md, principles 2 and 4).

The forbidden words were reviewed per language: accusing, threatening, legal and money words
that must never reach a pupil, a parent or a colleague writing about a pupil. Each entry is a
regular expression matched case-insensitively at the start of a word, so ``spijbel`` also
catches ``spijbelen`` and ``spijbelaar``; words that would otherwise catch innocent ones (``wet``
in ``weten``) are whole words.
"""

from __future__ import annotations

import re

import pytest

from messages import SAMPLE_CONTEXT, Audience, Catalogs, Offer, Rendered, Template, Text, render
from tests.messages.support import case_id, renderings

FORBIDDEN: dict[str, tuple[str, ...]] = {
    "nl": (
        "spijbel", "ongewettigd", "ongeoorloofd", "sanctie", "sanctioner", "straf", "bestraf",
        "boete", "verplicht", "leerplicht", "schooltoelage", "toelage", "groeipakket",
        "uitkering", "geld", "euro", r"wet\b", "wettelijk", r"wetten\b", "politie", "parket",
        "rechter", "tucht", "schorsing", "uitsluiting", "schuld", r"moet(en)?\b", "spijt u",
    ),
    "en": (
        "truan", "unexcused", "unauthori[sz]ed", "sanction", "punish", "penalt", r"fines?\b",
        r"fined\b", "mandatory", "compulsory", "allowance", "benefit", "money", r"law\b",
        "legal", "illegal", "police", "court", "prosecut", r"must\b", r"have to\b", "obligat",
        "blame", "fault", "detention", "suspen[ds]", "expel",
    ),
    "fr": (
        "école buissonnière", "absentéisme", "injustifi", "sanction", "puni", "amende",
        "obligatoire", "obligation", "allocation", "argent", r"loi\b", "légal", "illégal",
        "police", "tribunal", r"juge\b", r"doi[st]\b", r"doivent\b", r"devez\b", "faute",
        "exclusion", "renvoi", "retenue",
    ),
}  # fmt: skip

CASES = list(renderings())
IDS = [case_id(template, lang) for template, lang, _ in CASES]
TELEGRAM_LIMIT = 4096
MAX_WORDS = 150  # per language part of a family message (Lasky-Fink et al. 2021)


def _template_id(template: Template) -> str:
    return template.id


def _forbidden(lang: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(" + "|".join(FORBIDDEN[lang]) + ")", re.IGNORECASE)


@pytest.mark.parametrize(("template", "lang", "rendered"), CASES, ids=IDS)
def test_no_accusing_threatening_or_legal_words(
    template: Template, lang: str, rendered: Rendered
) -> None:
    for part in rendered.parts:
        texts = [part.text, *(button.label for button in rendered.buttons)]
        for text in texts:
            found = _forbidden(part.lang).search(text)
            assert found is None, f"{template.id} ({part.lang}): {found and found.group(0)!r}"


@pytest.mark.parametrize("lang", FORBIDDEN)
def test_the_forbidden_list_catches_what_it_should(lang: str) -> None:
    samples = {
        "nl": "Uw kind spijbelt; dat is ongewettigd en de leerplicht geldt.",
        "en": "Truancy is unexcused; attendance is compulsory by law.",
        "fr": "L'absentéisme injustifié entraîne une sanction.",
    }
    assert _forbidden(lang).search(samples[lang])
    innocent = {"nl": "Laat u het ons weten?", "en": "Get well soon", "fr": "Nous pensons à vous"}
    assert _forbidden(lang).search(innocent[lang]) is None


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


# Words that show a paragraph really offers help (or an answer), per language: a check that
# the flags on the paragraphs are honest, and that translations kept the offer.
HELP_CUES = {
    "nl": r"help|hulp|praten|iets (voor je )?doen|nodig|makkelijker|contact|terecht|bel|vraag",
    "en": r"help|talk|in touch|contact|call|ask|anything|something|need|easier|question|"
    r"not on your own",
    "fr": r"aid|parler|contact|adresser|appel|question|compter|quelque chose|besoin|faciliter|"
    r"demandez",
}
REPLY_CUES = {
    "nl": r"antwoord|bericht|knop|tik|stuur|weten|zeg|probeer|/start",
    "en": r"reply|answer|message|tap|send|let us know|tell|try again|/start",
    "fr": r"répon|message|bouton|appu[iy]|envo[iy]|écri|dites|dire|dis-le|réessayez|/start",
}


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
            assert re.search(HELP_CUES[cue_lang], text, re.IGNORECASE), (template.id, text)
        if Offer.REPLY in segment.offers:
            assert re.search(REPLY_CUES[cue_lang], text, re.IGNORECASE), (template.id, text)


# A text that tells the reader which button to tap must quote that button's label exactly.
TAP = {
    "nl": r"Tik (?:dan )?op “([^”]+)”",
    "en": r"Tap “([^”]+)”",
    "fr": "Appuyez (?:alors )?sur «\u00a0([^»]+?)\u00a0»",
}


@pytest.mark.parametrize(("template", "lang", "rendered"), CASES, ids=IDS)
def test_quoted_buttons_exist(template: Template, lang: str, rendered: Rendered) -> None:
    labels = {label for button in rendered.buttons for label in button.label.split(" / ")}
    for part in rendered.parts:
        for quoted in re.findall(TAP[part.lang], part.text):
            assert quoted in labels, (template.id, part.lang, quoted)


@pytest.mark.parametrize("template", [t for t, lang, _ in CASES if lang == "nl"], ids=_template_id)
def test_dutch_form_of_address(template: Template) -> None:
    """Pupils and colleagues get "je", guardians "u"; never the other one."""
    text = render(template.id, "nl", SAMPLE_CONTEXT).text.lower()
    if template.audience is Audience.GUARDIAN:
        assert re.search(r"\b(je|jij|jou|jouw)\b", text) is None, template.id
    elif template.audience in (Audience.PUPIL, Audience.TEACHER, Audience.COORDINATOR):
        assert re.search(r"\b(u|uw)\b", text) is None, template.id
