"""``coordinator_forward`` for words the spilfiguur may not read: the help that comes with them.

A forwarded message in a language that is neither the coordinator's nor Dutch (issue 14, item
6) keeps its heading, the words and the footer of the plain ``coordinator_forward`` (in
:mod:`messages._staff`), and adds one of two things after the words:

- ``.foreign``: it says plainly which language it is, suggests an interpreter, and asks not to
  paste the words into a translation website (they are a family's personal data);
- ``.translated``: the school's own translation engine translated them; the translation
  follows the original, labelled as a machine translation that can be wrong.

Each comes as an edit too (``.edited_foreign``, ``.edited_translated``), with the heading of an
edited message.
"""

from __future__ import annotations

from messages._model import N_, Audience, Template, Text
from messages._staff import STAFF_TEMPLATES

__all__ = ["FORWARD_READING_TEMPLATES"]

# Translators: to a colleague, after a family's words in another language ({language}, such as
# "Turks"). An interpreter can be arranged by the school, as for a talk with parents.
FOREIGN = Text(
    N_(
        "Dit bericht is in het {language} geschreven, niet in jouw taal. Vraag zo nodig een tolk "
        "om hulp; de school kan er een regelen. Zet de tekst liever niet in een vertaalsite: het "
        "zijn persoonlijke gegevens."
    )
)
# Translators: the label above a machine translation of a family's words; the translation
# follows it as quoted lines.
TRANSLATED = Text(
    N_(
        "Dit bericht is in het {language} geschreven, niet in jouw taal. Hieronder staat een "
        "machinevertaling. Die kan fouten bevatten: vraag bij twijfel een tolk."
    )
)
MACHINE_TRANSLATION = Text(N_("{translation}"))
"""The translation, quoted like the words themselves (:mod:`messages._quote`)."""

_FORWARDS = {template.id: template for template in STAFF_TEMPLATES}
_AIDS = {
    "foreign": ((FOREIGN,), "the language is named and an interpreter suggested"),
    "translated": (
        (TRANSLATED, MACHINE_TRANSLATION),
        "a machine translation by the school's own engine follows, labelled as one",
    ),
}


def _with_aid(edited: bool, aid: str) -> Template:
    base = _FORWARDS["coordinator_forward.edited" if edited else "coordinator_forward"]
    heading, words, footer = base.segments
    added, what = _AIDS[aid]
    return Template(
        f"coordinator_forward.{'edited_' if edited else ''}{aid}",
        Audience.COORDINATOR,
        (heading, words, *added, footer),
        description=f"A pupil or guardian wrote {'(then edited) ' if edited else ''}in a "
        f"language that is neither the spilfiguur's nor Dutch: {what}.",
    )


FORWARD_READING_TEMPLATES = tuple(
    _with_aid(edited, aid) for edited in (False, True) for aid in ("foreign", "translated")
)
