"""Plumbing shared by integrations."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TypeVar

__all__ = ["prefetch"]

T = TypeVar("T")
_DONE = object()


async def prefetch(source: AsyncIterator[T], depth: int = 1) -> AsyncIterator[T]:
    """Iterate ``source`` while reading up to ``depth`` items ahead in a background task.

    An importer writes one batch to the database while the next is being read and parsed, so
    the two overlap instead of taking turns. Errors of the source surface where the consumer
    would have met them.
    """
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=depth)

    async def fill() -> None:
        try:
            async for item in source:
                await queue.put(item)
        except BaseException as err:  # handed to the consumer, in order
            await queue.put(_Failure(err))
            return
        await queue.put(_DONE)

    task = asyncio.create_task(fill())
    try:
        while True:
            item = await queue.get()
            if item is _DONE:
                break
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        aclose = getattr(source, "aclose", None)
        if aclose is not None:
            await aclose()


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error
