"""``gemist run`` with ``web_url`` serves the web application in its own loop, hands the answer
links to the channels, and a confirmed answer on a page makes the service plan and send at once;
``gemist web`` serves the same pages on its own; both serve the coordinator's desk."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.commands import run as run_command
from bot.links import Claim, LinkPages, Purpose, Recipient, open_signer
from tests.helpers.live import live_run
from tests.helpers.telegram import free_port

ROOT = Path(__file__).resolve().parents[3]
PUPIL = Recipient("pupil", 1, "email")


@pytest.fixture
def contexts(monkeypatch) -> list[object]:
    """The channel context each router of ``gemist run`` is built with."""
    seen: list[object] = []
    build = run_command.channels.build_router

    def recording(settings, context):
        seen.append(context)
        return build(settings, context)

    monkeypatch.setattr(run_command.channels, "build_router", recording)
    return seen


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_gemist_run_serves_the_pages_in_its_loop_and_gives_the_channels_the_links(
    engine, clock, contexts
):
    port = free_port()
    environ = {"GEMIST_WEB_URL": "https://gemist.school.example", "GEMIST_WEB_PORT": str(port)}
    async with live_run(engine, clock, environ) as live:
        [context] = contexts
        pages = context.pages  # type: ignore[attr-defined]
        assert isinstance(pages, LinkPages)
        assert pages.base_url == "https://gemist.school.example"
        async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as session:
            async with session.get("/health") as health:
                assert health.status == 200
            async with session.get(
                "/a/" + pages.signer.sign(Purpose.ANSWER, PUPIL, Claim(1, "sick"))
            ) as page:
                assert page.status == 404  # nothing was sent: no such message
            async with session.get("/desk/aanmelden") as desk:  # the coordinator's desk too
                assert desk.status == 200
                assert 'action="../desk/aanmelden"' in await desk.text()
        # gemist web, another process over the same database, signs and reads the same links.
        other = await open_signer(live.settings, engine, clock)
        token = other.sign(Purpose.ANSWER, PUPIL, Claim(5, "sick"))
        assert pages.signer.verify(Purpose.ANSWER, token, PUPIL) == Claim(5, "sick")
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as session:
            await session.get(f"http://127.0.0.1:{port}/health")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_without_web_url_there_are_no_pages_and_no_links(engine, clock, contexts):
    async with live_run(engine, clock):
        [context] = contexts
        assert context.pages is None  # type: ignore[attr-defined]


def _gemist(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_gemist_web_without_a_url_says_what_to_set(tmp_path):
    process = _gemist("web", env={"GEMIST_DATABASE_URL": f"sqlite:///{tmp_path}/g.db"})
    _out, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "GEMIST_WEB_URL" in err


async def test_gemist_web_serves_until_sigterm(tmp_path):
    database = tmp_path / "gemist.db"
    setup = _gemist("import", "roster", str(ROOT / "docs/example/roster"),
                    env={"GEMIST_DATABASE_URL": f"sqlite:///{database}"})  # fmt: skip
    setup.communicate(timeout=120)
    port = free_port()
    process = _gemist(
        "web",
        env={
            "GEMIST_DATABASE_URL": f"sqlite:///{database}",
            "GEMIST_WEB_URL": "https://gemist.school.example",
            "GEMIST_WEB_PORT": str(port),
        },
    )
    try:
        status = None
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/health") as response:
                        status = response.status
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            async with session.get(f"http://127.0.0.1:{port}/desk/aanmelden") as desk:
                desk_status = desk.status
        assert status == 200
        assert desk_status == 200  # the coordinator's desk, served by gemist web as by run
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert f"serving on 127.0.0.1:{port}" in err
