"""Database URLs as users write them."""

from __future__ import annotations

import pytest

from bot.db import DatabaseError, async_url, display_url


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///gemist.db", "sqlite+aiosqlite"),
        ("postgresql://gemist@db.school.internal/gemist", "postgresql+asyncpg"),
        ("postgres://gemist@localhost/gemist", "postgresql+asyncpg"),
        ("postgresql+asyncpg://gemist@localhost/gemist", "postgresql+asyncpg"),
    ],
)
def test_the_async_driver_is_chosen(given, driver):
    assert async_url(given).drivername == driver


def test_passwords_never_show():
    assert (
        display_url("postgresql://gemist:hunter2@db/gemist") == "postgresql://gemist:***@db/gemist"
    )
    with pytest.raises(DatabaseError) as caught:
        async_url("oracle://scott:tiger@db/x")
    assert "tiger" not in str(caught.value)
    with pytest.raises(DatabaseError) as caught:
        async_url("not a url with:pass@word")
    assert "not a database URL" in str(caught.value)
