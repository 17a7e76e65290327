"""A coordinator's answer links: the decision under a nudge (seen, later, ...) confirmed on the
page and stored as the tap in the chat would be; opening the link decides nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.links import Claim, Purpose, Recipient
from tests.helpers.web import School, client_for, school


@pytest.fixture
async def town(engine, clock) -> School:
    return await school(engine, clock)


async def test_seen_is_noted_only_when_confirmed(town):
    path = f"/a/{town.token(Purpose.ANSWER, town.nudge, 'ack')}"
    async with client_for(town.context()) as client:
        page = await (await client.get(path)).text()
        await client.head(path)
        assert await town.nudge_state() == (None, None)
        first = await client.post(path)
        second = await client.post(path)
    assert "Iets anders laten weten" not in page  # own words are for families
    assert first.status == second.status == 200
    assert await town.nudge_state() == ("email:S01", None)
    assert town.told == ["news"]


async def test_later_offers_the_school_days_of_the_chat_and_puts_the_nudge_off(town):
    path = f"/a/{town.token(Purpose.ANSWER, town.nudge, 'snooze')}"
    async with client_for(town.context()) as client:
        page = await (await client.get(path)).text()
        nothing = await client.post(path)
        wrong = await client.post(path, data={"day": "7"})
        chosen = await client.post(path, data={"day": "3"})
    assert 'value="1"' in page
    assert 'value="3"' in page
    assert "Wanneer?" in page
    assert nothing.status == wrong.status == 422
    assert chosen.status == 200
    # Tuesday 17 November 2026 plus three school days.
    assert await town.nudge_state() == (None, dt.date(2026, 11, 20))


async def test_a_staff_link_for_someone_else_does_nothing(town):
    token = town.token(
        Purpose.ANSWER, town.nudge, "ack", Recipient("coordinator", town.s01 + 1, "email")
    )
    async with client_for(town.context()) as client:
        response = await client.post(f"/a/{token}")
    assert response.status == 404
    assert await town.nudge_state() == (None, None)


async def test_a_coordinator_can_stop_the_messages_on_this_channel(town):
    path = f"/u/{town.token(Purpose.UNSUBSCRIBE, town.nudge)}"
    async with client_for(town.context()) as client:
        response = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status == 200
    assert await town.contact_state("staff", town.s01) == "unsubscribed"


async def test_under_the_daily_message_a_link_decides_for_one_pupil(town):
    """``snooze:0`` under the daily message: one school day later for the nudges it says of
    pupil 0, without asking when (as the chat's button does)."""
    import sqlalchemy as sa

    from bot.models import Outreach

    async with town.engine.begin() as conn:
        digest = await conn.scalar(
            sa.insert(Outreach)
            .values(
                school_id="school", idempotency_key="digest", kind="coordinator_digest",
                recipient_role="coordinator", recipient_id=town.s01, channel="email",
                lang="nl", status="sent",
                payload={"buttons": True, "date": "2026-11-17", "items": [
                    {"first_name": "Kind P1", "class_name": "1A", "keys": ["nudge-p1"],
                     "lines": [{"reason": "absent_half_days", "missed_half_days": 6}]},
                ]},
                due_at=town.clock.now(), expires_at=town.clock.now() + dt.timedelta(days=1),
                next_attempt_at=town.clock.now(), sent_at=town.clock.now(),
                created_at=town.clock.now(), updated_at=town.clock.now(),
            )
            .returning(Outreach.id)
        )  # fmt: skip
    token = town.signer.sign(
        Purpose.ANSWER,
        Recipient("coordinator", town.s01, "email"),
        Claim(digest, "snooze:0"),
    )
    async with client_for(town.context()) as client:
        page = await (await client.get(f"/a/{token}")).text()
        assert "Later: Kind P1" in page
        assert 'type="radio"' not in page
        assert (await client.post(f"/a/{token}")).status == 200
    assert await town.nudge_state() == (None, dt.date(2026, 11, 18))
