"""What every response carries (security headers), what the access log keeps (never a token),
the health check, and pages that work behind a reverse proxy's prefix."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from bot.db import connect
from bot.links import Purpose
from bot.web import WebServer, create_app
from bot.web.security import HEADERS
from bot.web.server import ACCESS_LOG
from tests.helpers.web import School, client_for, school


@pytest.fixture
async def town(engine, clock) -> School:
    return await school(engine, clock)


def _paths(town: School) -> list[tuple[str, str]]:
    return [
        ("GET", f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"),
        ("POST", f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"),
        ("GET", f"/u/{town.token(Purpose.UNSUBSCRIBE, town.checkin)}"),
        ("GET", "/a/not-a-token"),
        ("GET", "/nothing/here"),
        ("DELETE", f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}"),
        ("GET", "/static/gemist.css"),
        ("GET", "/health"),
        ("HEAD", "/health"),
    ]


async def test_every_response_carries_the_security_headers(town):
    async with client_for(town.context()) as client:
        for method, path in _paths(town):
            response = await client.request(method, path)
            for name, value in HEADERS.items():
                assert response.headers.get(name) == value, (method, path, name)
            assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    csp = HEADERS["Content-Security-Policy"]
    assert "script-src" not in csp
    assert "'unsafe-inline'" not in csp
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp


async def test_pages_hold_no_script_and_no_inline_style(town):
    async with client_for(town.context()) as client:
        for method, path in _paths(town)[:5]:
            page = await (await client.request(method, path)).text()
            assert "<script" not in page
            assert "style=" not in page
            assert "<style" not in page


async def test_unknown_paths_and_methods_get_the_neutral_page(town):
    async with client_for(town.context()) as client:
        missing = await client.get("/nothing/here")
        wrong = await client.delete(f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}")
        assert missing.status == 404
        assert wrong.status == 405
        assert "Deze link werkt niet (meer)" in await missing.text()
        assert "GET" in wrong.headers["Allow"]
        assert "POST" in wrong.headers["Allow"]


async def test_the_browser_s_own_icon_request_is_answered_empty_not_missing(town):
    async with client_for(town.context()) as client:
        icon = await client.get("/favicon.ico")
        assert icon.status == 204
        assert await icon.read() == b""


async def test_the_neutral_page_speaks_the_browsers_language(town):
    async with client_for(town.context()) as client:
        french = await client.get("/a/x", headers={"Accept-Language": "fr-BE,fr;q=0.9,nl;q=0.8"})
        persian = await client.get("/a/x", headers={"Accept-Language": "fa-IR"})
        klingon = await client.get("/a/x", headers={"Accept-Language": "tlh"})
        assert "Ce lien ne fonctionne pas" in await french.text()
        assert '<html lang="fa" dir="rtl">' in await persian.text()
        assert '<html lang="nl" dir="ltr">' in await klingon.text()


async def test_the_access_log_names_the_route_and_never_the_token(town, caplog):
    """Through the server ``gemist web`` and ``gemist run`` use, on a free port."""
    token = town.token(Purpose.ANSWER, town.checkin, "sick")
    server = WebServer(create_app(town.context()), "127.0.0.1", 0)
    await server.start()
    try:
        with caplog.at_level(logging.INFO, logger=ACCESS_LOG.name):
            async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as session:
                for method, path in (("GET", "/a/"), ("POST", "/a/"), ("GET", "/nothing/")):
                    async with session.request(method, path + token) as response:
                        await response.read()
    finally:
        await server.stop_receiving()
    lines = [record.getMessage() for record in caplog.records if record.name == ACCESS_LOG.name]
    assert len(lines) == 3
    assert lines[0].startswith("GET /a/{token} 200 ")
    assert lines[1].startswith("POST /a/{token} 200 ")
    assert lines[2].startswith("GET - 404 ")
    assert all(token not in line and token[:20] not in line for line in lines)
    assert all(token not in record.getMessage() for record in caplog.records)


async def test_health_says_ok_while_the_database_answers(town):
    async with client_for(town.context()) as client:
        response = await client.get("/health")
        assert response.status == 200
        assert await response.json() == {"status": "ok"}
    broken = town.context()
    broken.engine = connect("postgresql://127.0.0.1:1/nothing")  # no server listens there
    async with client_for(broken) as client:
        response = await client.get("/health")
        assert response.status == 503
    await broken.engine.dispose()


async def test_pages_link_relatively_so_a_proxys_prefix_keeps_working(town):
    async with client_for(town.context()) as client:
        page = await (
            await client.get(f"/a/{town.token(Purpose.ANSWER, town.checkin, 'sick')}")
        ).text()
    assert 'href="../static/gemist.css"' in page
    assert 'action="../w/' in page
    assert 'href="/' not in page
    assert 'action="/' not in page
