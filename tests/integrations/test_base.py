"""Shared integration plumbing."""

from __future__ import annotations

import asyncio

import pytest

from integrations.base import prefetch


async def _numbers(log: list[str], fail_at: int | None = None):
    for number in range(5):
        if number == fail_at:
            raise ValueError(f"broken at {number}")
        log.append(f"read {number}")
        yield number


async def test_prefetch_yields_everything_in_order_and_reads_ahead():
    log: list[str] = []
    seen = []
    async for number in prefetch(_numbers(log)):
        await asyncio.sleep(0)  # let the reader run while we "write"
        log.append(f"used {number}")
        seen.append(number)

    assert seen == [0, 1, 2, 3, 4]
    # The next item was read before the current one was used: reading overlapped.
    assert log.index("read 1") < log.index("used 0")


async def test_prefetch_raises_the_source_error_where_it_happened():
    seen: list[int] = []

    async def consume() -> None:
        async for number in prefetch(_numbers([], fail_at=3)):
            seen.append(number)

    with pytest.raises(ValueError, match="broken at 3"):
        await consume()
    assert seen == [0, 1, 2]


async def test_leaving_early_stops_the_reader():
    log: list[str] = []
    async for number in prefetch(_numbers(log)):
        if number == 1:
            break
    await asyncio.sleep(0.01)
    assert "read 4" not in log
