"""What a template is made of: paragraphs (plain or plural), buttons, an audience.

The Dutch text is the source: it is the msgid in the gettext catalogs, and it is what a reader
gets when their language has no complete translation of the template.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Flag, StrEnum, auto

__all__ = [
    "N_",
    "Audience",
    "Button",
    "Days",
    "Nn_",
    "Offer",
    "Plural",
    "Segment",
    "Template",
    "Text",
    "fields_of",
]


class Audience(StrEnum):
    """Who reads a template; decides the form of address and the language rules."""

    PUPIL = "pupil"
    GUARDIAN = "guardian"
    TEACHER = "teacher"
    COORDINATOR = "coordinator"
    ANYONE = "anyone"  # onboarding: the bot does not know yet who is writing

    @property
    def is_family(self) -> bool:
        """Pupils and guardians: the readers every care principle is about."""
        return self in (Audience.PUPIL, Audience.GUARDIAN)


class Offer(Flag):
    """What a paragraph offers the reader; the tone tests check that help and an answer exist."""

    NONE = 0
    HELP = auto()
    REPLY = auto()


@dataclass(frozen=True, slots=True)
class Text:
    """One paragraph, translated as a whole."""

    msgid: str
    offers: Offer = Offer.NONE
    tight: bool = False
    """Join to the paragraph before with a line break instead of a blank line (lists)."""

    @property
    def msgids(self) -> tuple[str, ...]:
        return (self.msgid,)


@dataclass(frozen=True, slots=True)
class Plural:
    """One paragraph whose wording depends on a count (gettext ``ngettext``)."""

    forms: tuple[str, str]
    """The Dutch singular and plural, as marked by ``Nn_``."""
    count: str
    """The placeholder whose value picks the form."""
    offers: Offer = Offer.NONE
    tight: bool = False

    @property
    def msgids(self) -> tuple[str, ...]:
        return self.forms


@dataclass(frozen=True, slots=True)
class Days:
    """One paragraph that says a count of half-days in school days (7 half-days: "3,5
    schooldagen"), because a parent counts in days: whole days pick one of ``forms`` by the
    number of days, a single half-day has ``half``, and a count with a half has ``fraction``
    (the number then has a decimal, which some languages follow with another form)."""

    forms: tuple[str, str]
    """Whole school days: the Dutch singular and plural, as marked by ``Nn_``."""
    half: str
    """Exactly one half-day."""
    fraction: str
    """Whole days and a half ("3,5"); in French, 1,5 takes the singular of ``forms``."""
    count: str
    """The placeholder with the count of half-days (an int)."""
    shows: str = "school_days"
    """The placeholder the texts write the count in days with; filled in from ``count``."""
    offers: Offer = Offer.NONE
    tight: bool = False

    @property
    def msgids(self) -> tuple[str, ...]:
        return (*self.forms, self.half, self.fraction)


Segment = Text | Plural | Days


@dataclass(frozen=True, slots=True)
class Button:
    """A quick reply: ``key`` is what the bot receives (docs/contracts.md)."""

    key: str
    label: str
    translatable: bool = True
    """False for language names, which are always shown in their own language."""


@dataclass(frozen=True, slots=True)
class Template:
    """One message the bot can send, identified as ``kind`` or ``kind.variant``."""

    id: str
    audience: Audience
    segments: tuple[Segment, ...]
    buttons: tuple[Button, ...] = ()
    description: str = ""
    """For coordinators and translators: when the message goes out (English)."""
    subject: str = ""
    """The Dutch title of an e-mail or a Smartschool message (:mod:`messages._subjects`)."""

    @property
    def kind(self) -> str:
        """The ``kind`` of docs/contracts.md: ``pupil_checkin`` for ``pupil_checkin.first``."""
        return self.id.split(".", 1)[0]

    @property
    def msgids(self) -> tuple[str, ...]:
        """Every catalog entry this template needs: paragraphs, button labels, the subject."""
        ids = [*self.text_msgids]
        ids += [button.label for button in self.buttons if button.translatable]
        if self.subject:
            ids.append(self.subject)
        return tuple(ids)

    @property
    def text_msgids(self) -> tuple[str, ...]:
        """The catalog entries of the paragraphs alone."""
        return tuple(msgid for segment in self.segments for msgid in segment.msgids)

    @property
    def placeholders(self) -> frozenset[str]:
        """The named fields (``{first_name}``) used anywhere in the template: the values it
        needs. A count in school days needs the half-days it is worked out from."""
        names = {name for msgid in self.msgids for name in fields_of(msgid)}
        for segment in self.segments:
            if isinstance(segment, Days):
                names.discard(segment.shows)
                names.add(segment.count)
        return frozenset(names)

    @property
    def offers(self) -> Offer:
        """What the template offers: its paragraphs' offers, and a reply if it has buttons."""
        found = Offer.REPLY if self.buttons else Offer.NONE
        for segment in self.segments:
            found |= segment.offers
        return found


def fields_of(text: str) -> Iterator[str]:
    """The placeholder names in one text, in order (``{first_name}`` gives ``first_name``)."""
    for _literal, name, _spec, _conversion in string.Formatter().parse(text):
        if name is not None:
            yield name


# Extraction markers. ``pybabel extract -k N_ -k Nn_:1,2`` (see messages/babel.cfg) finds the
# Dutch texts by these names; at run time they hand the text back unchanged, because the
# translation happens at render time, in the reader's language.
def N_(message: str) -> str:
    """Mark a Dutch text for the catalogs."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a Dutch singular and plural pair for the catalogs."""
    return (singular, plural)
