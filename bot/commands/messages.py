"""``gemist messages preview``: every template rendered with sample data, for coordinators.

Templates the school words its own way (``[messages]`` in the configuration, the text or the
subject) are shown in that wording, marked ``(school text)`` in their header line. Each shows
its subject, the title of an e-mail or a Smartschool message.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from bot.config import Settings
from bot.exits import Exit
from messages import SAMPLE_CONTEXT, TEMPLATES, Overrides, Template, render, templates_of

_AUDIENCE = {
    "pupil": "leerling",
    "guardian": "ouder",
    "teacher": "leerkracht",
    "coordinator": "spilfiguur",
    "anyone": "iedereen",
}


def register(commands: Any) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "messages", help="the messages Gemist sends, in every language"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    preview = actions.add_parser(
        "preview", help="render every template with sample data (pupil Yasmine)"
    )
    preview.add_argument(
        "--lang",
        default="nl",
        metavar="LANG",
        help="the reader's language, e.g. fr or tr (default: nl); Dutch where none exists yet",
    )
    preview.add_argument(
        "--kind",
        metavar="KIND",
        help="only this kind (e.g. guardian_notice) or template id (guardian_notice.first)",
    )
    preview.set_defaults(handler=run)


async def run(args: argparse.Namespace, settings: Settings) -> int:
    """Print every template (or one kind) as the reader of ``--lang`` would receive it."""
    chosen = templates_of(args.kind) if args.kind else list(TEMPLATES.values())
    if not chosen:
        kinds = ", ".join(sorted({template.kind for template in TEMPLATES.values()}))
        print(
            f"gemist: messages: no kind or template {args.kind!r}; kinds: {kinds}", file=sys.stderr
        )
        return Exit.UNUSABLE
    previews = ("\n".join(_preview(t, args.lang, settings.messages)) for t in chosen)
    print("\n\n".join(previews))
    return Exit.OK


def _preview(template: Template, lang: str, overrides: Overrides) -> Iterator[str]:
    rendered = render(template.id, lang, SAMPLE_CONTEXT, overrides=overrides)
    audience = _AUDIENCE[template.audience.value]
    own = " (school text)" if overrides.get(template.id) or overrides.subject(template.id) else ""
    yield f"=== {template.id} · {audience} · {rendered.lang}{own} ==="
    if template.description:
        yield f"when: {template.description}"
    yield f"subject: {rendered.subject}"
    yield ""
    yield rendered.text
    if rendered.buttons:
        yield ""
        yield "  ".join(f"[{button.label}]" for button in rendered.buttons)
