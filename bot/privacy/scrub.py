"""After an erasure: find what still names the erased people in words, and remove it.

Messages about a person are found by their keys; but a text can name someone it is not about (a
forwarded answer names its writer, a rejected import line quotes an id). So every remaining
message (text, render context, idempotency key), every rejected import line and every import
summary is searched for each erased person's roster id, full name and chat id, as whole words
and in any case. A message that names them is removed with its events, a rejected line too, and
an import summary that names them is emptied (the run's counts stay).

The render contexts are read as the JSON text they are stored as. One pass serves any number of
people (a purge may erase hundreds): a text is searched in full only for the people whose id or
name occurs in it at all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.models import ImportReject, ImportRun, Outreach
from bot.privacy.people import Person

__all__ = ["Found", "Naming", "clean_rejects_and_summaries", "find_naming"]

BATCH = 2000
FEW = 16
"""Up to this many people, a text is searched for each of them; beyond, through its words."""
_WORD = re.compile(r"\w+")


def _fold(text: str) -> str:
    """Lower case for comparing, the Turkish dotless and dotted i as plain i."""
    return text.casefold().replace("\u0131", "i").replace("i\u0307", "i")


class Naming:
    """Tells whether a text names one of ``people``: their roster id, full name or chat id as
    whole words in any case, also as JSON writes them with escapes (``Ay\\u015fe``)."""

    def __init__(self, people: Iterable[Person]) -> None:
        self._patterns: list[re.Pattern[str]] = []
        self._needles: list[tuple[str, int]] = []
        self._by_word: dict[str, set[int]] = {}
        for index, person in enumerate(people):
            plain = [person.roster_id, person.full_name]
            if person.chat_id is not None:
                plain.append(str(person.chat_id))
            needles = {form for needle in plain if _WORD.search(needle)
                       for form in (needle, json.dumps(needle)[1:-1])}  # fmt: skip
            words = "|".join(re.escape(needle) for needle in sorted(needles))
            self._patterns.append(re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE))
            for needle in needles:
                self._needles.append((_fold(needle), index))
                first = _WORD.search(_fold(needle))
                if first is not None:
                    self._by_word.setdefault(first.group(), set()).add(index)

    def __call__(self, values: Sequence[Any]) -> bool:
        text = "\n".join(value if isinstance(value, str) else json.dumps(value)
                         for value in values if value is not None)  # fmt: skip
        if not text:
            return False
        folded = _fold(text)
        if len(self._patterns) <= FEW:
            candidates = {index for needle, index in self._needles if needle in folded}
        else:
            candidates = set()
            for word in set(_WORD.findall(folded)):
                candidates |= self._by_word.get(word, set())
        return any(self._patterns[index].search(text) for index in candidates)


@dataclass(frozen=True, slots=True)
class Found:
    """What still names the people searched for, by database id."""

    messages: list[int] = field(default_factory=list)
    rejects: list[int] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)
    """Import runs whose summary names them."""


async def find_naming(conn: AsyncConnection, school_id: str, people: Sequence[Person]) -> Found:
    """Search as the module says; reads only (a purge searches before it takes the write lock)."""
    if not people:
        return Found()
    names = Naming(people)
    naming: list[int] = []
    last = 0
    while True:
        rows = (
            await conn.execute(
                sa.select(
                    col(Outreach.id), col(Outreach.idempotency_key), col(Outreach.text),
                    sa.cast(col(Outreach.payload), sa.Text),
                )
                .where(col(Outreach.school_id) == school_id, col(Outreach.id) > last)
                .order_by(col(Outreach.id))
                .limit(BATCH)
            )
        ).all()  # fmt: skip
        if not rows:
            break
        last = rows[-1][0] or 0  # a stored row always has its key
        naming.extend(pk or 0 for pk, *texts in rows if names(texts))
    runs = sa.select(col(ImportRun.id)).where(col(ImportRun.school_id) == school_id)
    rejects = await conn.execute(
        sa.select(col(ImportReject.id), col(ImportReject.reason)).where(
            col(ImportReject.run_id).in_(runs)
        )
    )
    lines = [pk or 0 for pk, reason in rejects if names([reason])]
    summaries = await conn.execute(
        sa.select(col(ImportRun.id), sa.cast(col(ImportRun.summary), sa.Text)).where(
            col(ImportRun.school_id) == school_id
        )
    )
    named = [pk or 0 for pk, summary in summaries if names([summary])]
    return Found(naming, lines, named)


async def clean_rejects_and_summaries(conn: AsyncConnection, found: Found) -> int:
    """Remove the rejected lines ``found`` and empty its import summaries; the lines removed.
    (The messages are the caller's, to remove with their events.)"""
    removed = 0
    for start in range(0, len(found.rejects), BATCH):
        chunk = found.rejects[start : start + BATCH]
        deleted = await conn.execute(sa.delete(ImportReject).where(col(ImportReject.id).in_(chunk)))
        removed += deleted.rowcount
    if found.runs:
        await conn.execute(
            sa.update(ImportRun).where(col(ImportRun.id).in_(found.runs)).values(summary=[])
        )
    return removed
