"""Who may see what on the desk: the one place that decides, for every handler.

Roles come from the roster (``staff.role``, :class:`bot.domain.StaffRole`) and from the pupils
themselves (``pupil.spilfiguur_id``):

- **the whole school**: the direction and the CLB worker (the care team's role on the roster)
  see every pupil of their school, and every page;
- **a spilfiguur** (anyone named as an active pupil's spilfiguur, a coordinator or a teacher)
  sees their own pupils: their cases, their timelines, the families they cannot reach;
- **a coordinator** (``coordinator``) also works the school's rules, the imports and the
  held days, as the bot's chat lets them today;
- **the rules** (*Regels*: read, preview, save, restore) are the coordinators', the care
  team's (the CLB worker: the law's threshold is theirs to watch) and the direction's;
- **a teacher** who is nobody's spilfiguur sees only the welcome reminders sent to them.

Everything here is pure: a :class:`Viewer` and what is asked for in, a yes or no out. A pupil
who is not the viewer's is answered like a pupil that does not exist (the handler's 404), so
nobody learns which ids are pupils of the school.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.desk.scope import Scope as DeskScope
from bot.domain import StaffRole

__all__ = [
    "WHOLE_SCHOOL",
    "DeskScope",
    "Page",
    "PupilRef",
    "Scope",
    "Viewer",
    "desk_scope",
    "may",
    "may_see_pupil",
    "pages_of",
    "scope_of",
]

WHOLE_SCHOOL = frozenset({StaffRole.DIRECTION.value, StaffRole.CLB.value})
"""The roles that see every pupil of the school."""
RUNS_THE_BOT = frozenset({StaffRole.COORDINATOR.value, StaffRole.DIRECTION.value})
"""The roles that follow the imports and decide held days."""
MAKE_THE_RULES = frozenset(
    {StaffRole.COORDINATOR.value, StaffRole.CLB.value, StaffRole.DIRECTION.value}
)
"""The roles that read, preview, save and restore the school's rules (*Regels*)."""


class Page(StrEnum):
    """The desk's pages, by the path they have under ``/desk/``, in the navigation's order."""

    TODAY = "vandaag"
    FOLLOW_UP = "opvolging"
    PUPIL = "leerling"
    RULES = "regels"
    REACH = "bereik"
    IMPORTS = "invoer"
    QUEUE = "wachtrij"


@dataclass(frozen=True, slots=True)
class Viewer:
    """A signed-in staff member, as the desk sees them."""

    staff_id: int
    """The staff member's database id."""
    school_id: str
    role: str
    name: str
    lang: str
    spilfiguur: bool
    """Whether they are the spilfiguur of at least one active pupil."""

    @property
    def whole_school(self) -> bool:
        return self.role in WHOLE_SCHOOL


@dataclass(frozen=True, slots=True)
class PupilRef:
    """What decides whether a pupil is the viewer's."""

    id: int
    school_id: str
    spilfiguur_id: int | None
    active: bool = True


@dataclass(frozen=True, slots=True)
class Scope:
    """What a viewer's lists hold: every pupil of ``school_id`` (``whole_school``), or only
    those whose spilfiguur is ``spilfiguur`` (None: no pupil at all); and the welcome
    reminders sent to ``welcomes_of`` (a teacher's own)."""

    school_id: str
    whole_school: bool
    spilfiguur: int | None
    welcomes_of: int | None

    @property
    def any_pupil(self) -> bool:
        return self.whole_school or self.spilfiguur is not None


def may(viewer: Viewer, page: Page, pupil: PupilRef | None = None) -> bool:
    """Whether ``viewer`` may open ``page`` (and, with ``pupil``, that pupil's page)."""
    if pupil is not None and not may_see_pupil(viewer, pupil):
        return False
    if page is Page.TODAY:
        return True
    if page in (Page.FOLLOW_UP, Page.PUPIL, Page.REACH):
        return viewer.whole_school or viewer.spilfiguur
    if page is Page.RULES:
        return viewer.role in MAKE_THE_RULES
    if page in (Page.IMPORTS, Page.QUEUE):
        return viewer.role in RUNS_THE_BOT
    return False


def may_see_pupil(viewer: Viewer, pupil: PupilRef) -> bool:
    """Whether ``pupil`` is ``viewer``'s: one of their school for the whole school's roles, one
    they are the spilfiguur of for anyone else. A pupil who left is seen by the same people
    (their story stays readable) as long as the roster keeps them."""
    if pupil.school_id != viewer.school_id:
        return False
    return viewer.whole_school or pupil.spilfiguur_id == viewer.staff_id


def pages_of(viewer: Viewer) -> tuple[Page, ...]:
    """The pages ``viewer`` may open: the navigation shows these and no other."""
    return tuple(page for page in Page if may(viewer, page))


def scope_of(viewer: Viewer) -> Scope:
    """What ``viewer``'s lists hold (see :class:`Scope`)."""
    own = viewer.staff_id if viewer.spilfiguur and not viewer.whole_school else None
    welcomes = viewer.staff_id if viewer.role == StaffRole.TEACHER.value else None
    return Scope(viewer.school_id, viewer.whole_school, own, welcomes)


def desk_scope(viewer: Viewer, page: Page) -> DeskScope:
    """The scope of the reads of :mod:`bot.desk` on ``page`` for ``viewer``: the whole school
    for the direction and the CLB, and on the pages of the bot's own work (*Invoer*,
    *Wachtrij*) for the coordinators who run it; else the pupils they are the spilfiguur of
    (none, when they are nobody's: the query then finds nothing)."""
    if viewer.whole_school or (page in BOTS_WORK and viewer.role in RUNS_THE_BOT):
        return DeskScope.school(viewer.school_id)
    return DeskScope.of_spilfiguur(viewer.school_id, viewer.staff_id)


BOTS_WORK = frozenset({Page.IMPORTS, Page.QUEUE})
"""The pages of the bot's own work: the whole school's, for those who run it."""
