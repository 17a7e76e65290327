"""Signing in to the desk by a link sent on one's own channel: single use, 15 minutes, only in
the browser that asked; the same neutral answers whatever was typed or went wrong."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from aiohttp import CookieJar
from sqlmodel import col

from bot.models import DeskSession, DeskSignIn, Outreach
from bot.outbox.records import Outgoing
from bot.planning.gate import DeliveryGate
from bot.rules import Rules
from bot.web.desk.base import csrf_token
from messages import render_outreach
from scheduler.calendar import SchoolCalendar
from tests.bot.web.desk.conftest import Town, ask, csrf_of, path_of, settled, sign_in


async def test_a_link_signs_in_the_browser_that_asked(town: Town):
    async with town.client() as client:
        answer = await ask(client, "S02")
        text = await answer.text()
        links = await town.links("S02")
        assert len(links) == 1
        assert links[0]["channel"] == "email"
        assert links[0]["status"] == "planned"
        assert links[0]["expires_at"] == town.clock.now() + dt.timedelta(minutes=15)
        assert "Kijk je berichten na" in text
        assert town.told == ["news"]  # the running bot sends it at once
        response = await client.get(path_of(links[0]["link"]))
        page = await response.text()
    assert response.status == 200
    assert response.url.path == "/desk/vandaag"
    assert "NaamS02 Collega" in page


async def test_the_link_goes_on_the_persons_own_channel_in_their_language(town: Town):
    async with town.client() as client:
        await ask(client, "S03")  # reached on Telegram only
        await ask(client, "s04@SCHOOL.example")  # by e-mail address, in any case; reads French
    assert [link["channel"] for link in await town.links("S03")] == ["telegram"]
    links = await town.links("S04")
    assert [(link["channel"], link["lang"]) for link in links] == [("email", "fr")]


async def test_the_answer_is_the_same_for_anyone_and_nobody(town: Town):
    async with town.client() as client:
        known = await (await ask(client, "S02")).text()
        unknown = await (await ask(client, "nobody@example.org")).text()
        empty = await (await ask(client, "")).text()
    assert known == unknown == empty
    assert await town.scalar(sa.select(sa.func.count()).select_from(DeskSignIn)) == 1


async def test_a_link_in_another_browser_does_not_work_and_is_not_used_up(town: Town):
    async with town.client() as client:
        await ask(client, "S02")
        link = path_of((await town.links("S02"))[0]["link"])
        client.session._cookie_jar = CookieJar(unsafe=True)  # another browser: no cookies
        other = await client.get(link)
        assert other.status == 404
        assert "Deze link werkt niet (meer)" in await other.text()
        assert (await client.get("/desk/vandaag")).url.path == "/desk/aanmelden"
    async with town.client() as elsewhere:
        await elsewhere.get("/desk/aanmelden")  # a browser cookie of its own
        assert (await elsewhere.get(link)).status == 404
    used = await town.scalar(sa.select(col(DeskSignIn.used_at)))
    assert used is None


async def test_a_link_works_once(town: Town):
    async with town.client() as client:
        await sign_in(town, client, "S02")
        link = path_of((await town.links("S02"))[0]["link"])
        again = await client.get(link)
        text = await again.text()
    assert again.status == 404
    assert "Deze link werkt niet (meer)" in text


async def test_a_link_expires_after_15_minutes(town: Town):
    async with town.client() as client:
        await ask(client, "S02")
        link = path_of((await town.links("S02"))[0]["link"])
        town.clock.advance(dt.timedelta(minutes=15))
        late = await client.get(link)
        late_text = await late.text()
        garbled = await client.get(link[:-3] + "abc")
        garbled_text = await garbled.text()
    assert late.status == garbled.status == 404
    assert late_text == garbled_text  # the same page for every reason


async def test_sign_in_gives_a_new_session_id(town: Town):
    """A browser signed in already that opens a new link gets a new session; the old one
    ends (the sign-in page itself leads a signed-in browser on to Vandaag)."""
    async with town.client() as client:
        await sign_in(town, client, "S02")
        jar = client.session.cookie_jar.filter_cookies(client.make_url("/"))
        first, browser = jar["gemist_desk"].value, jar["gemist_desk_browser"].value
        assert (await client.get("/desk/aanmelden")).url.path == "/desk/vandaag"
        await client.post("/desk/aanmelden", data={"who": "S02", "csrf": csrf_token(browser)})
        await settled(client)
        again = await client.get(path_of((await town.links("S02"))[-1]["link"]))
        assert again.url.path == "/desk/vandaag"
        jar = client.session.cookie_jar.filter_cookies(client.make_url("/"))
        second = jar["gemist_desk"].value
    assert first != second
    ended = await town.scalar(
        sa.select(sa.func.count())
        .select_from(DeskSession)
        .where(col(DeskSession.ended_at).isnot(None))
    )
    assert ended == 1  # the earlier session ended at the second sign-in


async def test_only_hashes_are_stored(town: Town):
    async with town.client() as client:
        await ask(client, "S02")
        link = (await town.links("S02"))[0]["link"]
        token = link.rsplit("/", 1)[1]
        assert (await client.get(path_of(link))).url.path == "/desk/vandaag"
        cookies = client.session.cookie_jar.filter_cookies(client.make_url("/"))
    async with town.engine.connect() as conn:
        stored = [
            value
            for table in (DeskSignIn, DeskSession)
            for row in await conn.execute(sa.select(table))
            for value in row
        ]
    secrets = {token, cookies["gemist_desk"].value, cookies["gemist_desk_browser"].value}
    assert not secrets & {str(value) for value in stored}
    # The used link is blotted out of the message that carried it.
    payload = await town.scalar(
        sa.select(col(Outreach.payload)).where(col(Outreach.kind) == "desk_signin")
    )
    assert token not in str(payload)
    assert payload["link"].endswith("/desk/in/…")


def test_the_message_says_the_link_plainly():
    text = render_outreach("desk_signin", "en", {"link": "https://x.example/desk/in/abc"}).text
    assert "https://x.example/desk/in/abc" in text
    assert "15 minutes" in text


async def test_asking_without_the_forms_token_is_refused(town: Town):
    async with town.client() as client:
        await client.get("/desk/aanmelden")
        missing = await client.post("/desk/aanmelden", data={"who": "S02"})
        wrong = await client.post("/desk/aanmelden", data={"who": "S02", "csrf": "0" * 64})
    assert missing.status == wrong.status == 403
    assert await town.links("S02") == []


async def test_no_more_than_three_links_wait_at_once(town: Town):
    async with town.client() as client:
        answers = [await (await ask(client, "S02")).text() for _ in range(5)]
    assert len(set(answers)) == 1
    assert len(await town.links("S02")) == 3


async def test_someone_who_left_gets_no_link(town: Town):
    from bot.models import Staff

    async with town.engine.begin() as conn:
        await conn.execute(
            sa.update(Staff).where(col(Staff.staff_id) == "S02").values(active=False)
        )
    async with town.client() as client:
        answer = await ask(client, "S02")
    assert answer.status == 200
    assert await town.links("S02") == []


async def test_the_sign_in_link_is_sent_outside_the_sending_hours():
    """A link asked for at 22:00 goes at once: the gate holds back no ``desk_signin``."""
    from scheduler.clock import BRUSSELS

    late = dt.datetime(2026, 11, 17, 22, 0, tzinfo=BRUSSELS)
    gate = DeliveryGate(None, Rules.default(), SchoolCalendar(), BRUSSELS)  # type: ignore[arg-type]
    message = Outgoing(
        id=1, school_id="school", idempotency_key="desk_signin:x", kind="desk_signin",
        recipient_role="staff", recipient_id=1, channel="email", pupil_id=None, lang="nl",
        payload={}, text=None, due_at=late, expires_at=late + dt.timedelta(minutes=15),
        attempts=0, claimed_by="w", claimed_at=late,
    )  # fmt: skip
    assert await gate(message, late) is None
    assert await gate(dataclasses.replace(message, kind="coordinator_nudge"), late) is not None


async def test_cookies_are_httponly_lax_and_secure_behind_https(town: Town):
    town.https = True
    async with town.client() as client:
        page = await client.get("/desk/aanmelden")
        token = await csrf_of(page)
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("__Host-gemist_desk_browser=")
    for attribute in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/"):
        assert attribute in cookie
    assert "Domain" not in cookie
    assert token


async def test_a_head_request_does_not_use_the_link_up(town: Town):
    async with town.client() as client:
        await ask(client, "S02")
        link = path_of((await town.links("S02"))[0]["link"])
        head = await client.head(link)
        opened = await client.get(link)
    assert head.status == 405
    assert opened.url.path == "/desk/vandaag"


async def test_a_link_never_used_is_blotted_out_a_day_after_it_died(town: Town):
    async with town.client() as client:
        await ask(client, "S02")
        token = (await town.links("S02"))[0]["link"].rsplit("/", 1)[1]
        async with town.engine.begin() as conn:  # the message went out with its text
            await conn.execute(
                sa.update(Outreach)
                .where(col(Outreach.kind) == "desk_signin")
                .values(status="sent", text=f"Open: https://x/desk/in/{token}")
            )
        town.clock.advance(dt.timedelta(days=1, minutes=16))
        await ask(client, "S01")  # any later request clears what is old
    async with town.engine.connect() as conn:
        payload, text = (
            await conn.execute(
                sa.select(col(Outreach.payload), col(Outreach.text)).where(
                    col(Outreach.kind) == "desk_signin",
                    col(Outreach.recipient_id) == town.staff["S02"],
                )
            )
        ).one()
    assert token not in str(payload) + text
    assert text == "Open: https://x/desk/in/…"
    assert await town.scalar(sa.select(sa.func.count()).select_from(DeskSignIn)) == 1  # S01's


async def test_the_answer_does_not_wait_for_anyone_to_be_looked_up(town: Town, monkeypatch):
    """The page is the same and comes as soon for a name that is nobody's: the lookup and the
    link happen beside it (here held back until the answer is in)."""
    import asyncio

    from bot.web.desk import sessions

    looked_up = asyncio.Event()
    real = sessions.find_staff

    async def held_back(conn, who):  # type: ignore[no-untyped-def]
        await looked_up.wait()
        return await real(conn, who)

    monkeypatch.setattr(sessions, "find_staff", held_back)
    async with town.client() as client:
        token = await csrf_of(await client.get("/desk/aanmelden"))
        post = client.post("/desk/aanmelden", data={"who": "S02", "csrf": token})
        answer = await asyncio.wait_for(post, timeout=60)  # a guard against a hang, not a timing
        text = await answer.text()
        assert await town.links("S02") == []
        looked_up.set()
        await settled(client)
    assert answer.status == 200
    assert "Kijk je berichten na" in text
    assert len(await town.links("S02")) == 1


async def test_a_link_opened_while_the_database_is_locked_still_works_after(
    town: Town, monkeypatch
):
    """SQLite's write lock (a long import) when the link is opened: a page that says to try
    again, and nothing used up."""
    from sqlalchemy.exc import OperationalError

    from bot.web.desk import sessions

    real = sessions.redeem

    async def locked(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("UPDATE desk_signin", {}, Exception("database is locked"))

    async with town.client() as client:
        await ask(client, "S02")
        link = path_of((await town.links("S02"))[0]["link"])
        monkeypatch.setattr(sessions, "redeem", locked)
        busy = await client.get(link)
        busy_text = await busy.text()
        monkeypatch.setattr(sessions, "redeem", real)
        opened = await client.get(link)
    assert busy.status == 503
    assert "Even geduld" in busy_text
    assert opened.url.path == "/desk/vandaag"
