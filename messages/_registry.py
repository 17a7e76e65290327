"""The registry of every template, by id (``kind`` or ``kind.variant``)."""

from __future__ import annotations

from dataclasses import replace

from messages._attention import ATTENTION_TEMPLATES
from messages._forward_reading import FORWARD_READING_TEMPLATES
from messages._guardian import GUARDIAN_TEMPLATES
from messages._letters import LETTER_TEMPLATES
from messages._model import Template, fields_of
from messages._onboarding import ONBOARDING_TEMPLATES
from messages._pupil import PUPIL_TEMPLATES
from messages._staff import STAFF_TEMPLATES
from messages._subjects import subject_for
from messages._timeline import TIMELINE_TEMPLATES

__all__ = ["TEMPLATES", "get_template", "templates_of"]


def _with_subject(template: Template) -> Template:
    """The template with its subject; a template without one, or a subject that needs a value
    the text does not, stops the import (a message must never go out untitled or half filled)."""
    subject = subject_for(template.id)
    if subject is None:
        raise LookupError(f"Template {template.id!r} has no subject in messages._subjects")
    extra = set(fields_of(subject)) - template.placeholders
    if extra:
        raise ValueError(
            f"Template {template.id!r}: its subject uses {', '.join(sorted(extra))}, "
            "which its text does not"
        )
    return replace(template, subject=subject)


TEMPLATES: dict[str, Template] = {
    template.id: _with_subject(template)
    for template in (
        *PUPIL_TEMPLATES,
        *GUARDIAN_TEMPLATES,
        *STAFF_TEMPLATES,
        *ATTENTION_TEMPLATES,
        *FORWARD_READING_TEMPLATES,
        *TIMELINE_TEMPLATES,
        *ONBOARDING_TEMPLATES,
        *LETTER_TEMPLATES,
    )
}


def get_template(template_id: str) -> Template:
    """The template with this id; ``LookupError`` names an unknown one."""
    try:
        return TEMPLATES[template_id]
    except KeyError:
        raise LookupError(f"No message template {template_id!r}") from None


def templates_of(kind: str) -> list[Template]:
    """The templates of one kind (``coordinator_nudge``) or the one with that id."""
    return [t for t in TEMPLATES.values() if kind in (t.kind, t.id)]
