"""Who is looking, and which part of a long list they see.

Every read of the desk takes a :class:`Scope`: the whole school (care team, direction), or the
pupils of one spilfiguur. The scope is applied in the query itself, by the pupil's current
``spilfiguur_id``, so that a row about another coordinator's pupil is never even loaded: the
page cannot show what it never got.

Lists that grow are cut into pages (:class:`Page`): the page asked for, clamped to the pages
there are, with the total, so that a template can say "21 to 40 of 57" and link on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import col

from bot.models import Pupil

__all__ = ["DEFAULT_SIZE", "MAX_SIZE", "Page", "Scope", "paginate"]

DEFAULT_SIZE = 25
MAX_SIZE = 200

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Scope:
    """The pupils a reader may see: all active pupils of ``school_id``, or, with
    ``spilfiguur``, those whose spilfiguur is the staff member with that database id."""

    school_id: str
    spilfiguur: int | None = None

    @classmethod
    def school(cls, school_id: str) -> Scope:
        """The whole school: the care team and the direction."""
        return cls(school_id)

    @classmethod
    def of_spilfiguur(cls, school_id: str, staff: int) -> Scope:
        """The pupils of one spilfiguur (``staff``: their ``staff.id``, not the roster id)."""
        return cls(school_id, staff)

    @property
    def whole_school(self) -> bool:
        return self.spilfiguur is None

    def pupils(self) -> list[sa.ColumnExpressionArgument[bool]]:
        """The conditions on :class:`~bot.models.Pupil` (joined in the query) for this scope:
        the school's active pupils, and of this spilfiguur when one is named."""
        found: list[sa.ColumnExpressionArgument[bool]] = [
            col(Pupil.school_id) == self.school_id,
            col(Pupil.active),
        ]
        if self.spilfiguur is not None:
            found.append(col(Pupil.spilfiguur_id) == self.spilfiguur)
        return found

    def joined(self) -> list[sa.ColumnExpressionArgument[bool]]:
        """The conditions on a pupil joined by its key from a row of the school (an outreach
        row, a mark: written with their pupil's school): active, and of this spilfiguur.

        Leaving out the pupil's own ``school_id`` keeps PostgreSQL from walking the school's
        pupils once per row when it has no statistics yet (a fresh database, a server without
        autovacuum): the pupil is then found by its key."""
        found: list[sa.ColumnExpressionArgument[bool]] = [col(Pupil.active)]
        if self.spilfiguur is not None:
            found.append(col(Pupil.spilfiguur_id) == self.spilfiguur)
        return found

    def pupil_ids(self) -> Any:
        """The database ids of the pupils in scope, as a sub-query."""
        return sa.select(col(Pupil.id)).where(*self.pupils())


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its ``items``, the page ``number`` (from 1), the page ``size`` and
    the ``total`` number of items over all pages."""

    items: tuple[T, ...]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (1 for an empty list: the page that says "none")."""
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first(self) -> int:
        """The place (from 1) of the first item on this page; 0 when there is none."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        """The place of the last item on this page; 0 when there is none."""
        return self.first + len(self.items) - 1 if self.items else 0


def checked(number: int, size: int) -> tuple[int, int]:
    """A page number and size as asked: a size outside 1 to :data:`MAX_SIZE` is an error (a
    page that asks for it is wrong), a number below 1 is the first page."""
    if not 1 <= size <= MAX_SIZE:
        raise ValueError(f"page size {size}: expected 1 to {MAX_SIZE}")
    return max(1, number), size


def clamp(number: int, size: int, total: int) -> int:
    """The page to show: ``number``, or the last page when there are fewer."""
    return min(max(1, number), max(1, math.ceil(total / size)))


def paginate(items: Sequence[T], number: int, size: int) -> Page[T]:
    """The page ``number`` of ``size`` of ``items`` (all of them, in order)."""
    number, size = checked(number, size)
    number = clamp(number, size, len(items))
    start = (number - 1) * size
    return Page(tuple(items[start : start + size]), number, size, len(items))
