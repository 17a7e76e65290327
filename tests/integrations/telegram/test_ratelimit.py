"""The send budget that keeps Gemist under Telegram's limits, on a clock the test moves."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from bisect import bisect_left

import pytest
from hypothesis import given
from hypothesis import strategies as st
from telegram.error import RetryAfter

from integrations.telegram.ratelimit import SendBudget, TelegramRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def most_in_one_second(instants: list[float]) -> int:
    """The most instants in any half-open window [t, t + 1 s) (Telegram's sliding second)."""
    instants = sorted(instants)
    return max(bisect_left(instants, start + 1.0) - i for i, start in enumerate(instants))


def test_the_bot_never_gets_more_than_30_slots_in_a_second_yet_keeps_above_95_percent():
    clock = Clock()
    budget = SendBudget(clock=clock)

    slots = [clock.now + budget.reserve(chat) for chat in range(600)]

    assert most_in_one_second(slots) <= 30
    ten_seconds = sum(1 for slot in slots if slot < slots[0] + 10)
    assert 285 <= ten_seconds <= 300


def test_one_chat_gets_one_slot_a_second_and_others_are_not_held_up_by_it():
    clock = Clock()
    budget = SendBudget(clock=clock)

    first = budget.reserve(42)
    second = budget.reserve("42")  # the same chat, as PTB may pass it
    other = budget.reserve(43)

    assert first == 0
    assert second >= 1.0
    assert other == 0


def test_ready_in_tells_the_wait_without_booking_a_slot():
    clock = Clock()
    budget = SendBudget(clock=clock)
    budget.reserve(42)

    assert budget.ready_in(42) >= 1.0
    assert budget.ready_in(42) == budget.ready_in(42)
    assert budget.ready_in(7) == 0
    clock.now += 2
    assert budget.ready_in(42) == 0


def test_a_full_second_makes_the_next_chat_wait_for_the_window():
    clock = Clock()
    budget = SendBudget(clock=clock)
    for chat in range(30):
        assert budget.reserve(chat) == 0

    assert budget.ready_in(99) == pytest.approx(budget.window)
    clock.now += 0.5
    assert budget.reserve(99) == pytest.approx(budget.window - 0.5)


def test_a_slot_booked_ahead_does_not_hold_up_the_others():
    clock = Clock()
    budget = SendBudget(clock=clock)
    budget.reserve(1)
    ahead = budget.reserve(1)  # chat 1 again: a slot a second ahead

    assert ahead >= 1.0
    assert [budget.reserve(chat) for chat in range(2, 31)] == [0] * 29
    # The window before chat 1's second slot is full now up to it: the next one waits past it.
    assert budget.reserve(31) == pytest.approx(budget.window)


def test_a_pause_holds_every_chat():
    clock = Clock()
    budget = SendBudget(clock=clock)

    budget.pause(5)

    assert budget.reserve(1) == pytest.approx(5)
    assert budget.reserve(2) == pytest.approx(5)


@pytest.mark.parametrize(
    ("per_second", "per_chat", "headroom"), [(0, 1, 0.1), (30, -1, 0.1), (30, 1, 1.0)]
)
def test_limits_that_make_no_sense_are_refused(per_second, per_chat, headroom):
    with pytest.raises(ValueError, match="must"):
        SendBudget(per_second=per_second, per_chat_interval=per_chat, headroom=headroom)


async def test_the_limiter_spaces_messages_and_lets_other_methods_through(monkeypatch):
    clock = Clock()
    limiter = TelegramRateLimiter(SendBudget(clock=clock))
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", sleep)

    async def call(**_: object) -> bool:
        return True

    for _ in range(2):
        await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 5}, None)
    await limiter.process_request(call, (), {}, "getUpdates", {"timeout": 10}, None)
    await limiter.process_request(call, (), {}, "answerCallbackQuery", {"chat_id": 5}, None)

    assert len(waited) == 1  # only the second message to chat 5 waited
    assert waited[0] >= 1.0


async def test_a_429_that_comes_anyway_pauses_the_budget_and_is_raised(monkeypatch):
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    clock = Clock()
    limiter = TelegramRateLimiter(SendBudget(clock=clock))

    async def flooded(**_: object) -> bool:
        raise RetryAfter(dt.timedelta(seconds=7))

    with pytest.raises(RetryAfter):
        await limiter.process_request(flooded, (), {}, "sendMessage", {"chat_id": 5}, None)

    assert limiter.budget.ready_in(99) == pytest.approx(7)


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=8), st.floats(min_value=0, max_value=0.5)),
        min_size=1,
        max_size=200,
    )
)
def test_any_order_of_requests_keeps_both_limits(requests):
    clock = Clock()
    budget = SendBudget(clock=clock)
    slots: dict[int, list[float]] = {}
    everything: list[float] = []
    for chat, pause in requests:
        clock.now += pause
        start = clock.now + budget.reserve(chat)
        slots.setdefault(chat, []).append(start)
        everything.append(start)

    assert most_in_one_second(everything) <= 30
    for starts in slots.values():
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(starts))


def test_a_message_that_goes_out_late_is_counted_when_it_goes():
    clock = Clock()
    budget = SendBudget(clock=clock)
    slots = [clock.now + budget.reserve(chat) for chat in range(30)]
    clock.now += 0.2  # the first message only goes out now
    budget.confirm(0, slots[0])

    clock.now = slots[1] + budget.window + 0.005  # the 29 on time are out of the window

    # The late one is still in it: 29 may go now, the 30th when it leaves the window too.
    assert [budget.reserve(chat) for chat in range(100, 129)] == [0] * 29
    assert clock.now + budget.reserve(129) == pytest.approx(1000.2 + budget.window)
    assert budget.ready_in(0) > 0  # and its chat counts from when it really went


async def test_a_confirmed_send_is_counted_once():
    """Each request moves its own slot to the instant it really went: 15 requests leave room
    for 15 more in the same second, not for none (a slot counted twice would fill it)."""

    class Ticking(Clock):
        def __call__(self) -> float:  # like a real clock: every reading a little later
            self.now += 1e-6
            return self.now

    clock = Ticking()
    limiter = TelegramRateLimiter(SendBudget(clock=clock))

    async def call(**_: object) -> bool:
        clock.now += 0.001  # each request takes a millisecond, so each confirm moves a slot
        return True

    for chat in range(15):
        clock.now += 0.001
        await limiter.process_request(call, (), {}, "sendMessage", {"chat_id": chat}, None)

    assert limiter.budget.ready_in(99) == 0
    assert all(limiter.budget.reserve(chat) <= 0 for chat in range(100, 115))
    assert limiter.budget.reserve(200) > 0.9


async def test_a_message_is_counted_from_when_its_answer_came_back():
    """Telegram had the message no later than its answer: counting from there keeps the next
    message to the chat at least a second after it arrived, however slow the way there was."""
    clock = Clock()
    limiter = TelegramRateLimiter(SendBudget(clock=clock))

    async def slow(**_: object) -> bool:
        clock.now += 0.3
        return True

    await limiter.process_request(slow, (), {}, "sendMessage", {"chat_id": 5}, None)

    assert limiter.budget.ready_in(5) == pytest.approx(limiter.budget.chat_interval)
