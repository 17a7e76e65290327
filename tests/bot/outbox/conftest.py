"""Fixtures of the outbox tests."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.imports.runs import ensure_school
from scheduler.clock import VirtualClock
from tests.bot.outbox.support import SCHOOL


@pytest.fixture
async def school(engine: AsyncEngine, clock: VirtualClock) -> str:
    """The school every planned outreach belongs to."""
    async with engine.begin() as conn:
        await ensure_school(conn, SCHOOL, "Testschool", clock)
    return SCHOOL
