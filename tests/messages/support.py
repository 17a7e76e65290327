"""Shared by the message tests: the languages with catalogs, and every template rendered."""

from __future__ import annotations

from collections.abc import Iterator

from messages import SAMPLE_CONTEXT, TEMPLATES, Rendered, Template, render

# nl is the source; en and fr are complete for every template. The other family languages
# join this tuple as their catalogs are finished (issue 4).
LANGUAGES = ("nl", "en", "fr")


def renderings() -> Iterator[tuple[Template, str, Rendered]]:
    """Every template, for a reader of every language, with the sample data."""
    for template in TEMPLATES.values():
        for lang in LANGUAGES:
            yield template, lang, render(template.id, lang, SAMPLE_CONTEXT)


def case_id(template: Template, lang: str) -> str:
    return f"{template.id}-{lang}"
