"""Shared by the message tests: the languages with catalogs, and every template rendered."""

from __future__ import annotations

from collections.abc import Iterator

from messages import SAMPLE_CONTEXT, TEMPLATES, Rendered, Template, render
from tests.messages.languages import languages

# nl is the source; every other language with a module in tests/messages/languages has a
# complete catalog and is checked like Dutch.
LANGUAGES = languages()
COMPLETE = LANGUAGES[1:]


def renderings() -> Iterator[tuple[Template, str, Rendered]]:
    """Every template, for a reader of every language, with the sample data."""
    for template in TEMPLATES.values():
        for lang in LANGUAGES:
            yield template, lang, render(template.id, lang, SAMPLE_CONTEXT)


def case_id(template: Template, lang: str) -> str:
    return f"{template.id}-{lang}"
