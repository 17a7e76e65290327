"""The coordinator's daily message (issue 14): built from the nudges the planner gathered, with
names, classes and reasons, grouped; none on a quiet day; the texts of a merged message."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC

from bot.engine._digest import plan_digests, resend_refused
from bot.engine.facts import PupilFacts
from bot.engine.window import Window
from bot.outbox.records import PlannedOutreach
from bot.rules import Rules
from messages import buttons_for, render_outreach
from scheduler.clock import BRUSSELS
from tests.bot.engine.test_attention import C1, MONDAYS, coordinator, sent, with_sent
from tests.helpers.engine import CALENDAR, day, whole_days
from tests.helpers.planner import local, plan, pupil, staff

WINDOW = Window(Rules.default().delivery, CALENDAR, BRUSSELS)
CONTEXT = {"class_name": "2A", "school": "Sint-Jozefcollege"}


def gathered(now: str, *facts_list: PupilFacts) -> list[PlannedOutreach]:
    """The rows planned for the pupils at ``now``, with their render context, as a tick has
    them."""
    found = []
    for facts in facts_list:
        found += [
            dataclasses.replace(item, payload={**CONTEXT, **item.payload})
            for item in plan(facts, now)
        ]
    return found


def digest(
    rows: Sequence[PlannedOutreach], today: str, rules: Rules | None = None
) -> list[PlannedOutreach]:
    return plan_digests(
        "S1",
        rows,
        coordinators={C1.id: C1},
        rules=rules or Rules.default(),
        window=WINDOW,
        today=day(today),
    )


def test_the_daily_message_names_each_pupil_with_class_and_reason_grouped() -> None:
    pattern = pupil(whole_days(MONDAYS, "Z"), spilfiguur=C1)
    [first] = coordinator(plan(pattern, "11-16 23:00"))
    reminded = with_sent(pattern, sent(first))
    nobody = dataclasses.replace(
        pupil(whole_days("11-13 11-16 11-17 11-18", "B"), spilfiguur=C1),
        id=2,
        pupil_id="P2",
        first_name="Ruben",
    )
    [message] = digest(gathered("11-18 23:00", reminded, nobody), "11-18")
    assert message.due_at == local("11-18 10:30").astimezone(UTC)
    assert [(item["group"], item["first_name"]) for item in message.payload["items"]] == [
        ("you", "Yasmine"),
        ("family", "Ruben"),
    ]
    text = render_outreach(message.kind, "nl", message.payload).text
    assert text.splitlines() == [
        "Jouw overzicht van woensdag 18 november:",
        "",
        "Wacht op jou:",
        "• Yasmine (2A): nog open sinds maandag 16 november: 3 keer afwezig op dezelfde weekdag",
        "",
        "Wacht op de leerling of de ouders:",
        "• Ruben (2A): geen antwoord van de leerling of de ouders sinds de afwezigheid van "
        "vrijdag 13 november",
        "",
        "Hieronder zeg je per leerling dat je het gezien hebt, of laat je het later terugkomen.",
    ]
    buttons = render_outreach(message.kind, "nl", message.payload).buttons
    assert [(b.key, b.label) for b in buttons][:2] == [
        ("ack:0", "Gezien: Yasmine"),
        ("snooze:0", "Later: Yasmine"),
    ]


def test_a_new_pattern_names_its_dates_in_the_daily_message() -> None:
    pattern = pupil(whole_days(MONDAYS, "Z"), spilfiguur=C1)
    [message] = digest(gathered("11-16 23:00", pattern), "11-16")
    for lang, line in (
        ("nl", "• Yasmine (2A): 3 keer afwezig op een maandag in 6 weken: 19/10, 9/11, 16/11"),
        (
            "fr",
            "• Yasmine (2A)\u00a0: absent 3 fois un lundi en 6 semaines\u00a0: 19/10, 9/11, 16/11",
        ),
        ("en", "• Yasmine (2A): absent on 3 Mondays in 6 weeks: 19/10, 9/11, 16/11"),
    ):
        assert line in render_outreach(message.kind, lang, message.payload).text.splitlines()


def test_no_daily_message_with_nothing_new_and_nothing_waiting() -> None:
    quiet = pupil([], spilfiguur=C1)
    assert digest(gathered("11-17 23:00", quiet), "11-17") == []
    pattern = pupil(whole_days(MONDAYS, "Z"), spilfiguur=C1)
    rows = gathered("11-16 23:00", pattern)
    assert digest(rows, "11-17") == []  # the pattern was Monday's news
    assert digest(rows, "11-21") == []  # a Saturday


def test_the_coordinator_chooses_the_moment_and_email_offers_the_actions_too() -> None:
    rules = Rules.default().model_copy(
        update={
            "coordinator": Rules.default().coordinator.model_copy(
                update={"digest_at_for": {"C1": local("11-16 12:45").time().replace(tzinfo=None)}}
            )
        }
    )
    mailed = staff("C", 1, channel="email")
    pattern = pupil(whole_days(MONDAYS, "Z"), spilfiguur=mailed)
    rows = [
        dataclasses.replace(item, payload={**CONTEXT, **item.payload})
        for item in plan(pattern, "11-16 23:00", rules)
    ]
    [gathered_row] = coordinator(rows)
    assert gathered_row.due_at == local("11-16 12:45").astimezone(UTC)
    [message] = plan_digests(
        "S1", rows, coordinators={C1.id: mailed}, rules=rules, window=WINDOW, today=day("11-16")
    )
    assert message.due_at == local("11-16 12:45").astimezone(UTC)
    rendered = render_outreach(message.kind, "nl", message.payload)
    # An e-mail carries the per-pupil actions as answer links (integrations/email).
    assert [b.key for b in rendered.buttons] == ["ack:0", "snooze:0"]


def test_the_clb_nudge_offers_clb_involved_and_no_return_date() -> None:
    facts = pupil(whole_days(MONDAYS, "B"), spilfiguur=C1)
    [merged] = coordinator(gathered("11-16 23:00", facts))
    assert buttons_for(merged.kind, merged.payload) == ("ack", "clb_involved", "snooze", "pause")
    rendered = render_outreach(merged.kind, "nl", merged.payload)
    assert [b.label for b in rendered.buttons] == [
        "Gezien, ik volg op",
        "CLB is al betrokken",
        "Herinner me later",
        "Berichten pauzeren",
    ]
    assert rendered.text.endswith(
        "Ook over Yasmine:\n• 3 keer afwezig op een maandag in 6 weken: 19/10, 9/11, 16/11"
    )


def test_a_long_absence_nudge_offers_the_return_date_and_every_nudge_seen_and_snooze() -> None:
    nobody = pupil(whole_days("11-13 11-16 11-17 11-18", "B"), spilfiguur=C1)
    [no_answer] = [
        item
        for item in coordinator(gathered("11-18 23:00", nobody))
        if item.payload["reason"] == "no_answer"
    ]
    keys = buttons_for(no_answer.kind, no_answer.payload)
    assert {"ack", "snooze", "return"} <= set(keys)
    from messages import TEMPLATES

    for template in TEMPLATES.values():
        if template.id.startswith("coordinator_nudge."):
            assert {"ack", "snooze"} <= {button.key for button in template.buttons}, template.id


def test_a_daily_message_refused_on_one_channel_goes_again_on_the_coordinator_s_next() -> None:
    """The day's message bounced on Telegram (a chat id that was wrong) and the coordinator is
    now reached by e-mail: the same message is a row of its own there, due when it was, so
    that the outbox does not take it for the failed one and nothing it said is lost."""
    pattern = pupil(whole_days(MONDAYS, "Z"), spilfiguur=C1)
    [refused] = digest(gathered("11-16 23:00", pattern), "11-16")
    assert refused.channel == C1.channel == "telegram"
    mailed = dataclasses.replace(C1, channel="email", language="fr")

    [again] = resend_refused([refused], coordinators={C1.id: mailed}, now=local("11-16 10:35"))

    assert again.idempotency_key == f"{refused.idempotency_key}:via-email"
    assert (again.channel, again.lang) == ("email", "fr")
    assert (again.payload, again.due_at) == (refused.payload, refused.due_at)
    # Still reached only on the channel that refused it, or too stale: not sent again.
    assert resend_refused([refused], coordinators={C1.id: C1}, now=local("11-16 10:35")) == []
    assert resend_refused([refused], coordinators={}, now=local("11-16 10:35")) == []
    late = refused.expires_at
    assert resend_refused([refused], coordinators={C1.id: mailed}, now=late) == []
