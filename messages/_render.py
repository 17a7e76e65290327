"""Rendering a template for one reader: language, numbers, dates, plurals, direction.

The language is chosen per template, not per paragraph: a template is rendered in the first
language of the reader's chain (``pt_BR``, ``pt``, ``nl``) whose catalog translates every one of
its texts, so a reader never gets half a translation. Dutch, the source, ends every chain.

Guardian messages follow the language law: the translation comes first, labelled as one, then
the Dutch original; ``lang`` is then ``fr+nl``. A Dutch-speaking guardian gets the Dutch alone.
The buttons are in the reader's language only: a button is something to tap, not a text the
law asks to see in Dutch, and two languages on one button leave too little room for either.

A signer's role in brackets ("mevrouw Claes (leerlingenbegeleiding)") is translated with the
rest, so that a parent reads what the person does, not a Dutch word. A count of half-days in a
:class:`~messages._model.Days` paragraph is written in school days ("3,5 schooldagen"); in
French a day and a half takes the singular of whole days ("1,5 jour").

Every message has a subject (:mod:`messages._subjects`) for the channels that show a title (an
e-mail, a Smartschool message), in the language of the text. A guardian's subject is their
language's, followed by " / " and the Dutch original when both fit in what a mail program shows
of a subject in its list (:data:`SUBJECT_BOTH_MAX`); a longer pair keeps the reader's own words
alone, since the Dutch original is in the message itself.

A school's own wording (:mod:`messages._overrides`) replaces the paragraphs, never the buttons.
Its languages are the ones the school wrote a text for (Dutch always) whose catalog also has
the buttons and the guardians' label; anyone else gets the school's Dutch text. A school's own
subject is used in the language of the text when the school wrote one in it, else in Dutch.
"""

from __future__ import annotations

import gettext
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel.dates import format_date, get_date_format
from babel.numbers import format_decimal

from messages._catalogs import Catalogs
from messages._languages import SOURCE_LANGUAGE, is_rtl, normalize
from messages._model import N_, Audience, Days, Plural, Template, Text
from messages._overrides import Overrides
from messages._placeholders import CHANNEL_WORDS, PLACEHOLDERS, SIGNER_ROLES, Kind
from messages._quote import quote
from messages._registry import get_template

__all__ = [
    "Part",
    "Rendered",
    "RenderedButton",
    "button_label",
    "day_label",
    "render",
    "resolve_language",
]

_log = logging.getLogger(__name__)

# Translators: the first line of a translated message to a parent. The Dutch original follows
# it in the same message, as the language law asks.
TRANSLATION_LABEL = N_("Vertaling (de Nederlandse tekst staat eronder):")
DIVIDER = "\u2014\u2014\u2014"
SUBJECT_SEPARATOR = " / "
SUBJECT_BOTH_MAX = 70
"""Characters of a guardian's subject with the Dutch original after their language's: about
what a mail program's list and a phone's notification show before they cut a subject off."""
RLM, LRM = "\u200f", "\u200e"  # right-to-left and left-to-right marks
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate and its end, around inserted values
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
# A command such as /stop in right-to-left text: isolated, or its slash shows at the wrong end.
_COMMAND = re.compile(r"(?<![\w/])/[a-z]+\b")

_DEFAULT_CATALOGS = Catalogs()
_DUTCH = gettext.NullTranslations()  # the msgids are Dutch: no catalog needed


@dataclass(frozen=True, slots=True)
class Part:
    """One language's text within a message."""

    lang: str
    text: str


@dataclass(frozen=True, slots=True)
class RenderedButton:
    """A quick reply as shown: ``key`` goes back to the bot, ``label`` to the reader."""

    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready to send: ``lang`` is ``nl``, ``fr`` or, for guardians, ``fr+nl``."""

    text: str
    lang: str
    buttons: tuple[RenderedButton, ...] = ()
    parts: tuple[Part, ...] = ()
    subject: str = ""
    """The title for a channel that shows one, in the reader's language (and for a guardian
    perhaps the Dutch original after " / "); one line."""


def render(
    template_id: str,
    lang: str,
    context: Mapping[str, object],
    *,
    catalogs: Catalogs | None = None,
    overrides: Overrides | None = None,
) -> Rendered:
    """Render one template for a reader of ``lang``, with the values in ``context``, in the
    school's own wording when ``overrides`` has one for it.

    Raises ``LookupError`` for an unknown template and ``ValueError`` for a missing or
    mistyped value, naming the template and the placeholder.
    """
    template = get_template(template_id)
    missing = sorted(template.placeholders - context.keys())
    if missing:
        raise ValueError(f"Template {template_id!r} needs values for: {', '.join(missing)}")
    catalogs = catalogs or _DEFAULT_CATALOGS
    school = _School(
        overrides.get(template_id) if overrides else None,
        overrides.subject(template_id) if overrides else None,
    )
    # Dutch first: it checks the values, and guardians get it beside any translation.
    dutch = _compose(template, SOURCE_LANGUAGE, _DUTCH, context, school)
    chosen = resolve_language(template, lang, catalogs, school.texts, school_subject=school.subject)
    if chosen != SOURCE_LANGUAGE:
        loaded = catalogs.get(chosen)
        assert loaded is not None  # resolve_language only picks languages with a catalog
        try:
            translated = _compose(template, chosen, loaded.translations, context, school)
        except (KeyError, IndexError, ValueError) as err:
            # A broken translation (a misspelt placeholder) must not silence the message.
            _log.warning(
                "Template %s in %s is broken (%s); sending Dutch", template_id, chosen, err
            )
        else:
            label = loaded.translations.gettext(TRANSLATION_LABEL)
            return _finish(template, translated, dutch, label)
    return _finish(template, dutch, dutch, "")


def resolve_language(
    template: Template,
    lang: str,
    catalogs: Catalogs,
    school: Mapping[str, str] | None = None,
    *,
    school_subject: Mapping[str, str] | None = None,
) -> str:
    """The first language in the reader's chain that has all of the template's texts.

    With the school's own texts (``school``, by language), the paragraphs come from the school:
    a language then needs a school text, and from its catalog only the buttons and the label.
    With the school's own subject (``school_subject``), the catalog's subject is not needed.
    """
    needed = {button.label for button in template.buttons if button.translatable}
    if school is None:
        needed.update(template.text_msgids)
    if school_subject is None:
        needed.add(template.subject)
    if template.audience is Audience.GUARDIAN:
        needed.add(TRANSLATION_LABEL)
    code = normalize(lang)
    chain = [code, code.split("_")[0], SOURCE_LANGUAGE]
    for candidate in dict.fromkeys(chain):  # in order, without repeats
        if candidate == SOURCE_LANGUAGE:
            break
        if school is not None and candidate not in school:
            continue
        loaded = catalogs.get(candidate)
        if loaded is not None and needed <= loaded.complete:
            return candidate
    return SOURCE_LANGUAGE


@dataclass(frozen=True, slots=True)
class _School:
    """The school's own texts and subjects of one template, by language."""

    texts: Mapping[str, str] | None = None
    subject: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class _Composed:
    lang: str
    text: str
    buttons: tuple[RenderedButton, ...]
    subject: str
    subject_lang: str
    """Where a school wrote no subject in ``lang``: its Dutch one, and ``nl`` here."""


def _compose(
    template: Template,
    lang: str,
    translations: gettext.NullTranslations,
    context: Mapping[str, object],
    school: _School,
) -> _Composed:
    """The paragraphs (the template's, or the school's text in ``lang``), the buttons and the
    subject (the template's, or the school's in ``lang`` or else in Dutch)."""
    rtl = is_rtl(lang)
    values = _values(template, lang, translations, context, isolate=rtl)
    if school.texts is None:
        text = _paragraphs(template, lang, translations, context, values)
    else:
        text = school.texts[lang].format_map(values)
    if school.subject is None:
        subject, subject_lang = translations.gettext(template.subject), lang
    else:
        subject_lang = lang if lang in school.subject else SOURCE_LANGUAGE
        subject = school.subject[subject_lang]
    buttons = tuple(
        RenderedButton(
            button.key,
            translations.gettext(button.label).format_map(values)
            if button.translatable
            else button.label,
        )
        for button in template.buttons
    )
    if rtl:
        text = _mark_lines(_COMMAND.sub(f"{FSI}\\g<0>{PDI}", text), RLM)
        buttons = tuple(RenderedButton(b.key, f"{RLM}{b.label}") for b in buttons)
    subject = _LINE_BREAKS.sub(" ", subject.format_map(values)).strip()  # one line, always
    return _Composed(lang, text, buttons, subject, subject_lang)


def _paragraphs(
    template: Template,
    lang: str,
    translations: gettext.NullTranslations,
    context: Mapping[str, object],
    values: Mapping[str, str],
) -> str:
    """The template's own paragraphs in the catalog's language, with the values filled in."""
    text = ""
    for segment in template.segments:
        if isinstance(segment, Text):
            wording = translations.gettext(segment.msgid)
        elif isinstance(segment, Days):
            halves = _as_int(template, segment.count, context[segment.count])
            wording = _days_wording(segment, halves, lang, translations)
        else:
            count = _count(template, segment, context)
            wording = translations.ngettext(*segment.forms, count)
        paragraph = wording.format_map(values)
        if text:
            text += "\n" if segment.tight else "\n\n"
        text += paragraph
    return text


# Languages that put a noun in the singular after any number below 2, one with a decimal too
# (French "1,5 jour"; CLDR's "one" there is an integer part of 0 or 1): a day and a half takes
# the singular of whole days, with the number "1,5" in it.
_SINGULAR_BELOW_TWO = frozenset({"fr"})


def _days_wording(
    segment: Days, halves: int, lang: str, translations: gettext.NullTranslations
) -> str:
    """The wording of a :class:`Days` paragraph for a count of half-days."""
    if halves == 1:
        return translations.gettext(segment.half)
    if halves % 2 and not (halves == 3 and _locale(lang).language in _SINGULAR_BELOW_TWO):
        return translations.gettext(segment.fraction)
    return translations.ngettext(*segment.forms, halves // 2)


def _finish(template: Template, reader: _Composed, dutch: _Composed, label: str) -> Rendered:
    """One language alone, or for a guardian a translation followed by the Dutch original."""
    if reader.lang == SOURCE_LANGUAGE or template.audience is not Audience.GUARDIAN:
        return Rendered(
            reader.text,
            reader.lang,
            reader.buttons,
            (Part(reader.lang, reader.text),),
            reader.subject,
        )
    rtl = is_rtl(reader.lang)
    translated = f"{RLM if rtl else ''}{label}\n\n{reader.text}"
    original = _mark_lines(dutch.text, LRM) if rtl else dutch.text
    return Rendered(
        f"{translated}\n\n{DIVIDER}\n\n{original}",
        f"{reader.lang}+{SOURCE_LANGUAGE}",
        reader.buttons,
        (Part(reader.lang, translated), Part(SOURCE_LANGUAGE, original)),
        _guardian_subject(reader, dutch.subject, rtl=rtl),
    )


def _guardian_subject(reader: _Composed, dutch: str, *, rtl: bool) -> str:
    """The reader's subject, then the Dutch original when the two fit together; in a
    right-to-left subject the Dutch is isolated, so that the mail program keeps each in its
    own direction."""
    if reader.subject_lang == SOURCE_LANGUAGE:  # a school's subject without this language
        return dutch
    original = f"{FSI}{dutch}{PDI}" if rtl else dutch
    both = f"{reader.subject}{SUBJECT_SEPARATOR}{original}"
    return both if len(both) <= SUBJECT_BOTH_MAX else reader.subject


def _values(
    template: Template,
    lang: str,
    translations: gettext.NullTranslations,
    context: Mapping[str, object],
    *,
    isolate: bool,
) -> dict[str, str]:
    locale = _locale(lang)
    values: dict[str, str] = {}
    shown_in_days = {s.shows: s.count for s in template.segments if isinstance(s, Days)}
    for name in template.placeholders | shown_in_days.keys():
        value = context[shown_in_days.get(name, name)]
        kind = Kind.HALVES if name in shown_in_days else PLACEHOLDERS.get(name, Kind.TEXT)
        if kind is Kind.HALVES:
            shown = _days(_as_int(template, shown_in_days[name], value), str(locale))
        elif kind is Kind.SIGNER:
            shown = _signer(str(value), translations)
        elif kind is Kind.COUNT:
            shown = _number(_as_int(template, name, value), str(locale))
        elif kind is Kind.DATE:
            shown = _date(_as_date(template, name, value), str(locale), weekday=False)
        elif kind is Kind.WEEKDAY:
            shown = _date(_as_date(template, name, value), str(locale), weekday=True)
        elif kind is Kind.LANGUAGE:
            shown = _language_name(str(value), locale)
        elif kind is Kind.CHANNEL:
            shown = _channel(str(value), translations)
        elif kind is Kind.QUOTE:
            shown = quote(str(value))
        else:
            shown = str(value)
        # In right-to-left text, a Latin name or a phone number is isolated, so that its
        # punctuation cannot drift to the wrong end of the line.
        values[name] = f"{FSI}{shown}{PDI}" if isolate else shown
    return values


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


@lru_cache(maxsize=1024)
def _number(count: int, locale: str) -> str:
    return format_decimal(count, locale=locale)


@lru_cache(maxsize=1024)
def _days(halves: int, locale: str) -> str:
    """A count of half-days in school days, as the reader writes numbers: 7 gives "3,5"."""
    return format_decimal(Decimal(halves) / 2, locale=locale)


_SIGNED_ROLE = re.compile(r"^(?P<name>.*) \((?P<role>[^()]*)\)$")


def _signer(value: str, translations: gettext.NullTranslations) -> str:
    """A signer ("mevrouw Claes (leerlingenbegeleiding)") with the role in the reader's
    language; a role Gemist does not know (or a school's name alone) as it is."""
    found = _SIGNED_ROLE.match(value)
    if found is None or found["role"] not in SIGNER_ROLES:
        return value
    return f"{found['name']} ({translations.gettext(found['role'])})"


def _channel(value: str, translations: gettext.NullTranslations) -> str:
    """A channel as the reader calls it: a word of their language ("e-mail"), or a platform's
    name with its capital ("Telegram")."""
    word = CHANNEL_WORDS.get(value)
    return translations.gettext(word) if word is not None else value[:1].upper() + value[1:]


@lru_cache(maxsize=4096)
def _date(day: date, locale: str, *, weekday: bool) -> str:
    """``day`` as a reader of ``locale`` writes it ("dinsdag 17 november"), or its weekday;
    kept, since a school's messages name the same few days over and over."""
    return format_date(day, "EEEE" if weekday else day_pattern(locale), locale=locale)


def _language_name(code: str, reader: Locale) -> str:
    """The language ``code`` named in the reader's language ("Turks", "turc"); the code itself
    when Babel does not know it."""
    try:
        return Locale.parse(code).get_language_name(reader) or code
    except (ValueError, LookupError):
        return code


def _count(template: Template, segment: Plural, context: Mapping[str, object]) -> int:
    return _as_int(template, segment.count, context[segment.count])


def _as_int(template: Template, name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"Template {template.id!r}: {name} must be a whole number, not {value!r}")
    return value


def _as_date(template: Template, name: str, value: object) -> date:
    if not isinstance(value, date):
        raise ValueError(f"Template {template.id!r}: {name} must be a date, not {value!r}")
    return value


def _mark_lines(text: str, mark: str) -> str:
    """Start every non-empty line with a direction mark, so each paragraph keeps its direction."""
    return "\n".join(f"{mark}{line}" if line else line for line in text.split("\n"))


# The year and what belongs to it in a full date pattern: "'de' y" (es, pt), "y" and the quoted
# abbreviation of "year" after it (bg, ru, uk), ", y" (en), "د y" (ps).
_YEAR = re.compile(r"(?:,\s*|\s*'de'\s*|\s*د\s*|\s*)y+(?:\s*'[^']*'\.?)?")
# Where the locale's full date reads wrong inside a sentence (the reviewers' findings): English
# as written in Europe ("Tuesday 17 November"), Spanish and Portuguese without the comma that
# a sentence never closes, Somali with the day before the month, Pashto as reviewed: the weekday,
# a comma, "د", the month and the day with its ordinal suffix (Babel 2.19's CLDR data writes
# "17, نومبر", with commas no sentence has, and its Saturday in dates, "اونۍ", reads as "week",
# so the stand-alone weekday "cccc" is used).
_DAY_PATTERNS = {
    "en": "EEEE d MMMM",
    "es": "EEEE d 'de' MMMM",
    "pt": "EEEE d 'de' MMMM",
    "so": "EEEE, d MMMM",
    "ps": "cccc، د MMMM d'مه'",
    # Polish, Ukrainian, Russian and Bulgarian: the day and the month alone ("17 listopada",
    # "17 листопада", "17 ноября", "17 ноември"), in the case a date takes in a sentence ("nie
    # było w szkole 17 listopada", "od 17 listopada", "от 17 ноември"). A weekday there would be
    # a nominative that no preposition takes, and the translations put the date in brackets,
    # as in a form (the reviewers' finding).
    "pl": "d MMMM",
    "uk": "d MMMM",
    "ru": "d MMMM",
    "bg": "d MMMM",
}
_BUTTON_DAY_PATTERNS = dict.fromkeys(("pl", "uk", "ru", "bg"), "EEEE, d MMMM")
"""Where a date alone on a button needs its weekday that the text leaves out."""


@cache
def day_label(template_id: str, lang: str, day: date) -> str:
    """``day`` as the text of ``template_id`` shows dates to a reader of ``lang`` (in the
    language the template is rendered in): for buttons whose labels are dates."""
    chosen = resolve_language(get_template(template_id), lang, _DEFAULT_CATALOGS)
    locale = Locale.parse(chosen)
    pattern = _BUTTON_DAY_PATTERNS.get(locale.language) or day_pattern(chosen)
    return format_date(day, pattern, locale=locale)


@cache
def button_label(template_id: str, key: str, lang: str) -> str:
    """The words of the button ``key`` of ``template_id`` for a reader of ``lang`` (in the
    language the template is rendered in): to tell someone else which button was tapped."""
    template = get_template(template_id)
    button = next((b for b in template.buttons if b.key == key), None)
    if button is None:
        raise LookupError(f"Template {template_id!r} has no button {key!r}")
    chosen = resolve_language(template, lang, _DEFAULT_CATALOGS)
    loaded = _DEFAULT_CATALOGS.get(chosen)
    if not button.translatable or loaded is None:
        return button.label
    return loaded.translations.gettext(button.label)


def day_pattern(lang: str) -> str:
    """The locale's own full date without the year: "dinsdag 17 november", "Dienstag, 17.
    November", "martes, 17 de noviembre", and in Turkish the day, the month, then the weekday."""
    locale = Locale.parse(lang)
    if locale.language in _DAY_PATTERNS:
        return _DAY_PATTERNS[locale.language]
    return _YEAR.sub("", get_date_format("full", locale=locale).pattern).strip()
