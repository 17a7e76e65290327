"""Unsubscribe: one button on a page, and RFC 8058's one-click POST that a mail program sends
without any cookie or session; the contact on that channel becomes ``unsubscribed``."""

from __future__ import annotations

import pytest

from bot.links import Purpose
from tests.helpers.web import School, client_for, school

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
async def town(engine, clock) -> School:
    return await school(engine, clock)


async def test_the_page_has_one_button_and_opening_it_changes_nothing(town):
    path = f"/u/{town.token(Purpose.UNSUBSCRIBE, town.notice)}"
    async with client_for(town.context()) as client:
        page = await (await client.get(path)).text()
    assert page.count('type="submit"') == 1
    assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in page
    assert "Testschool" in page
    assert await town.contact_state("guardian", town.g1) == "active"


async def test_the_one_click_post_unsubscribes_without_a_session(town):
    path = f"/u/{town.token(Purpose.UNSUBSCRIBE, town.notice)}"
    async with client_for(town.context()) as client:
        response = await client.post(
            path,
            data=ONE_CLICK,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert not client.session.cookie_jar.filter_cookies(client.make_url("/"))
        assert "Set-Cookie" not in response.headers
        again = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status == again.status == 200
    assert await town.contact_state("guardian", town.g1) == "unsubscribed"
    # Only that person, only that channel.
    assert await town.contact_state("pupil", town.p1) == "active"


async def test_a_multipart_one_click_post_unsubscribes_too(town):
    path = f"/u/{town.token(Purpose.UNSUBSCRIBE, town.checkin)}"
    async with client_for(town.context()) as client:
        from aiohttp import FormData

        form = FormData()
        form.add_field("List-Unsubscribe", "One-Click")
        form.add_field("ignored", "x", filename="x.txt")  # forces multipart/form-data
        response = await client.post(path, data=form)
    assert response.status == 200
    assert await town.contact_state("pupil", town.p1) == "unsubscribed"


async def test_a_post_without_the_one_click_body_changes_nothing(town):
    path = f"/u/{town.token(Purpose.UNSUBSCRIBE, town.checkin)}"
    async with client_for(town.context()) as client:
        response = await client.post(path, data={"something": "else"})
    assert response.status == 400
    assert await town.contact_state("pupil", town.p1) == "active"


async def test_an_answer_link_is_no_unsubscribe_link(town):
    token = town.token(Purpose.ANSWER, town.checkin, "sick")
    async with client_for(town.context()) as client:
        response = await client.post(f"/u/{token}", data={"List-Unsubscribe": "One-Click"})
    assert response.status == 404
    assert await town.contact_state("pupil", town.p1) == "active"
