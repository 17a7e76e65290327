"""After an erasure: find what still names the erased people in words, and remove it.

Messages about a person are found by their keys; but a text can name someone it is not about (a
forwarded answer names its writer, a rejected import line quotes an id). So every remaining
message (text, render context, idempotency key), every rejected import line and every import
summary is searched for each erased person's roster id, full name and chat id, as whole words
and in any case. A message that names them is removed with its events, a rejected line too, and
an import summary that names them is emptied (the run's counts stay).

One pass serves any number of people (a purge may erase hundreds): each text is split into its
words once, and only the people one of whose words occurs in it are looked for in full.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.models import ImportReject, ImportRun, Outreach
from bot.privacy.people import Person

__all__ = ["Naming", "scrub"]

BATCH = 2000
_WORD = re.compile(r"\w+")


class Naming:
    """Tells whether a text names one of ``people``."""

    def __init__(self, people: Iterable[Person]) -> None:
        self._patterns: list[re.Pattern[str]] = []
        self._by_word: dict[str, set[int]] = {}
        for index, person in enumerate(people):
            needles = [person.roster_id, person.full_name]
            if person.chat_id is not None:
                needles.append(str(person.chat_id))
            needles = [needle for needle in needles if _WORD.search(needle)]
            words = "|".join(re.escape(needle) for needle in needles)
            self._patterns.append(re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE))
            for needle in needles:
                first = _WORD.search(needle.casefold())
                if first is not None:
                    self._by_word.setdefault(first.group(), set()).add(index)

    def __call__(self, values: Sequence[Any]) -> bool:
        text = _words(values)
        if not text:
            return False
        candidates: set[int] = set()
        for word in set(_WORD.findall(text.casefold())):
            candidates |= self._by_word.get(word, set())
        return any(self._patterns[index].search(text) for index in candidates)


def _words(values: Sequence[Any]) -> str:
    """The values as one text (JSON without escapes, so that "Zoë" stays "Zoë")."""
    return "\n".join(
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        for value in values
        if value is not None
    )


async def scrub(
    conn: AsyncConnection, school_id: str, people: Sequence[Person]
) -> tuple[list[int], int]:
    """Search and clean as the module says; the ids of the messages that still name one of
    ``people`` (for the caller to remove with their events) and the rejected lines removed."""
    if not people:
        return [], 0
    names = Naming(people)
    naming: list[int] = []
    last = 0
    while True:
        rows = (
            await conn.execute(
                sa.select(
                    col(Outreach.id), col(Outreach.idempotency_key), col(Outreach.text),
                    col(Outreach.payload),
                )
                .where(col(Outreach.school_id) == school_id, col(Outreach.id) > last)
                .order_by(col(Outreach.id))
                .limit(BATCH)
            )
        ).all()  # fmt: skip
        if not rows:
            break
        last = rows[-1][0]
        naming.extend(pk for pk, *texts in rows if names(texts))
    runs = sa.select(col(ImportRun.id)).where(col(ImportRun.school_id) == school_id)
    rejects = await conn.execute(
        sa.select(col(ImportReject.id), col(ImportReject.reason)).where(
            col(ImportReject.run_id).in_(runs)
        )
    )
    lines = [pk for pk, reason in rejects if names([reason])]
    for start in range(0, len(lines), BATCH):
        chunk = lines[start : start + BATCH]
        await conn.execute(sa.delete(ImportReject).where(col(ImportReject.id).in_(chunk)))
    summaries = await conn.execute(
        sa.select(col(ImportRun.id), col(ImportRun.summary)).where(
            col(ImportRun.school_id) == school_id
        )
    )
    named = [pk for pk, summary in summaries if names([summary])]
    if named:
        await conn.execute(
            sa.update(ImportRun).where(col(ImportRun.id).in_(named)).values(summary=[])
        )
    return naming, len(lines)
