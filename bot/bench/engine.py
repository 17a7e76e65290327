"""``gemist bench engine``: how fast the care engine is, next to a bare database read.

Two measurements (issue 3, "Benchmarks"):

- *year replay*: a generated school of 1,000 pupils (ages 10 to 18, one or two guardians each,
  classes with a titularis, teachers and a spilfiguur, everybody on Telegram, a few languages)
  and the feed of the school year 2026-09-01 to 2027-06-30 with about 6 % of the pupils absent
  on a school day (mostly one- or two-day episodes, some long ones, a few pupils with many B
  half-days, codes mixed, some pupils and guardians answering) are replayed through
  :func:`bot.simulate.simulate`, the engine path of ``gemist simulate``. Printed: the wall time
  (goal: under 60 s), the messages delivered, by kind, and the SHA-256 of their JSON lines (so
  that a change meant to make the replay faster can show it changed no byte of its output).
- *planner tick*: a school of 50,000 pupils like the one above, with the marks of the same
  school year stored through the real bulk imports (:func:`~bot.imports.import_roster` and
  :func:`~bot.imports.import_absences`), on SQLite and on PostgreSQL. Timed: one
  :func:`~bot.planning.tick.planner_tick` on 30 June 2027 at 11:00 (storing the rows it plans),
  the same tick again when every row is known (the steady state of a live school, every few
  minutes; with the :class:`~bot.planning.tick.PlanCache` the first tick filled, as ``gemist
  run`` keeps one; and once more without it, for comparison), and, apart, its parts: reading
  the facts of the pupils it plans (:func:`~bot.planning.facts_db.load_school_facts`) and
  planning them (:func:`~bot.planning.tick.plan_school`). A tick plans the pupils something may
  be due for (:func:`~bot.planning.facts_db.read_recent_pupils`), each with their whole school
  year; for comparison, one tick that plans every pupil is timed too. Against it, the *bare
  read*: the same rows (the statements ``load_school_facts`` runs for those pupils,
  :data:`BARE_READ`) through the driver (``sqlite3``, asyncpg), fetched into tuples and nothing
  else. The goal is a tick under 2 s; the ratio to the bare read is printed.

Each timed step runs in a child process, so that one step's memory and garbage do not weigh
on the next. The figures are printed, not asserted: a benchmark informs, the test suite decides.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import csv
import datetime as dt
import hashlib
import json
import math
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.bench.feed import _asyncpg_connect, scratch_postgres
from bot.bench.load import load_report
from bot.db import connect, migrate
from bot.exits import Exit
from bot.imports import import_absences, import_roster
from bot.planning.facts_db import load_school_facts, read_recent_pupils
from bot.planning.tick import PlanCache, news_since, plan_school, planner_tick
from bot.rules import Rules
from integrations.csv import CsvAbsenceSource, CsvRosterSource
from scheduler.calendar import SchoolCalendar
from scheduler.clock import BRUSSELS, VirtualClock

__all__ = ["generate_school", "run_command", "run_step"]

SCHOOL = "bench"
YEAR_START, YEAR_END = dt.date(2026, 9, 1), dt.date(2027, 6, 30)
TICK_AT = dt.datetime(2027, 6, 30, 11, 0, tzinfo=BRUSSELS)
GOAL_REPLAY_SECONDS = 60.0
GOAL_TICK_SECONDS = 2.0
START_PER_DAY = 0.031
"""The chance that a pupil who is at school starts an absence on a school day: about 6 %."""
PUPILS_PER_CLASS = 25
LANGUAGES = ("nl",) * 12 + ("fr", "en", "ar", "tr", "pl", "uk")
SHORT_CODES = ("Z",) * 10 + ("B",) * 3 + ("-",) * 3 + ("P", "P", "M", "R", "")
BARE_READ = (
    "SELECT name FROM school WHERE id = :school",
    "SELECT date FROM feed_day WHERE school_id = :school",
    "SELECT person_id, channel, address, state, chosen FROM contact"
    " WHERE role = 'staff' AND state = 'active' AND school_id = :school",
    "SELECT person_id, address FROM contact WHERE role = 'staff' AND channel = 'email'"
    " AND address IS NOT NULL AND school_id = :school",
    "SELECT id, staff_id, first_name, last_name, role, language"
    " FROM staff WHERE school_id = :school AND active",
    "SELECT pupil_id, date, half_day, code, expected_return FROM absence_mark"
    " WHERE retracted_at IS NULL AND pupil_id IN ({ids})",
    "SELECT person_id, channel, address, state, chosen FROM contact"
    " WHERE role = 'guardian' AND state = 'active'"
    " AND person_id IN (SELECT guardian_id FROM guardian_link WHERE pupil_id IN ({ids}))",
    "SELECT l.pupil_id, l.may_contact, g.id, g.guardian_id, g.language, g.contact_moment,"
    " g.first_name, g.last_name, l.relation"
    " FROM guardian_link l JOIN guardian g ON g.id = l.guardian_id"
    " WHERE g.active AND l.pupil_id IN ({ids})",
    "SELECT p.id, t.staff_id FROM pupil p JOIN teaching_assignment t ON t.class_id = p.class_id"
    " WHERE p.active AND p.id IN ({ids})",
    "SELECT pupil_id, received_at, sender_role, answer, episode_key FROM reply"
    " WHERE pupil_id IN ({ids}) ORDER BY received_at, id",
    "SELECT pupil_id, idempotency_key, kind, recipient_role, recipient_id, sent_at, payload,"
    " acknowledged_at FROM outreach WHERE status = 'sent' AND pupil_id IN ({ids})",
    "SELECT person_id, channel, address, state, chosen FROM contact"
    " WHERE role = 'pupil' AND state = 'active' AND person_id IN ({ids})",
    "SELECT p.id, p.pupil_id, p.first_name, p.birth_date, p.language, p.spilfiguur_id,"
    " p.guardian_consent, c.name FROM pupil p"
    " JOIN school_class c ON c.id = p.class_id WHERE p.active AND p.id IN ({ids})"
    " ORDER BY p.pupil_id",
)
"""The statements :func:`~bot.planning.facts_db.load_school_facts` runs for the pupils a tick
plans, as plain SQL (``{ids}``: those pupils' database ids)."""


# --- the generated school ---------------------------------------------------------------------


class _School:
    """Writes a roster folder, a feed and a replies file for one generated school."""

    def __init__(self, folder: Path, pupils: int, seed: int) -> None:
        self.folder = folder
        self.pupils = pupils
        self.rng = random.Random(seed)
        self.days = list(SchoolCalendar().school_days(YEAR_START, YEAR_END))
        self.chat = 10_000_000

    def telegram(self) -> int:
        self.chat += 1
        return self.chat

    def write(self, replies: bool) -> dict[str, Any]:
        roster = self.folder / "roster"
        roster.mkdir(parents=True, exist_ok=True)
        guardians = self.write_roster(roster)
        marks, absent = self.write_feed(self.folder / "absences.csv", guardians, replies)
        return {"pupils": self.pupils, "marks": marks, "absent": absent / len(self.days)}

    def write_roster(self, roster: Path) -> dict[str, list[str]]:
        rng, classes = self.rng, max(1, math.ceil(self.pupils / PUPILS_PER_CLASS))
        names = [f"{1 + number % 6}{chr(65 + number // 6 % 26)}{number // 156 or ''}"
                 for number in range(classes)]  # fmt: skip
        coordinators = max(1, classes // 8)
        staff = [(f"C{n:04d}", "coordinator") for n in range(coordinators)]
        staff += [(f"T{n:05d}", "teacher") for n in range(classes * 3)]
        with _writer(roster / "staff.csv") as out:
            out.writerow(["staff_id", "first_name", "last_name", "role", "email", "language",
                          "telegram"])  # fmt: skip
            for staff_id, role in staff:
                email = f"{staff_id.lower()}@example.org"
                out.writerow([staff_id, "Staff", staff_id, role, email, "nl", self.telegram()])
        with _writer(roster / "teaching.csv") as out:
            out.writerow(["staff_id", "class", "role"])
            for number, name in enumerate(names):
                for offset in range(3):
                    role = "titularis" if offset == 0 else "teacher"
                    out.writerow([f"T{number * 3 + offset:05d}", name, role])
        links: dict[str, list[str]] = {}
        with _writer(roster / "pupils.csv") as out, _writer(roster / "guardians.csv") as parents:
            out.writerow(["pupil_id", "first_name", "last_name", "birth_date", "class", "language",
                          "spilfiguur", "guardian_consent", "email", "telegram"])  # fmt: skip
            parents.writerow(["guardian_id", "pupil_id", "first_name", "last_name", "relation",
                              "language", "email", "phone", "may_contact", "telegram"])  # fmt: skip
            family: list[list[Any]] = []
            for number in range(self.pupils):
                pupil_id, group = f"P{number:06d}", number // PUPILS_PER_CLASS
                born = YEAR_START - dt.timedelta(days=rng.randrange(10 * 365 + 3, 19 * 365 - 3))
                adult = (YEAR_START - born).days >= 18 * 365
                spilfiguur = f"T{group * 3:05d}" if rng.random() < 0.6 else f"C{group // 8:04d}"
                out.writerow([pupil_id, "Kind", str(number), born.isoformat(), names[group],
                              rng.choice(("nl",) * 8 + ("fr", "en")), spilfiguur,
                              rng.choice(("yes", "no")) if adult else "", "",
                              self.telegram()])  # fmt: skip
                if not family or rng.random() > 0.04:  # a few brothers and sisters
                    family = [
                        [f"G{number:06d}{n}", "Ouder", str(number), rng.choice(LANGUAGES),
                         self.telegram()]
                        for n in range(1 if rng.random() < 0.3 else 2)
                    ]  # fmt: skip
                links[pupil_id] = [parent[0] for parent in family]
                for guardian_id, first, last, language, chat in family:
                    may = "no" if rng.random() < 0.02 else "yes"
                    parents.writerow([guardian_id, pupil_id, first, last, "ouder", language,
                                      "", "", may, chat])  # fmt: skip
        return links

    def write_feed(
        self, path: Path, guardians: dict[str, list[str]], replies: bool
    ) -> tuple[int, int]:
        """Per pupil, absences started at random; returns the marks and the pupil-days absent."""
        rng, days, rows, answers = self.rng, self.days, 0, []
        absent = 0
        with _writer(path) as out:
            out.writerow(["pupil_id", "date", "half_day", "code", "expected_return", "note"])
            for number in range(self.pupils):
                pupil_id = f"P{number:06d}"
                heavy = rng.random() < 0.03  # often absent, mostly without a valid reason
                chance = START_PER_DAY * (3 if heavy else 1)
                index = _gap(rng, chance)
                while index < len(days):
                    length, code, note, back = self.episode(heavy)
                    taken = days[index : index + length]
                    halves = [(day, half) for day in taken for half in _halves(day)]
                    if length == 1 and rng.random() < 0.15:  # a single half-day
                        halves = [rng.choice(halves)]
                    for day, half in halves:
                        expected = (taken[-1] + dt.timedelta(days=1)).isoformat() if back else ""
                        out.writerow([pupil_id, day.isoformat(), half, code, expected, note])
                    rows += len(halves)
                    absent += len(taken)
                    if replies and rng.random() < 0.08:
                        answers.append(self.answer(pupil_id, taken[0], guardians[pupil_id]))
                    index += length + 1 + _gap(rng, chance)
        if replies:
            self.write_replies(answers)
        return rows, absent

    def episode(self, heavy: bool) -> tuple[int, str, str, bool]:
        """The length, code, note and whether an expected return is given, for one episode."""
        rng, draw = self.rng, self.rng.random()
        if draw < 0.05:  # a long illness with a certificate
            return rng.randint(5, 15), "Z", "doktersattest", rng.random() < 0.7
        length = 1 if draw < 0.75 else 2 if draw < 0.92 else rng.randint(3, 4)
        code = "B" if heavy and rng.random() < 0.7 else rng.choice(SHORT_CODES)
        return length, code, "briefje" if code == "Z" and rng.random() < 0.3 else "", False

    def answer(self, pupil_id: str, day: dt.date, guardians: list[str]) -> list[str]:
        rng = self.rng
        if guardians and rng.random() < 0.3:
            at = dt.datetime.combine(day, dt.time(13, rng.randrange(60)))
            answer = rng.choice(("sick", "will_contact_school", "want_a_call"))
            return [at.isoformat(), "guardian", guardians[0], pupil_id, answer]
        at = dt.datetime.combine(day, dt.time(11, rng.randrange(60)))
        back = f"return:{(day + dt.timedelta(days=2)).isoformat()}"
        answer = rng.choice(("sick", "sick", "not_good", "want_to_talk", "rather_not_say", back))
        return [at.isoformat(), "pupil", pupil_id, pupil_id, answer]

    def write_replies(self, answers: list[list[str]]) -> None:
        with _writer(self.folder / "replies.csv") as out:
            out.writerow(["at", "sender_role", "sender_id", "pupil_id", "answer"])
            out.writerows(sorted(answers))


class _writer:
    """A ``;``-separated CSV file open for writing, as a context manager."""

    def __init__(self, path: Path) -> None:
        self.handle = path.open("w", encoding="utf-8", newline="")

    def __enter__(self) -> Any:
        return csv.writer(self.handle, delimiter=";")

    def __exit__(self, *_exc: object) -> None:
        self.handle.close()


def _gap(rng: random.Random, chance: float) -> int:
    """School days until the next absence starts (a geometric draw)."""
    return int(math.log(1.0 - rng.random()) / math.log(1.0 - chance))


def _halves(day: dt.date) -> tuple[str, ...]:
    return ("am",) if day.weekday() == 2 else ("am", "pm")


def generate_school(folder: Path, pupils: int, seed: int, *, replies: bool) -> dict[str, Any]:
    """Write ``roster/``, ``absences.csv`` (and ``replies.csv``) for a school of ``pupils``."""
    return _School(folder, pupils, seed).write(replies)


# --- the steps, each run in a child process -------------------------------------------------


async def _replay(folder: Path, end: dt.date) -> dict[str, Any]:
    from bot.simulate import simulate

    started = time.perf_counter()
    messages = await simulate(
        folder / "roster",
        folder / "absences.csv",
        rules=Rules.default(),
        calendar=SchoolCalendar(),
        replies=folder / "replies.csv",
        start=YEAR_START,
        end=end,
        tz=BRUSSELS,
        school_id=SCHOOL,
        school_name="Bench",
    )
    elapsed = time.perf_counter() - started
    kinds = collections.Counter(message.kind for message in messages)
    digest = hashlib.sha256()
    lines = [message.as_json() for message in messages]  # the lines of simulate --json
    for line in lines:
        digest.update(json.dumps(line, ensure_ascii=False).encode() + b"\n")
    return {
        "seconds": elapsed,
        "messages": len(messages),
        "kinds": dict(sorted(kinds.items())),
        "sha256": digest.hexdigest(),
        "load": load_report(lines).lines(),
    }


async def _chosen(url: str) -> dict[str, Any]:
    """The pupils the tick at :data:`TICK_AT` plans, and the day its news start."""
    engine = connect(url)
    try:
        async with engine.connect() as conn:
            since = await news_since(conn, SCHOOL, TICK_AT.date(), SchoolCalendar())
            ids = await read_recent_pupils(conn, SCHOOL, since)
    finally:
        await engine.dispose()
    return {"since": since.isoformat(), "ids": ids}


async def _tick(url: str) -> dict[str, Any]:
    """The tick's parts, each timed alone, then the real tick twice, then every pupil."""
    engine = connect(url)
    rules, calendar, clock = Rules.default(), SchoolCalendar(), VirtualClock(TICK_AT, BRUSSELS)
    year = calendar.school_year_of(TICK_AT.date())
    try:
        started = time.perf_counter()
        async with engine.connect() as conn:
            since = await news_since(conn, SCHOOL, TICK_AT.date(), calendar)
            facts = await load_school_facts(conn, SCHOOL, since=since, year_start=year.span_start)
        loaded = time.perf_counter()
        proposal = plan_school(facts, rules=rules, calendar=calendar, clock=clock)
        planned = time.perf_counter()
        plans = PlanCache()  # the service's (bot.pipeline.Pipeline.plans): kept between ticks
        new = await planner_tick(
            engine, school_id=SCHOOL, rules=rules, calendar=calendar, clock=clock, cache=plans
        )
        ticked = time.perf_counter()
        again = await planner_tick(
            engine, school_id=SCHOOL, rules=rules, calendar=calendar, clock=clock, cache=plans
        )
        steady = time.perf_counter()
        await planner_tick(engine, school_id=SCHOOL, rules=rules, calendar=calendar, clock=clock)
        uncached = time.perf_counter()
        await planner_tick(
            engine, school_id=SCHOOL, rules=rules, calendar=calendar, clock=clock, everyone=True
        )
        everyone = time.perf_counter() - uncached
    finally:
        await engine.dispose()
    return {
        "load": loaded - started,
        "plan": planned - loaded,
        "seconds": ticked - planned,
        "steady": steady - ticked,
        "uncached": uncached - steady,
        "everyone": everyone,
        "pupils": len(facts.pupils),
        "marks": sum(len(pupil.marks) for pupil in facts.pupils),
        "planned": len(proposal.planned),
        "new": new,
        "new_again": again,
    }


def _statements(ids: list[int]) -> list[str]:
    listed = ",".join(str(int(pupil)) for pupil in ids) or "NULL"
    return [sql.replace("{ids}", listed) for sql in BARE_READ]


def _bare_sqlite(path: str, ids: list[int]) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        started = time.perf_counter()
        rows = sum(
            len(conn.execute(sql, {"school": SCHOOL}).fetchall()) for sql in _statements(ids)
        )
        return {"seconds": time.perf_counter() - started, "rows": rows}
    finally:
        conn.close()


async def _bare_postgres(url: str, ids: list[int]) -> dict[str, Any]:
    conn = await _asyncpg_connect(sa.make_url(url))
    try:
        started = time.perf_counter()
        rows = 0
        for sql in _statements(ids):
            # Only the statements that name the school take it: asyncpg refuses an argument
            # the statement has no placeholder for (the pupils' statements name their ids).
            school = (SCHOOL,) if ":school" in sql else ()
            records = await conn.fetch(sql.replace(":school", "$1"), *school)
            rows += len([tuple(record) for record in records])
        return {"seconds": time.perf_counter() - started, "rows": rows}
    finally:
        await conn.close()


def run_step(step: str, where: str = "", until: str = "") -> None:
    """Entry point of a child process: run one step and print its figures as JSON.

    The database comes from ``GEMIST_BENCH_TARGET``, not the command line, where a password
    would be visible to every user of the machine.
    """
    target = os.environ.get("GEMIST_BENCH_TARGET", "")
    if step == "replay":
        result = asyncio.run(_replay(Path(where), dt.date.fromisoformat(until)))
    elif step == "chosen":
        result = asyncio.run(_chosen(target))
    elif step == "tick":
        result = asyncio.run(_tick(target))
    elif step == "bare-sqlite":
        result = _bare_sqlite(target, json.loads(Path(where).read_text()))
    elif step == "bare-postgres":
        result = asyncio.run(_bare_postgres(target, json.loads(Path(where).read_text())))
    else:
        raise LookupError(f"no benchmark step {step!r}")
    print(json.dumps(result))


def _child(step: str, target: str = "", *where: str) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bot.bench.engine", step, *where],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "GEMIST_BENCH_TARGET": target},
    )
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


# --- preparing a database ---------------------------------------------------------------------


async def prepare(url: str, folder: Path) -> None:
    """Migrate, then import the generated roster and the year's feed with the real imports."""
    engine = connect(url)
    try:
        await migrate(engine)
        clock = VirtualClock(dt.datetime(2026, 8, 31, 12, tzinfo=BRUSSELS))
        source = CsvRosterSource(folder / "roster", today=clock.today())
        await import_roster(engine, source, school_id=SCHOOL, school_name="Bench", clock=clock)
        clock.set(TICK_AT - dt.timedelta(hours=1))
        feed = CsvAbsenceSource(folder / "absences.csv")
        await import_absences(engine, feed, school_id=SCHOOL, school_name="Bench", clock=clock)
    finally:
        await engine.dispose()


def _measure_sqlite(folder: Path) -> dict[str, Any]:
    database = folder / "tick.db"
    print("sqlite: importing the roster and the year ...", file=sys.stderr, flush=True)
    asyncio.run(prepare(f"sqlite:///{database}", folder))
    print("sqlite: bare read, planner tick ...", file=sys.stderr, flush=True)
    url = f"sqlite:///{database}"
    ids = folder / "chosen.json"
    chosen = _child("chosen", url)
    ids.write_text(json.dumps(chosen["ids"]))
    bare = _child("bare-sqlite", str(database), str(ids))
    return {"backend": "sqlite", "chosen": chosen, "bare": bare, "tick": _child("tick", url)}


def _measure_postgres(server: str, folder: Path) -> dict[str, Any]:
    with scratch_postgres(server) as url:
        print("postgresql: importing the roster and the year ...", file=sys.stderr, flush=True)
        asyncio.run(prepare(url, folder))
        print("postgresql: bare read, planner tick ...", file=sys.stderr, flush=True)
        ids = folder / "chosen.json"
        chosen = _child("chosen", url)
        ids.write_text(json.dumps(chosen["ids"]))
        bare = _child("bare-postgres", url, str(ids))
        tick = _child("tick", url)
        return {"backend": "postgresql", "chosen": chosen, "bare": bare, "tick": tick}


# --- the command ------------------------------------------------------------------------------


def report_replay(school: dict[str, Any], result: dict[str, Any], end: dt.date) -> int:
    seconds, ok = result["seconds"], result["seconds"] < GOAL_REPLAY_SECONDS
    print(
        f"Year replay: {school['pupils']:,} pupils, {YEAR_START} to {end}, "
        f"{school['marks']:,} half-day marks, {school['absent']:.0f} pupils "
        f"({school['absent'] / school['pupils']:.1%}) absent per school day"
    )
    print(
        f"  gemist simulate: {seconds:.1f} s (goal < {GOAL_REPLAY_SECONDS:.0f} s): "
        f"{'MET' if ok else 'NOT MET'}; {result['messages']:,} messages delivered"
    )
    for kind, count in result["kinds"].items():
        print(f"    {kind:<20}{count:>8,}")
    print(f"  SHA-256 of the messages (as simulate --json prints them): {result['sha256']}")
    print("  the readers' load:")
    for line in result["load"]:
        print(f"    {line}")
    return Exit.OK if ok else Exit.NOT_MET


def report_tick(school: dict[str, Any], results: list[dict[str, Any]]) -> int:
    print(
        f"Planner tick: {school['pupils']:,} pupils, {school['marks']:,} half-day marks "
        f"({school['absent'] / school['pupils']:.1%} absent per school day), at {TICK_AT}"
    )
    header = f"{'backend':<11}{'step':<52}{'seconds':>9}"
    print(header)
    print("-" * len(header))
    verdict: int = Exit.OK
    for result in results:
        name, bare, tick = result["backend"], result["bare"], result["tick"]
        chosen = len(result["chosen"]["ids"])
        for label, seconds in (
            (f"bare read of their rows ({bare['rows']:,} rows into tuples)", bare["seconds"]),
            (
                f"load_school_facts ({tick['pupils']:,} pupils, {tick['marks']:,} marks)",
                tick["load"],
            ),
            (f"plan_school ({tick['planned']:,} rows)", tick["plan"]),
            (f"planner_tick, first ({tick['new']:,} new rows stored)", tick["seconds"]),
            (f"planner_tick, again ({tick['new_again']} new)", tick["steady"]),
            ("planner_tick, again without the plan cache", tick["uncached"]),
            ("planner_tick with every pupil (for comparison)", tick["everyone"]),
        ):
            print(f"{name:<11}{label:<52}{seconds:>9.2f}")
        ok = tick["seconds"] < GOAL_TICK_SECONDS and tick["steady"] < GOAL_TICK_SECONDS
        verdict |= Exit.OK if ok else Exit.NOT_MET
        print(
            f"{name:<11}{chosen:,} pupils planned (news since {result['chosen']['since']}); "
            f"ratio to the bare read: first {tick['seconds'] / bare['seconds']:.1f}x, "
            f"again {tick['steady'] / bare['seconds']:.1f}x; "
            f"goal < {GOAL_TICK_SECONDS:.0f} s: {'MET' if ok else 'NOT MET'}"
        )
    return verdict


def run_command(args: argparse.Namespace) -> int:
    verdict: int = Exit.OK
    with tempfile.TemporaryDirectory(prefix="gemist-bench-") as tmp:
        root = Path(args.out) if args.out else Path(tmp)
        if "replay" in args.parts:
            folder = root / "year"
            print(f"generating a school of {args.replay_pupils:,} ...", file=sys.stderr)
            school = generate_school(folder, args.replay_pupils, args.seed, replies=True)
            print("replaying the school year ...", file=sys.stderr, flush=True)
            result = _child("replay", "", str(folder), args.until.isoformat())
            verdict |= report_replay(school, result, args.until)
            print()
        if "tick" in args.parts:
            folder = root / "tick"
            print(f"generating a school of {args.pupils:,} ...", file=sys.stderr)
            school = generate_school(folder, args.pupils, args.seed, replies=False)
            results = []
            if "sqlite" in args.backends:
                results.append(_measure_sqlite(folder))
            if "postgresql" in args.backends:
                results.append(_measure_postgres(args.postgres, folder))
            verdict |= report_tick(school, results)
    return verdict


if __name__ == "__main__":
    run_step(*sys.argv[1:])
