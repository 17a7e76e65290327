"""An import that holds its transaction open, for tests of what happens meanwhile.

:class:`HeldSource` wraps a real feed: it hands the importer its first batch and then waits for
:attr:`HeldSource.release` before the rest. By then the import has taken the school's lock (on
SQLite the database's write lock), so everything a test does while :attr:`HeldSource.holding`
is set happens during a long import, however small the feed.

Run as ``python -m tests.helpers.held_import URL FEED``, it is an import process that never
ends by itself: it prints ``holding`` once it holds the lock, and waits to be killed.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from integrations.abc import AbsenceBatch, AbsenceSource
from integrations.csv.source import CsvAbsenceSource


class HeldSource(AbsenceSource):
    """``inner``'s batches, held after the first until :attr:`release` is set."""

    def __init__(self, inner: AbsenceSource) -> None:
        self.inner = inner
        self.name = inner.name
        self.location = inner.location
        self.covers = inner.covers
        self.holding = asyncio.Event()
        self.release = asyncio.Event()

    async def batches(self) -> AsyncIterator[AbsenceBatch]:
        first = True
        async for batch in self.inner.batches():
            yield batch
            if first:
                first = False
                self.holding.set()
                await self.release.wait()
        if first:  # an empty feed: hold all the same
            self.holding.set()
            await self.release.wait()

    def warnings(self) -> list[str]:
        return self.inner.warnings()


async def _hold_forever(url: str, feed: Path) -> None:
    from bot.db import connect
    from bot.imports import import_absences
    from scheduler.clock import WallClock
    from tests.helpers.seed import SCHOOL

    engine = connect(url)
    source = HeldSource(CsvAbsenceSource(feed))
    task = asyncio.create_task(
        import_absences(
            engine, source, school_id=SCHOOL, school_name="Testschool", clock=WallClock()
        )
    )
    await source.holding.wait()
    print("holding", flush=True)
    await task


if __name__ == "__main__":
    asyncio.run(_hold_forever(sys.argv[1], Path(sys.argv[2])))
