"""The registry of every template, by id (``kind`` or ``kind.variant``)."""

from __future__ import annotations

from messages._attention import ATTENTION_TEMPLATES
from messages._forward_reading import FORWARD_READING_TEMPLATES
from messages._guardian import GUARDIAN_TEMPLATES
from messages._letters import LETTER_TEMPLATES
from messages._model import Template
from messages._onboarding import ONBOARDING_TEMPLATES
from messages._pupil import PUPIL_TEMPLATES
from messages._staff import STAFF_TEMPLATES
from messages._timeline import TIMELINE_TEMPLATES

__all__ = ["TEMPLATES", "get_template", "templates_of"]

TEMPLATES: dict[str, Template] = {
    template.id: template
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
