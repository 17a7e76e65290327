"""Message templates and their rendering (Babel: locales, plurals, dates, right-to-left).

Every text the bot sends is a :class:`Template` in :data:`TEMPLATES`, written in Dutch and
translated in the gettext catalogs under ``locales/<lang>/LC_MESSAGES/gemist.po``.
:func:`render` picks the reader's language, formats dates and numbers with Babel and composes
guardian messages as the language law asks. Every template has a subject too (the title of an
e-mail or a Smartschool message, :mod:`messages._subjects`), translated like its text. A school
may word a template and its subject its own way (:class:`Overrides`, read from the
``[messages]`` table of its configuration by :func:`parse_overrides`).

Catalog work, from the repository root (``babel.cfg`` tells Babel where the texts are)::

    pybabel extract -F messages/babel.cfg -k N_ -k Nn_:1,2 --add-comments=Translators: \\
        --no-location --sort-output --width=100 --project=Gemist -o locales/gemist.pot .
    pybabel update -i locales/gemist.pot -d locales -D gemist --width=100 --no-fuzzy-matching \\
        --ignore-obsolete
    pybabel init -i locales/gemist.pot -d locales -D gemist -l de   # a new language

No compile step is needed: the ``.po`` files are compiled in memory at first use. After
``pybabel init -l ar`` (or ``update``), check the Arabic ``Plural-Forms`` header: Babel 2.18
writes a wrong one, and ``tests/messages/test_catalogs.py`` pins the CLDR expression.
"""

from __future__ import annotations

from messages._catalogs import Catalogs
from messages._languages import FAMILY_LANGUAGES, SOURCE_LANGUAGE, STAFF_LANGUAGES, is_rtl
from messages._languages import normalize as normalize_language
from messages._lines import GROUPS as DIGEST_GROUPS
from messages._model import Audience, Button, Offer, Plural, Template, Text
from messages._outreach import buttons_for, render_outreach, template_for
from messages._overrides import OverrideError, Overrides, parse_overrides
from messages._placeholders import PLACEHOLDERS
from messages._quote import without_bidi_controls
from messages._registry import TEMPLATES, get_template, templates_of
from messages._render import (
    Part,
    Rendered,
    RenderedButton,
    button_label,
    day_label,
    render,
    resolve_language,
)
from messages._samples import SAMPLE_CONTEXT

__all__ = [
    "DIGEST_GROUPS",
    "FAMILY_LANGUAGES",
    "PLACEHOLDERS",
    "SAMPLE_CONTEXT",
    "SOURCE_LANGUAGE",
    "STAFF_LANGUAGES",
    "TEMPLATES",
    "Audience",
    "Button",
    "Catalogs",
    "Offer",
    "OverrideError",
    "Overrides",
    "Part",
    "Plural",
    "Rendered",
    "RenderedButton",
    "Template",
    "Text",
    "button_label",
    "buttons_for",
    "day_label",
    "get_template",
    "is_rtl",
    "normalize_language",
    "parse_overrides",
    "render",
    "render_outreach",
    "resolve_language",
    "template_for",
    "templates_of",
    "without_bidi_controls",
]
