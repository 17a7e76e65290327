"""The retention purge over data of several school years: what goes and what stays, on the
exact days the default policy names (free text: one school year after its school year ended;
messages and marks: two; people who left: one year after they left)."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.outbox import write_transaction
from bot.privacy.policy import Retention
from bot.privacy.purge import cutoff_day, purge, purge_in_steps, years_before
from scheduler.clock import BRUSSELS
from tests.helpers.aged import SCHOOL, Aged, local


async def purge_at(engine, when: dt.datetime, policy: Retention | None = None):
    async with write_transaction(engine) as conn:
        return await purge(conn, SCHOOL, policy or Retention(), when, BRUSSELS)


@pytest.fixture
async def aged(engine) -> Aged:
    aged = Aged(engine)
    await aged.school()
    return aged


@pytest.mark.parametrize(
    ("today", "years", "first_kept"),
    [
        (dt.date(2027, 8, 31), 1, dt.date(2025, 9, 1)),
        (dt.date(2027, 9, 1), 1, dt.date(2026, 9, 1)),
        (dt.date(2028, 9, 1), 2, dt.date(2026, 9, 1)),
        (dt.date(2028, 8, 31), 2, dt.date(2025, 9, 1)),
        (dt.date(2026, 12, 7), 0, dt.date(2026, 9, 1)),
    ],
)
def test_the_first_day_kept_is_the_start_of_a_school_year(today, years, first_kept):
    assert cutoff_day(today, years) == first_kept


def test_a_year_before_29_february_is_28_february():
    assert years_before(dt.date(2028, 2, 29), 1) == dt.date(2027, 2, 28)


async def test_free_text_goes_one_school_year_after_its_school_year_ended(aged, engine):
    await aged.reply("koorts", local("2026-03-01", "10:00"))
    await aged.reply("late in august", local("2027-08-31", "23:30"))
    await aged.reply("early in september", local("2027-09-01", "00:30"))  # 22:30 UTC on the 31st
    await aged.reply("sick", local("2026-03-01", "10:00"), tapped=True)
    await aged.message("forward", local("2026-03-01", "10:00"), kind="coordinator_forward")

    removed = await purge_at(engine, local("2027-08-31", "23:00"))
    assert removed.total() == 0  # school year 2025-2026 ended less than a school year ago

    removed = await purge_at(engine, local("2027-09-01", "03:00"))
    assert (removed["free-text replies"], removed["forwarded free texts"]) == (1, 1)
    left = await aged.labels()
    assert left["replies"] == {"late in august", "early in september", "sick"}
    assert left["messages"] == {"tapped sick"}  # the forward with the words went too
    assert "forward" not in left["events"]

    removed = await purge_at(engine, local("2028-09-01", "03:00"))
    left = await aged.labels()
    assert left["replies"] == {"early in september"}  # the tap went with the messages
    assert left["messages"] == set()


async def test_messages_marks_pauses_and_views_go_two_school_years_after_theirs(aged, engine):
    await aged.message("last minute of 2025-2026", local("2026-08-31", "23:59"))
    await aged.message("first minute of 2026-2027", local("2026-09-01", "00:00"))
    await aged.mark("2026-06-30", corrected=True)
    await aged.mark("2026-09-01")
    await aged.pause("2026-08-31")
    await aged.pause("2026-09-01")
    await aged.view(local("2026-08-31", "23:59"))
    await aged.view(local("2026-09-01", "00:00"))
    await aged.reject("line 3: P0001 unknown code", local("2026-08-31", "23:59"))
    await aged.reject("line 4: P0001 unknown code", local("2026-09-01", "00:00"))
    before = await aged.labels()

    assert (await purge_at(engine, local("2028-08-31", "23:59"))).total() == 0
    assert await aged.labels() == before

    removed = await purge_at(engine, local("2028-09-01", "03:00"))

    left = await aged.labels()
    assert left["messages"] == {"first minute of 2026-2027"}
    assert left["events"] == {"first minute of 2026-2027"}
    assert left["marks"] == {"2026-09-01"}
    assert left["corrections"] == set()
    assert left["pauses"] == {"2026-09-01"}
    assert left["views"] == {"2026-09-01 00:00"}
    assert left["rejects"] == {"line 4: P0001 unknown code"}
    assert dict(removed) == {
        "absence marks": 1, "free-text replies": 0, "forwarded free texts": 0,
        "import rejects": 1, "mark corrections": 1, "message events": 1, "messages": 1,
        "pauses": 1, "replies": 0, "timeline views": 1,
    }  # fmt: skip
    assert left["pupils"] == {"P0001"}  # the pupil is still at school


async def test_people_who_left_go_a_year_after_they_left_with_everything_about_them(aged, engine):
    await aged.left("pupil", "P0002", local("2027-09-01", "10:00"))
    await aged.left("guardian", "G0002", local("2027-09-01", "10:00"))
    await aged.left("staff", "S0002", local("2027-09-01", "10:00"))
    await aged.left("pupil", "P0003", local("2027-09-02", "10:00"))

    await purge_at(engine, local("2028-09-01", "23:00"))  # not yet a full year
    left = await aged.labels()
    assert left["pupils"] == {"P0001", "P0002", "P0003"}
    assert left["guardians"] == {"G0001", "G0002"}
    assert left["staff"] == {"S0001", "S0002"}

    removed = await purge_at(engine, local("2028-09-02", "03:00"))

    left = await aged.labels()
    assert left["pupils"] == {"P0001", "P0003"}
    assert left["guardians"] == {"G0001"}
    assert left["staff"] == {"S0001"}
    assert (removed["pupil records"], removed["guardian records"], removed["staff records"]) == (
        1, 1, 1,
    )  # fmt: skip


async def test_an_active_person_is_kept_however_old_their_last_change(aged, engine):
    await purge_at(engine, local("2040-09-01"))

    left = await aged.labels()
    assert (left["pupils"], left["guardians"], left["staff"]) == ({"P0001"}, {"G0001"}, {"S0001"})


async def test_a_longer_policy_keeps_longer(aged, engine):
    await aged.reply("koorts", local("2026-03-01", "10:00"))
    await aged.mark("2026-03-02")

    await purge_at(engine, local("2028-09-01"), Retention(free_text_years=3, marks_years=4))

    left = await aged.labels()
    assert left["marks"] == {"2026-03-02"}
    assert left["replies"] == set()  # three years for free text, but only two for messages


async def test_in_short_steps_a_purge_removes_the_same_as_in_one(aged, engine, monkeypatch):
    for day in range(1, 8):
        await aged.message(f"notice {day}", local(f"2026-03-0{day}"))
        await aged.reply(f"words {day}", local(f"2026-03-0{day}"))
        await aged.mark(f"2026-03-0{day}", corrected=day % 2 == 0)
    for number in range(5):
        await aged.left("pupil", f"P010{number}", local("2027-01-01"))
    monkeypatch.setattr("bot.privacy.purge.STEP", 2)
    monkeypatch.setattr("bot.privacy.purge.PEOPLE_STEP", 2)

    removed = await purge_in_steps(engine, SCHOOL, Retention(), local("2028-09-01"), BRUSSELS)

    left = await aged.labels()
    assert (left["messages"], left["replies"], left["marks"]) == (set(), set(), set())
    assert left["pupils"] == {"P0001"}
    assert (removed["messages"], removed["message events"], removed["free-text replies"]) == (
        7, 7, 7,
    )  # fmt: skip
    assert (removed["absence marks"], removed["mark corrections"]) == (7, 3)
    assert removed["pupil records"] == 5
