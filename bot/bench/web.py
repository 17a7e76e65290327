"""``gemist bench web``: the answer page (``GET /a/<token>``) as a family's browser opens it.

A throw-away SQLite school with one sent check-in; ``gemist web`` started as its own process,
exactly as an operator starts it (access log on), on a free local port; a load generator in
this process opens the page over HTTP with ``concurrency`` requests in flight, after a warm-up.
Latency is measured per request at the client, so it includes the loopback and the client's
own work: the server's share is smaller. The two processes share the machine's cores, as the
web application shares them with the bot.

The goals (issue 17): at least 500 requests a second with a p95 of at most 20 ms. And opening
the page records nothing: the school's answers stay empty after all the requests.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from bot.config import Settings
from bot.db import connect, migrate
from bot.exits import Exit
from bot.links import Claim, LinkSigner, Purpose, Recipient, lifetimes
from bot.models import Outreach, Pupil, Reply, School, SchoolClass, Staff
from scheduler.clock import WallClock

__all__ = ["GOAL_P95_MS", "GOAL_RATE", "WebFigures", "measure", "measure_and_report", "report"]

GOAL_RATE = 500.0
GOAL_P95_MS = 20.0
WARM_UP = 200
START_WITHIN = 30.0


@dataclass(frozen=True, slots=True)
class WebFigures:
    requests: int
    concurrency: int
    seconds: float
    latencies_ms: tuple[float, ...]
    failures: int
    answers_recorded: int
    server_cpu_ms: float
    """The server's processor time per request (user and system), from ``/proc``: what the
    page costs, whatever else the machine is doing."""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    @property
    def met(self) -> bool:
        return (
            self.rate >= GOAL_RATE
            and self.percentile(0.95) <= GOAL_P95_MS
            and self.failures == 0
            and self.answers_recorded == 0
        )


async def _school(engine: AsyncEngine, now: dt.datetime) -> tuple[int, int]:
    """One pupil and a check-in sent to them by e-mail: (the row's id, the pupil's)."""
    await migrate(engine)
    async with engine.begin() as conn:
        await conn.execute(sa.insert(School).values(id="bench", name="Benchschool", created_at=now))
        klass = await conn.scalar(
            sa.insert(SchoolClass)
            .values(school_id="bench", name="2B")
            .returning(col(SchoolClass.id))
        )
        staff = await conn.scalar(
            sa.insert(Staff)
            .values(
                school_id="bench", staff_id="S01", first_name="Hanne", last_name="Claes",
                role="coordinator", updated_at=now,
            )
            .returning(col(Staff.id))
        )  # fmt: skip
        pupil = await conn.scalar(
            sa.insert(Pupil)
            .values(
                school_id="bench", pupil_id="P1", first_name="Yasmine", last_name="El Amrani",
                birth_date=dt.date(2012, 5, 4), class_id=klass, spilfiguur_id=staff,
                updated_at=now,
            )
            .returning(col(Pupil.id))
        )  # fmt: skip
        row = await conn.scalar(
            sa.insert(Outreach)
            .values(
                school_id="bench", idempotency_key="bench", kind="pupil_checkin",
                recipient_role="pupil", recipient_id=pupil, channel="email", pupil_id=pupil,
                lang="nl", payload={"first_name": "Yasmine", "sender": "Hanne Claes",
                                    "date": now.date().isoformat(), "episode": "P1"},
                due_at=now, expires_at=now + dt.timedelta(days=1), status="sent",
                next_attempt_at=now, sent_at=now, created_at=now, updated_at=now,
            )
            .returning(col(Outreach.id))
        )  # fmt: skip
    assert row is not None
    assert pupil is not None
    return int(row), int(pupil)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _wait_healthy(
    session: aiohttp.ClientSession, url: str, server: asyncio.subprocess.Process
) -> None:
    deadline = time.monotonic() + START_WITHIN
    while time.monotonic() < deadline:
        if server.returncode is not None:
            raise RuntimeError("gemist web stopped before it served")
        try:
            async with session.get(url + "/health") as response:
                if response.status == 200:
                    return
        except aiohttp.ClientConnectionError:
            pass
        await asyncio.sleep(0.1)
    raise RuntimeError(f"gemist web did not answer within {START_WITHIN:.0f} s")


async def _load(
    session: aiohttp.ClientSession, url: str, requests: int, concurrency: int
) -> tuple[float, list[float], int]:
    """``requests`` GETs of ``url``, ``concurrency`` at a time: seconds, latencies, failures."""
    latencies: list[float] = []
    failures = 0
    left = iter(range(requests))

    async def worker() -> None:
        nonlocal failures
        for _ in left:
            started = time.perf_counter()
            async with session.get(url) as response:
                await response.read()
                if response.status != 200:
                    failures += 1
            latencies.append((time.perf_counter() - started) * 1000)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - began, latencies, failures


async def measure(requests: int, concurrency: int, folder: Path) -> WebFigures:
    database = f"sqlite:///{folder / 'gemist.db'}"
    clock = WallClock()
    engine = connect(database)
    try:
        row, pupil = await _school(engine, clock.now())
    finally:
        await engine.dispose()
    secret = secrets.token_urlsafe(32)
    settings = Settings(web_url="https://bench.example")
    signer = LinkSigner(secret.encode(), clock, lifetimes(settings))
    token = signer.sign(Purpose.ANSWER, Recipient("pupil", pupil, "email"), Claim(row, "sick"))
    port = _free_port()
    environment = {
        **os.environ,
        "GEMIST_DATABASE_URL": database,
        "GEMIST_WEB_URL": settings.web_url or "",
        "GEMIST_WEB_PORT": str(port),
        "GEMIST_WEB_SECRET": secret,
    }
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "web",
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:
            await _wait_healthy(session, base, server)
            page = f"{base}/a/{token}"
            await _load(session, page, WARM_UP, concurrency)
            before = _cpu_seconds(server.pid)
            seconds, latencies, failures = await _load(session, page, requests, concurrency)
            cpu_ms = (_cpu_seconds(server.pid) - before) / requests * 1000
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(server.wait(), 30)
        except TimeoutError:
            server.kill()
            await server.wait()
    engine = connect(database)
    try:
        async with engine.connect() as conn:
            recorded = int(await conn.scalar(sa.select(sa.func.count(col(Reply.id)))) or 0)
    finally:
        await engine.dispose()
    return WebFigures(requests, concurrency, seconds, tuple(latencies), failures, recorded, cpu_ms)


def _cpu_seconds(pid: int) -> float:
    """User and system time of process ``pid`` so far (Linux); 0 where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(figures: WebFigures) -> int:
    print(
        f"{figures.requests:,} GET /a/<token> (the answer page), {figures.concurrency} at a "
        "time, against gemist web on SQLite"
    )
    print(f"  requests/s             {figures.rate:>10.1f} (goal >= {GOAL_RATE:.0f})")
    print(f"  p50                    {figures.percentile(0.50):>10.2f} ms")
    print(
        f"  p95                    {figures.percentile(0.95):>10.2f} ms (goal <= {GOAL_P95_MS:.0f})"
    )
    print(f"  p99                    {figures.percentile(0.99):>10.2f} ms")
    print(f"  mean                   {statistics.fmean(figures.latencies_ms or (0.0,)):>10.2f} ms")
    print(f"  server CPU / request   {figures.server_cpu_ms:>10.2f} ms")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    print(f"  load average (1 min)   {load:>10.2f} on {os.cpu_count()} cores")
    print(f"  not 200                {figures.failures:>10,} (goal 0)")
    recorded = figures.answers_recorded
    print(f"  answers recorded       {recorded:>10,} (goal 0: opening records nothing)")
    print("  goals: " + ("MET" if figures.met else "NOT MET"))
    return Exit.OK if figures.met else Exit.NOT_MET


async def measure_and_report(requests: int, concurrency: int) -> int:
    """The command: measure on a throw-away database, print the figures; 0 when the goals are
    met."""
    if requests < 1 or concurrency < 1:
        print("gemist bench web: --requests and --concurrency must be at least 1", file=sys.stderr)
        return Exit.UNUSABLE
    with tempfile.TemporaryDirectory(prefix="gemist-bench-web-") as name:
        figures = await measure(requests, concurrency, Path(name))
    return report(figures)
