"""The sending pipeline, assembled in one place for ``gemist run``, ``simulate`` and ``demo``.

From the stored facts to a delivered message, every command goes through the same parts:

- the planner tick (:func:`~bot.planning.tick.planner_tick`) with its caches: the plans of the
  last tick (:class:`~bot.planning.tick.PlanCache`) and, for an owner that is told of every change
  (the replay), the pupils' facts (:class:`~bot.planning.facts_cache.FactsCache`);
- the delivery gate (:class:`~bot.planning.gate.DeliveryGate`: sending hours, caps);
- rendering at dispatch in the reader's language, with the school's own wording and as each
  channel can show it (:class:`~bot.outbox.rendering.RenderingChannel`);
- the dispatcher (:class:`~bot.outbox.Dispatcher`) over the school's channels, a
  :class:`~bot.outbox.ChannelRouter` from :mod:`bot.channels` (real ones for ``gemist run``,
  stand-ins that print or record for its previews).

Building them here keeps the three commands from drifting apart (the demo's copy once forgot
the school's wording).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.contacts import DEFAULT_ORDER, ChannelOrder
from bot.outbox import Channel, Dispatcher
from bot.outbox.rendering import AnswerLinks, RenderingChannel, plain_choices
from bot.planning.facts_cache import FactsCache
from bot.planning.gate import DeliveryGate
from bot.planning.tick import PlanCache, planner_tick
from bot.rules import Rules
from messages import Overrides
from scheduler.calendar import SchoolCalendar
from scheduler.clock import Clock

__all__ = ["Pipeline", "assemble"]


@dataclass(slots=True)
class Pipeline:
    """The assembled parts of one school's sending; :func:`assemble` builds it."""

    engine: AsyncEngine
    school_id: str
    rules: Rules
    calendar: SchoolCalendar
    clock: Clock
    channel: RenderingChannel
    """The school's channels behind rendering: what the dispatcher delivers through."""
    gate: DeliveryGate
    dispatcher: Dispatcher
    plans: PlanCache
    """Each pupil's planned rows from the last tick, while nothing else changed."""
    facts: FactsCache | None
    """The pupils' facts read by earlier ticks; only for an owner told of every change."""
    reach: ChannelOrder
    """Who is reached how: the school's order of channels and those this pipeline delivers on."""

    async def plan(self) -> int:
        """One planner tick with the pipeline's caches; the rows newly planned."""
        return await planner_tick(
            self.engine,
            school_id=self.school_id,
            rules=self.rules,
            calendar=self.calendar,
            clock=self.clock,
            cache=self.plans,
            facts_cache=self.facts,
            channels=self.reach,
        )

    def use_rules(self, rules: Rules) -> None:
        """Plan and gate with ``rules`` from the next tick on (a new version was saved); the
        plans of the last tick were made under the old rules and are not reused."""
        if rules is self.rules:
            return
        self.rules = rules
        self.gate.use(rules)
        self.forget_plans()

    def forget_plans(self) -> None:
        """Plan from the stored facts again at the next tick (people were erased, say)."""
        self.plans = PlanCache()
        if self.facts is not None:
            self.facts.forget_all()


def assemble(
    engine: AsyncEngine,
    *,
    school_id: str,
    rules: Rules,
    calendar: SchoolCalendar,
    clock: Clock,
    channels: Channel,
    worker_id: str,
    overrides: Overrides | None = None,
    facts: FactsCache | None = None,
    answer_links: AnswerLinks = plain_choices,
    reach: ChannelOrder = DEFAULT_ORDER,
) -> Pipeline:
    """The pipeline over ``channels`` (usually a :class:`~bot.outbox.ChannelRouter` from
    :mod:`bot.channels`). ``facts`` keeps the pupils' facts between ticks: only for an owner
    that tells the cache of every change it makes (``gemist simulate``). ``reach`` must name as
    usable only the channels ``channels`` delivers on, so that nobody is planned on another."""
    rendering = RenderingChannel(channels, overrides=overrides, answer_links=answer_links)
    gate = DeliveryGate(engine, rules, calendar, clock.tz)
    return Pipeline(
        engine=engine,
        school_id=school_id,
        rules=rules,
        calendar=calendar,
        clock=clock,
        channel=rendering,
        gate=gate,
        dispatcher=Dispatcher(engine, rendering, clock, worker_id, gate=gate),
        plans=PlanCache(),
        facts=facts,
        reach=reach,
    )
