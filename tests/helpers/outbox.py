"""Deliver what is due, as the dispatcher does between two planner ticks."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.outbox import Dispatcher, RecordingChannel
from scheduler.clock import VirtualClock


async def dispatch(engine: AsyncEngine, clock: VirtualClock) -> RecordingChannel:
    """Every row due at ``clock``'s instant, delivered to a recording channel."""
    channel = RecordingChannel(clock)
    await Dispatcher(engine, channel, clock, "w1").drain()
    return channel
