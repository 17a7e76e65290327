"""The one clock: UTC instants, local reasoning, a virtual clock that never runs back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from scheduler.clock import BRUSSELS, VirtualClock, WallClock


def test_the_wall_clock_is_aware_and_in_utc():
    now = WallClock().now()

    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)


def test_virtual_time_moves_only_when_told():
    clock = VirtualClock(datetime(2026, 11, 17, 9, 30, tzinfo=BRUSSELS))

    assert clock.now() == datetime(2026, 11, 17, 8, 30, tzinfo=UTC)
    clock.advance(timedelta(hours=1))
    assert clock.local_now().hour == 10
    with pytest.raises(ValueError, match="cannot go back"):
        clock.set(datetime(2026, 11, 17, 8, tzinfo=BRUSSELS))


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="naive datetime"):
        VirtualClock(datetime(2026, 11, 17, 9, 30))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (date(2026, 3, 28), 9),  # the Saturday before summer time: UTC+1
        (date(2026, 3, 30), 8),  # the Monday after: UTC+2
        (date(2026, 10, 23), 8),  # the Friday before winter time: UTC+2
        (date(2026, 10, 26), 9),  # the Monday after: UTC+1
    ],
)
def test_ten_oclock_in_brussels_across_dst(day, utc_hour):
    clock = VirtualClock(datetime(2026, 1, 1, tzinfo=UTC))

    assert clock.localize(day, 10).astimezone(UTC).hour == utc_hour


def test_today_is_the_local_date():
    # 23:30 UTC on 16 November is already 17 November in Brussels.
    clock = VirtualClock(datetime(2026, 11, 16, 23, 30, tzinfo=UTC))

    assert clock.today() == date(2026, 11, 17)
