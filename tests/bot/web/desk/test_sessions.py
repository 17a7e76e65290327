"""A desk session: signed out for good, idle for 30 minutes, or 12 hours old, it is gone; a
form without its token changes nothing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import col

from bot.models import DeskSession
from tests.bot.web.desk.conftest import Town, csrf_of, sign_in


async def _session_cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.session.cookie_jar.filter_cookies(client.make_url("/"))["gemist_desk"].value


async def test_sign_out_ends_the_session_on_the_server(town: Town):
    async with town.client() as client:
        page = await sign_in(town, client, "S02")
        token = await csrf_of(page)
        cookie = await _session_cookie(client)
        out = await client.post("/desk/afmelden", data={"csrf": token})
        out_text = await out.text()
        after = await client.get("/desk/vandaag")
        # The old cookie, sent again by hand (a copy someone kept), opens nothing either.
        client.session.cookie_jar.update_cookies({"gemist_desk": cookie})
        replayed = await client.get("/desk/vandaag")
    assert out.url.path == "/desk/aanmelden"
    assert "Je bent afgemeld." in out_text
    assert after.url.path == replayed.url.path == "/desk/aanmelden"
    ended = await town.scalar(sa.select(col(DeskSession.ended_at)))
    assert ended == town.clock.now()


async def test_sign_out_without_the_forms_token_is_refused(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        refused = await client.post("/desk/afmelden", data={})
        wrong = await client.post("/desk/afmelden", data={"csrf": "f" * 64})
        still = await client.get("/desk/vandaag")
    assert refused.status == wrong.status == 403
    assert still.url.path == "/desk/vandaag"
    assert await town.scalar(sa.select(col(DeskSession.ended_at))) is None


async def test_a_session_idle_for_30_minutes_is_gone(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        town.clock.advance(dt.timedelta(minutes=29))
        assert (await client.get("/desk/vandaag")).url.path == "/desk/vandaag"  # used: lives on
        town.clock.advance(dt.timedelta(minutes=29))
        assert (await client.get("/desk/vandaag")).url.path == "/desk/vandaag"
        town.clock.advance(dt.timedelta(minutes=30))
        idle = await client.get("/desk/vandaag")
    assert idle.url.path == "/desk/aanmelden"


async def test_a_session_ends_after_12_hours_however_busy(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        for _ in range(11 * 4 + 3):  # a request every quarter of an hour, for 11h45
            town.clock.advance(dt.timedelta(minutes=15))
            assert (await client.get("/desk/vandaag")).url.path == "/desk/vandaag"
        town.clock.advance(dt.timedelta(minutes=15))
        late = await client.get("/desk/vandaag")
    assert late.url.path == "/desk/aanmelden"


async def test_someone_who_leaves_the_roster_is_signed_out(town: Town):
    from bot.models import Staff

    async with town.client() as client:
        await sign_in(town, client, "S02")
        async with town.engine.begin() as conn:
            await conn.execute(
                sa.update(Staff).where(col(Staff.staff_id) == "S02").values(active=False)
            )
        gone = await client.get("/desk/vandaag")
    assert gone.url.path == "/desk/aanmelden"


async def test_pages_without_a_session_lead_to_the_sign_in_page(town: Town):
    async with town.client() as client:
        for path in ("/desk", "/desk/", "/desk/vandaag", f"/desk/leerling/{town.pupils['P1']}"):
            response = await client.get(path)
            assert response.url.path == "/desk/aanmelden", path
            assert response.status == 200


async def test_erasing_a_staff_member_takes_their_links_and_sessions(town: Town):
    """``gemist privacy erase`` of a staff member who used the desk: their sign-in requests and
    sessions go with them (else the staff row could not be deleted at all)."""
    from bot.models import DeskSignIn
    from bot.privacy.erase import erase_person
    from bot.privacy.people import find_people

    async with town.client() as client:
        await sign_in(town, client, "S02")
        async with town.engine.begin() as conn:
            (member,) = await find_people(conn, "school", "S02", "staff")
            removed = await erase_person(conn, "school", member)
        gone = await client.get("/desk/vandaag")
    assert removed["staff records"] == 1
    for table in (DeskSignIn, DeskSession):
        assert await town.scalar(sa.select(sa.func.count()).select_from(table)) == 0
    assert gone.url.path == "/desk/aanmelden"


async def test_erasing_a_staff_member_forgets_the_holds_they_decided_on_the_desk(town: Town):
    from bot.models import OutreachHold
    from bot.privacy.erase import ERASED, erase_person
    from bot.privacy.people import find_people

    async with town.client() as client:
        page = await sign_in(town, client, "S02")
        hold = await town.scalar(sa.select(col(OutreachHold.id)))
        form = {"csrf": await csrf_of(page), "hold": str(hold)}
        await client.post("/desk/wachtrij", data={**form, "decision": "release"})
    assert await town.scalar(sa.select(col(OutreachHold.decided_by))) == "desk:S02"
    async with town.engine.begin() as conn:
        (member,) = await find_people(conn, "school", "S02", "staff")
        await erase_person(conn, "school", member)
    assert await town.scalar(sa.select(col(OutreachHold.decided_by))) == ERASED
