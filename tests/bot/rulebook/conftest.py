"""Each test starts without the replays an earlier one left in this process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.rulebook.preview import forget_replays


@pytest.fixture(autouse=True)
def _no_remembered_replays() -> Iterator[None]:
    forget_replays()
    yield
    forget_replays()
