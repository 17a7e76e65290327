"""A school's own wording of a template (issue 4, "School overrides").

A school may replace the text of any template: the Dutch original (required, because it is the
reference for every translation and what Dutch readers get) and, optionally, its translations.
The buttons stay the template's own, so the answers the bot understands do not change. An
override is written as one text per language, paragraphs separated by blank lines; it can use
the placeholders the template provides, and nothing else::

    [messages."pupil_checkin.first"]
    nl = '''
    Hoi {first_name}, we hebben je gemist vandaag.

    Alles oké? Kies hieronder een antwoord, of stuur ons gewoon een bericht.'''
    fr = "Salut {first_name}, ..."

The subject (the title of an e-mail or a Smartschool message) is a table of its own in the same
entry, one line per language, Dutch required; a school may give a subject, a text, or both::

    [messages."pupil_checkin.first".subject]
    nl = "Hoe gaat het, {first_name}?"
    fr = "Ça va, {first_name} ?"

A subject may use only the placeholders the template's text uses. A reader whose language has no
school subject gets the school's Dutch one.

Everything is checked when the configuration is loaded (:func:`parse_overrides`), so a typo
stops the start with a message naming the key, not a message at 10:30 with a hole in it.

When a reader's language has no override text, the reader gets the school's Dutch text: a
translation of the old wording next to the new Dutch one would say something the Dutch does not
(the language law).
"""

from __future__ import annotations

import difflib
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError

from messages._languages import SOURCE_LANGUAGE, normalize
from messages._registry import TEMPLATES

__all__ = ["OverrideError", "Overrides", "parse_overrides"]

MAX_LENGTH = 1500
"""Characters per override text: a guardian's translation, its label and the Dutch original
below it, with the values filled in, then stay within one Telegram message (4,096)."""
MAX_SUBJECT_LENGTH = 80
"""Characters per override subject: what a mail program shows of a subject in its list."""
SUBJECT = "subject"
"""The key of a template's subject table in its entry (no language code is spelt so)."""


class OverrideError(ValueError):
    """An override that cannot be used; the message names its key and why."""


@dataclass(frozen=True, slots=True)
class Overrides:
    """The school's texts by template id, then by language code."""

    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    subjects: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """The school's subjects by template id, then by language code (``nl`` always)."""

    def __bool__(self) -> bool:
        return bool(self.texts or self.subjects)

    def get(self, template_id: str) -> Mapping[str, str] | None:
        """The school's texts for one template by language (``nl`` always), or None."""
        return self.texts.get(template_id)

    def subject(self, template_id: str) -> Mapping[str, str] | None:
        """The school's subjects for one template by language (``nl`` always), or None."""
        return self.subjects.get(template_id)


def parse_overrides(table: Mapping[str, object], where: str = "messages") -> Overrides:
    """Check a ``[messages]`` table and return the overrides; raises :class:`OverrideError`
    naming ``where``, the template and the language of the first problem found."""
    texts: dict[str, dict[str, str]] = {}
    subjects: dict[str, dict[str, str]] = {}
    for template_id, entry in table.items():
        key = f"{where}.{template_id}"
        template = TEMPLATES.get(template_id)
        if template is None:
            close = difflib.get_close_matches(template_id, TEMPLATES, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            raise OverrideError(f"{key}: no message {template_id!r}{hint}")
        if not isinstance(entry, Mapping):
            raise OverrideError(f'{key}: expected a table of texts per language (nl = "...")')
        known = template.placeholders  # a standard subject uses only what the text uses
        body = {lang: text for lang, text in entry.items() if lang != SUBJECT}
        if body or SUBJECT not in entry:
            texts[template_id] = _texts(body, key, known, f'[{where}."{template_id}"]')
        if SUBJECT in entry:
            subjects[template_id] = _subjects(entry[SUBJECT], f"{key}.{SUBJECT}", known)
    return Overrides(texts, subjects)


def _texts(
    entry: Mapping[str, object], key: str, known: frozenset[str], table: str
) -> dict[str, str]:
    """A template's texts by language, Dutch required."""
    parsed: dict[str, str] = {}
    for lang, text in entry.items():
        code = _language(str(lang), f"{key}.{lang}")
        if code in parsed:
            raise OverrideError(f"{key}.{lang}: a second text for {code}")
        if code == SOURCE_LANGUAGE:
            leave_out = f"leave out {table} to keep the standard message"
        else:
            leave_out = f"leave out {lang} and its readers get the school's Dutch text"
        parsed[code] = _text(text, f"{key}.{lang}", known, leave_out)
    if SOURCE_LANGUAGE not in parsed:
        raise OverrideError(
            f"{key}: the Dutch text (nl) is required; it is the original every translation follows"
        )
    return parsed


def _subjects(entry: object, key: str, known: frozenset[str]) -> dict[str, str]:
    """A template's subjects by language: one short line each, Dutch required."""
    if not isinstance(entry, Mapping):
        raise OverrideError(f'{key}: expected a table of subjects per language (nl = "...")')
    parsed: dict[str, str] = {}
    for lang, text in entry.items():
        code = _language(str(lang), f"{key}.{lang}")
        if code in parsed:
            raise OverrideError(f"{key}.{lang}: a second subject for {code}")
        if code == SOURCE_LANGUAGE:
            leave_out = "leave out the subject table to keep the standard subject"
        else:
            leave_out = f"leave out {lang} and its readers get the school's Dutch subject"
        subject = _text(text, f"{key}.{lang}", known, leave_out)
        if "\n" in subject:
            raise OverrideError(f"{key}.{lang}: a subject is one line")
        if len(subject) > MAX_SUBJECT_LENGTH:
            raise OverrideError(
                f"{key}.{lang}: {len(subject)} characters; at most {MAX_SUBJECT_LENGTH}"
            )
        parsed[code] = subject
    if SOURCE_LANGUAGE not in parsed:
        raise OverrideError(
            f"{key}: the Dutch subject (nl) is required; it is the original every "
            "translation follows"
        )
    return parsed


def _language(lang: str, key: str) -> str:
    code = normalize(lang)
    try:
        if not lang.strip():
            raise ValueError(lang)  # normalize() reads an empty code as Dutch; here it is a slip
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise OverrideError(f"{key}: {lang!r} is not a language code (nl, fr, tr, ...)") from None
    return code


def _text(value: object, key: str, known: frozenset[str], leave_out: str) -> str:
    if not isinstance(value, str):
        raise OverrideError(f"{key}: expected text in quotes")
    # Trailing spaces are invisible, and a line of spaces would be a paragraph of nothing.
    text = "\n".join(line.rstrip() for line in value.strip().splitlines())
    if not text:
        raise OverrideError(f"{key}: empty; {leave_out}")
    if len(text) > MAX_LENGTH:
        raise OverrideError(f"{key}: {len(text)} characters; at most {MAX_LENGTH}")
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        # Python's own words ("Single '}' encountered in format string") help nobody here.
        raise OverrideError(
            f"{key}: a {{ or }} that is not part of a placeholder like {{first_name}}; "
            "write {{ or }} for a brace in the text"
        ) from None
    allowed = ", ".join(f"{{{name}}}" for name in sorted(known)) or "none"
    for name, spec, conversion in fields:
        if name not in known:
            raise OverrideError(
                f"{key}: unknown placeholder {{{name}}}; this message knows: {allowed}"
            )
        if spec or conversion:
            raise OverrideError(f"{key}: write {{{name}}} without a format or conversion")
    return text
