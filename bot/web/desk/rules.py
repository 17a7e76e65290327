"""*Regels* (``/desk/regels``): the school's rules as a form, their preview and their versions.

- ``GET /desk/regels``: the rules in force, section by section, each setting with its one-line
  explanation (:mod:`bot.rulebook.form`, in the reader's language), its value and its limits;
  then the saved versions (who, when, what changed), each earlier one with *restore*.
- ``POST /desk/regels`` (the form's token): ``actie=voorbeeld`` checks the fields (the checks of
  ``gemist rules check``, each problem at its setting) and starts a preview; ``actie=opslaan``
  checks them and saves a new version, by the staff member's roster id. The running bot plans
  with it from its next tick (:class:`bot.rulebook.versions.CurrentRules`).
- ``GET /desk/regels/voorbeeld``: the viewer's preview: "being computed" (the page refreshes
  itself, without script) or the difference: messages more and fewer by kind and by recipient,
  examples side by side.
- ``POST /desk/regels/herstellen``: an earlier version back in force, as a new version.

**Previews.** A preview replays weeks of the school twice (:mod:`bot.rulebook.preview`, handed
in as :attr:`~bot.web.base.WebContext.previews`: the web application does not import the
replay); on a big school that takes seconds. It runs as a task beside the server's answers,
one at a time per application, and its result is kept in memory for the session that asked
(:class:`PreviewJobs`), the last one only. A restart forgets it: the page then says so.

Who may do this is :mod:`bot.web.desk.access`'s to say (:data:`~.access.MAKE_THE_RULES`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from aiohttp import web
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.models import Pupil, Staff
from bot.rulebook import versions
from bot.rulebook.form import (
    SETTINGS,
    FieldProblem,
    Kind,
    Setting,
    check_values,
    code_label,
    describe,
    form_values,
    rules_text,
)
from bot.rules import Rules, RulesError, changed_settings
from bot.web.base import CONTEXT, root_of
from bot.web.desk import read
from bot.web.desk.access import Page, Viewer
from bot.web.desk.base import D_, NAV_LABELS, Signed, desk_render, not_found, signed_in

__all__ = ["JOBS", "Outcome", "PreviewJob", "PreviewJobs", "add_routes"]

log = logging.getLogger(__name__)

DESK_TAG = "desk"
MAX_PERIOD = dt.timedelta(days=183)
"""The longest period a preview replays: half a school year."""
REFRESH_SECONDS = 3
"""How often the "being computed" page asks again."""
KEPT_JOBS = 32
"""Previews kept in memory, one per session, the oldest forgotten first."""
KEPT_FOR = 3600.0
"""Seconds a finished preview is kept (a session that asks for a new one forgets it sooner)."""

SECTIONS: Mapping[str, str] = {
    "codes": D_("Codes: wat er gebeurt bij elke afwezigheidscode"),
    "long_absence": D_("Lange afwezigheid"),
    "pupil": D_("Berichten aan de leerling"),
    "guardian": D_("Berichten aan de ouders"),
    "teacher": D_("Leerkrachten"),
    "coordinator": D_("Spilfiguur"),
    "nudges": D_("Signalen voor de spilfiguur"),
    "delivery": D_("Versturen"),
    "caps": D_("Ten hoogste zoveel berichten"),
    "hold": D_("Massale afwezigheid"),
    "pauses": D_("Pauzes"),
    "do_not_contact": D_("Niet contacteren"),
}
"""The form's sections, by the first part of a setting's key, in the file's order."""
OPTIONS: Mapping[Kind, tuple[tuple[str, str], ...]] = {
    Kind.YES_NO: (("true", D_("ja")), ("false", D_("nee"))),
    Kind.SWITCH: (("on", D_("aan")), ("off", D_("uit"))),
    Kind.CAP: (("on", D_("aan")), ("off", D_("uit: geen grens"))),
    Kind.CHOICE: (
        ("hold", D_("wachten op de spilfiguur (hold)")),
        ("send", D_("toch versturen (send)")),
    ),
}
"""What a setting shown as a choice offers, each value with its words."""
HINTS: Mapping[Kind, str] = {
    Kind.TIME: D_("uur, zoals 08:30"),
    Kind.DURATION: D_("duur, zoals 2h of 90m"),
    Kind.PERCENT: D_("percent"),
    Kind.WEEKDAYS: D_("weekdagen, zoals mon,tue,wed,thu,fri"),
    Kind.WHOLE_OR_OFF: D_("een getal, of off"),
    Kind.STAFF_TIMES: D_("personeelsnummer=uur, zoals S02=16:00"),
}
"""How a free text field is written, beside it."""
NOTHING_CHANGED = D_("Er is niets gewijzigd: de regels blijven zoals ze zijn.")
CHANGED_MEANWHILE = D_(
    "De regels zijn intussen opgeslagen door iemand anders (versie %(number)s). Kijk je "
    "wijzigingen na en sla opnieuw op."
)
BAD_PERIOD = D_(
    "Kies een geldige periode: een begin- en einddatum, niet in de toekomst, van ten hoogste "
    "een half jaar."
)
NO_PREVIEW = D_("Een voorbeeld is op deze server niet beschikbaar.")
UNUSABLE_VERSION = D_("Versie %(number)s kan niet meer gebruikt worden: %(problem)s")


# --- the jobs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the page shows of a preview, kept instead of the preview itself: the counts and
    the examples, not every message of both replays (a big school's weeks are many)."""

    start: dt.date
    end: dt.date
    current: int
    proposed: int
    unchanged: bool
    by_kind: tuple[Any, ...]
    by_role: tuple[Any, ...]
    examples: tuple[Any, ...]
    seconds: Mapping[str, float]

    @classmethod
    def of(cls, preview: Any) -> Outcome:
        """From a :class:`bot.rulebook.preview.Preview`."""
        return cls(
            start=preview.start,
            end=preview.end,
            current=len(preview.current),
            proposed=len(preview.proposed),
            unchanged=preview.unchanged,
            by_kind=tuple(preview.by_kind),
            by_role=tuple(preview.by_role),
            examples=tuple(preview.examples),
            seconds=dict(preview.seconds),
        )


@dataclass(slots=True)
class PreviewJob:
    """One session's preview: what was proposed, over which period, and how far it is."""

    values: dict[str, str]
    """The form's fields as they were sent: shown again, and saved from the result page."""
    base: int | None
    """The version the proposal was made on (None: the rules file's rules)."""
    start: dt.date
    end: dt.date
    began: float = field(default_factory=time.perf_counter)
    task: asyncio.Task[Any] | None = None
    result: Outcome | None = None
    failed: bool = False
    seconds: float | None = None
    """How long the preview took, from the click to the result (the report's figure)."""

    @property
    def done(self) -> bool:
        return self.result is not None or self.failed


@dataclass(slots=True)
class PreviewJobs:
    """The previews of every session (by the session's form token: a hash of its cookie), and
    the one lock that lets a single preview run at a time (the replays take every CPU)."""

    jobs: OrderedDict[str, PreviewJob] = field(default_factory=OrderedDict)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def start(self, key: str, job: PreviewJob, work: Any) -> None:
        """Run ``work`` (a coroutine giving the preview) for ``key``'s session; a preview the
        session still had running is cancelled."""
        old = self.jobs.pop(key, None)
        if old is not None and old.task is not None and not old.task.done():
            old.task.cancel()
        now = time.perf_counter()
        for stale in [
            k for k, kept in self.jobs.items() if kept.done and now - kept.began > KEPT_FOR
        ]:
            del self.jobs[stale]
        self.jobs[key] = job
        while len(self.jobs) > KEPT_JOBS:
            _key, dropped = self.jobs.popitem(last=False)
            if dropped.task is not None and not dropped.task.done():
                dropped.task.cancel()
        job.task = asyncio.create_task(self._run(job, work))
        job.task.add_done_callback(lambda _task: work.close())  # cancelled before it began

    async def _run(self, job: PreviewJob, work: Any) -> None:
        try:
            async with self.lock:
                job.result = Outcome.of(await work)
        except asyncio.CancelledError:
            job.failed = True
            raise
        except Exception:
            job.failed = True
            log.exception("a rules preview failed")
        finally:
            job.seconds = time.perf_counter() - job.began

    def of(self, key: str) -> PreviewJob | None:
        return self.jobs.get(key)

    async def close(self) -> None:
        """Cancel what still runs (the server stops)."""
        tasks = [job.task for job in self.jobs.values() if job.task and not job.task.done()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


JOBS = web.AppKey("gemist.desk.rules", PreviewJobs)


def add_routes(app: web.Application) -> None:
    app[JOBS] = PreviewJobs()
    app.router.add_get("/desk/regels", show, name="desk_rules")
    app.router.add_post("/desk/regels", act)
    app.router.add_get("/desk/regels/voorbeeld", shown_preview, name="desk_rules_preview")
    app.router.add_post("/desk/regels/herstellen", restore)

    async def close(app: web.Application) -> None:
        await app[JOBS].close()

    app.on_cleanup.append(close)


# --- the form -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Field:
    """A setting as the page shows it."""

    path: str
    explanation: str
    legal: str | None
    kind: str
    value: str
    options: tuple[tuple[str, str], ...]
    limits: tuple[tuple[str, str], ...]
    """``("min", "2")``, ``("max", "5")``: the template says them in words."""
    hint: str | None
    problems: tuple[str, ...]
    depth: int
    """0 for a setting, 1 for one below a switch or a cap (shown indented)."""


@dataclass(frozen=True, slots=True)
class Group:
    title: str | None
    fields: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    groups: tuple[Group, ...]


def _is_below(setting: Setting) -> bool:
    parent = setting.path.rsplit(".", 1)[0]
    return any(s.path == parent and s.kind in (Kind.SWITCH, Kind.CAP) for s in SETTINGS)


def sections(
    lang: str, rules: Rules, values: Mapping[str, str] | None, problems: list[FieldProblem]
) -> tuple[list[Section], list[str]]:
    """The form's sections in ``lang``, with ``values`` (what was sent) over ``rules``' own,
    each problem at its setting; and the problems that belong to no setting."""
    at: dict[str, list[str]] = {}
    general: list[str] = []
    paths = {setting.path for setting in SETTINGS}
    for problem in problems:
        home = _home(problem.path, paths)
        if home is None:
            general.append(
                f"{problem.path}: {problem.message}" if problem.path else problem.message
            )
        else:
            at.setdefault(home, []).append(problem.message)
    groups: dict[str, dict[str | None, list[Field]]] = {key: {} for key in SECTIONS}
    for item in describe(lang, rules):
        setting = item.setting
        section = setting.path.split(".", 1)[0]
        title = code_label(setting.path.split(".")[1], lang) if section == "codes" else None
        value = item.value or ""
        if values is not None and setting.path in values:
            value = values[setting.path]
        limits = tuple(
            (name, str(limit))
            for name, limit in (("min", setting.minimum), ("max", setting.maximum))
            if limit is not None
        )
        groups[section].setdefault(title, []).append(
            Field(
                path=setting.path,
                explanation=item.explanation,
                legal=item.legal,
                kind=setting.kind.value,
                value=value if setting.kind is not Kind.LIST else _listed(rules, setting.path),
                options=OPTIONS.get(setting.kind, ()),
                limits=limits,
                hint=HINTS.get(setting.kind),
                problems=tuple(at.get(setting.path, ())),
                depth=1 if _is_below(setting) else 0,
            )
        )
    found = [
        Section(
            key,
            SECTIONS[key],
            tuple(Group(t, _after_parents(f)) for t, f in groups[key].items()),
        )
        for key in SECTIONS
        if groups[key]
    ]
    return found, general


def _after_parents(fields: list[Field]) -> tuple[Field, ...]:
    """The settings of a switch or a cap right below it (the file lists the caps' numbers
    after every cap)."""
    order = {field.path: index for index, field in enumerate(fields)}

    def place(field: Field) -> tuple[int, int]:
        parent = field.path.rsplit(".", 1)[0]
        if field.depth and parent in order:
            return order[parent], order[field.path]
        return order[field.path], -1

    return tuple(sorted(fields, key=place))


def _home(path: str | None, paths: set[str]) -> str | None:
    """The setting a problem's key is about: itself, or the nearest setting above it."""
    while path:
        if path in paths:
            return path
        path = path.rpartition(".")[0]
    return None


def _listed(rules: Rules, path: str) -> str:
    """A list setting in a few words (it is kept as it is; reasons stay out: they can be
    sensitive)."""
    if path == "pauses":
        return ", ".join(pause.pupil for pause in rules.pauses)
    return ", ".join(entry.guardian for entry in rules.do_not_contact)


def sent_values(form: Mapping[str, Any], base: Rules) -> dict[str, str]:
    """The settings' fields of a posted form: those a person can change; a field left empty
    that had no value (the settings of a switch that is off) and the fields below a switch or
    a cap turned off are left out, so that they keep what the rules in force say."""
    now = form_values(base)
    found: dict[str, str] = {}
    for setting in SETTINGS:
        if setting.kind is Kind.LIST:
            continue
        sent = form.get(setting.path)
        if not isinstance(sent, str):
            continue
        if not sent.strip() and not now.get(setting.path):
            continue
        found[setting.path] = sent[:200]
    for setting in SETTINGS:
        if setting.kind in (Kind.SWITCH, Kind.CAP) and found.get(setting.path) == "off":
            for below in list(found):
                if below.startswith(setting.path + "."):
                    del found[below]
    return found


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InForce:
    rules: Rules
    saved: versions.SavedRules | None

    @property
    def number(self) -> int | None:
        return None if self.saved is None else self.saved.number


async def in_force(conn: AsyncConnection, school_id: str, fallback: Rules) -> InForce:
    """The rules the bot plans with: the latest version, else the rules file's."""
    saved = await versions.latest(conn, school_id)
    if saved is None:
        return InForce(fallback, None)
    try:
        return InForce(saved.rules(), saved)
    except RulesError:  # the bot keeps the rules before it; the file's is the best guess here
        return InForce(fallback, saved)


async def staff_names(conn: AsyncConnection, school_id: str) -> dict[str, str]:
    """Roster id to name, to say who saved a version."""
    rows = await conn.execute(
        sa.select(col(Staff.staff_id), col(Staff.first_name), col(Staff.last_name)).where(
            col(Staff.school_id) == school_id
        )
    )
    return {staff: f"{first} {last}".strip() for staff, first, last in rows}


async def own_pupils(conn: AsyncConnection, viewer: Viewer) -> set[str] | None:
    """The roster ids of the pupils whose examples ``viewer`` may read; None: every pupil."""
    if viewer.whole_school:
        return None
    rows = await conn.execute(
        sa.select(col(Pupil.pupil_id)).where(
            col(Pupil.school_id) == viewer.school_id,
            col(Pupil.spilfiguur_id) == viewer.staff_id,
        )
    )
    return {str(row[0]) for row in rows}


# --- the handlers --------------------------------------------------------------------------------


async def _page(
    request: web.Request,
    who: Signed,
    *,
    values: Mapping[str, str] | None = None,
    problems: list[FieldProblem] | None = None,
    notices: list[str] | None = None,
    period: tuple[str, str] | None = None,
    period_problem: str | None = None,
    base: int | None = None,
    status: int = 200,
) -> web.Response:
    context = request.app[CONTEXT]
    school = who.viewer.school_id
    async with context.reads.connect() as conn:
        now = await in_force(conn, school, context.rules)
        saved = await versions.history(conn, school)
        names = await staff_names(conn, school) if saved else {}
    shown, general = sections(who.reader.lang, now.rules, values, problems or [])
    if period is None:
        if context.previews is not None:
            start, end = context.previews.period(context.clock.today())
            period = (start.isoformat(), end.isoformat())
        else:
            period = ("", "")
    done = request.query.get("opgeslagen", "")
    latest = saved[0] if saved else None
    values_out = {
        **who.values(Page.RULES),
        "title": who.reader.gettext(NAV_LABELS[Page.RULES]),
        "sections": shown,
        "general": general,
        "notices": notices or [],
        "problems": bool(problems),
        "versions": saved,
        "names": names,
        "in_force": now.number,
        "base": now.number if base is None else base,
        "saved_now": latest if latest is not None and done == str(latest.number) else None,
        "period": period,
        "period_problem": period_problem,
        "can_preview": context.previews is not None,
    }
    return desk_render(request, "desk/rules.html", who.reader, values_out, status=status)


@signed_in(Page.RULES)
async def show(request: web.Request, who: Signed) -> web.Response:
    """The rules in force as a form, and their versions."""
    return await _page(request, who)


@signed_in(Page.RULES)
async def act(request: web.Request, who: Signed) -> web.StreamResponse:
    """``actie=voorbeeld``: check and preview; ``actie=opslaan``: check and save."""
    context = request.app[CONTEXT]
    form = await request.post()
    action = form.get("actie")
    if action not in ("voorbeeld", "opslaan"):
        return not_found(request, who)
    async with context.reads.connect() as conn:
        now = await in_force(conn, who.viewer.school_id, context.rules)
    values = sent_values(form, now.rules)
    posted_base = _number(form.get("versie"))
    proposed, problems = check_values(values, now.rules)
    period = (str(form.get("van", ""))[:10], str(form.get("tot", ""))[:10])
    if proposed is None:
        return await _page(
            request, who, values=values, problems=problems, period=period, base=posted_base,
            status=422,
        )  # fmt: skip
    if action == "voorbeeld":
        return await _preview(request, who, now, proposed, values, period, posted_base)
    return await _save(request, who, now, proposed, values, period, posted_base)


def _number(value: Any) -> int | None:
    text = value if isinstance(value, str) else ""
    return int(text) if text.isdigit() and len(text) < 10 else None


async def _save(
    request: web.Request,
    who: Signed,
    now: InForce,
    proposed: Rules,
    values: dict[str, str],
    period: tuple[str, str],
    base: int | None,
) -> web.StreamResponse:
    context = request.app[CONTEXT]
    reader = who.reader
    if base != now.number and now.number is not None:
        notice = str(reader.gettext(CHANGED_MEANWHILE) % {"number": now.number})
        return await _page(
            request, who, values=values, notices=[notice], period=period, base=now.number,
            status=409,
        )  # fmt: skip
    if not changed_settings(now.rules, proposed):
        return await _page(request, who, notices=[str(reader.gettext(NOTHING_CHANGED))])
    try:
        saved = await versions.save(
            context.engine,
            who.viewer.school_id,
            rules_text(proposed),
            by=await _roster_id(request, who),
            at=context.clock.now(),
            fallback=context.rules,
        )
    except OperationalError:
        return desk_render(request, "desk/busy.html", reader, who.values(Page.RULES), status=503)
    except versions.UnknownStaff:  # left the roster while signed in
        return not_found(request, who)
    raise web.HTTPSeeOther(f"{root_of(request)}desk/regels?opgeslagen={saved.number}")


async def _roster_id(request: web.Request, who: Signed) -> str:
    """The staff member's roster id (``S02``): what a version's ``saved_by`` names."""
    async with request.app[CONTEXT].reads.connect() as conn:
        return await read.roster_id(conn, who.viewer.staff_id)


def _period(
    period: tuple[str, str], default: tuple[dt.date, dt.date], today: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The period asked for (an empty field: the default's), or None when it is not one."""
    try:
        start = dt.date.fromisoformat(period[0]) if period[0].strip() else default[0]
        end = dt.date.fromisoformat(period[1]) if period[1].strip() else default[1]
    except ValueError:
        return None
    if end < start or end > today or end - start > MAX_PERIOD:
        return None
    return start, end


async def _preview(
    request: web.Request,
    who: Signed,
    now: InForce,
    proposed: Rules,
    values: dict[str, str],
    period: tuple[str, str],
    base: int | None,
) -> web.StreamResponse:
    context = request.app[CONTEXT]
    previews = context.previews
    if previews is None:
        notice = str(who.reader.gettext(NO_PREVIEW))
        return await _page(request, who, values=values, notices=[notice], period=period)
    running = request.app[JOBS].of(who.csrf)
    if running is not None and not running.done:  # one at a time: a replay is not stopped
        raise web.HTTPSeeOther(f"{root_of(request)}desk/regels/voorbeeld")
    today = context.clock.today()
    chosen = _period(period, previews.period(today), today)
    if chosen is None:
        return await _page(
            request, who, values=values, period=period, base=base,
            period_problem=str(who.reader.gettext(BAD_PERIOD)), status=422,
        )  # fmt: skip
    start, end = chosen
    job = PreviewJob(
        values=values, base=base if base is not None else now.number, start=start, end=end
    )
    work = previews.run(context.engine, now.rules, proposed, start, end)
    request.app[JOBS].start(who.csrf, job, work)
    raise web.HTTPSeeOther(f"{root_of(request)}desk/regels/voorbeeld")


@signed_in(Page.RULES)
async def shown_preview(request: web.Request, who: Signed) -> web.Response:
    """The session's preview: still being computed (the page asks again by itself), failed,
    or its difference."""
    job = request.app[JOBS].of(who.csrf)
    result = job.result if job is not None else None
    found: list[Any] = []
    if result is not None:
        async with request.app[CONTEXT].reads.connect() as conn:
            own = await own_pupils(conn, who.viewer)
        found = [example for example in result.examples if own is None or (example.about in own)]
    values = {
        **who.values(Page.RULES),
        "title": who.reader.gettext(NAV_LABELS[Page.RULES]),
        "job": job,
        "result": result,
        "examples": found,
        "all_examples": who.viewer.whole_school,
        "refresh": REFRESH_SECONDS if job is not None and not job.done else None,
    }
    return desk_render(request, "desk/rules_preview.html", who.reader, values)


@signed_in(Page.RULES)
async def restore(request: web.Request, who: Signed) -> web.StreamResponse:
    """An earlier version back in force, saved as a new version by the viewer."""
    context = request.app[CONTEXT]
    form = await request.post()
    number = _number(form.get("versie"))
    if number is None:
        return not_found(request, who)
    try:
        saved = await versions.restore(
            context.engine,
            who.viewer.school_id,
            number,
            by=await _roster_id(request, who),
            at=context.clock.now(),
            fallback=context.rules,
        )
    except (versions.UnknownVersion, versions.UnknownStaff):
        return not_found(request, who)
    except RulesError as err:
        problem = err.lines[0] if err.lines else ""
        notice = str(who.reader.gettext(UNUSABLE_VERSION) % {"number": number, "problem": problem})
        return await _page(request, who, notices=[notice], status=422)
    except OperationalError:
        return desk_render(
            request, "desk/busy.html", who.reader, who.values(Page.RULES), status=503
        )
    raise web.HTTPSeeOther(f"{root_of(request)}desk/regels?opgeslagen={saved.number}")
