"""The pieces of a coordinator's messages that say one reason on one line (issue 14).

A message about one pupil names every reason of the day, most urgent first; the daily message
(the digest) names each pupil with their class, the reason and how long it has been open. The
caller (:mod:`messages._outreach`) renders these pieces and puts them together, as the timeline
does with its lines. Staff texts exist in Dutch, French and English.
"""

from __future__ import annotations

from messages._model import N_, Audience, Nn_, Plural, Template, Text

__all__ = ["ATTENTION_TEMPLATES"]

_A_PARENT_CALLS = N_("een ouder vraagt om gebeld te worden")


def _piece(template_id: str, text: str | tuple[str, str], description: str) -> Template:
    segment = Plural(text, "count") if isinstance(text, tuple) else Text(text)
    return Template(template_id, Audience.COORDINATOR, (segment,), description=description)


def _counted(template_id: str, forms: tuple[str, str], count: str, description: str) -> Template:
    return Template(template_id, Audience.COORDINATOR, (Plural(forms, count),), (), description)


ATTENTION_TEMPLATES = (
    # One reason on one line, after the pupil's name.
    _counted(
        "coordinator_line.clb_threshold",
        Nn_(
            "{missed_half_days} halve dag problematisch afwezig (B): de CLB-drempel is bereikt",
            "{missed_half_days} halve dagen problematisch afwezig (B): de CLB-drempel is bereikt",
        ),
        "missed_half_days",
        "A reason on one line: the CLB threshold was reached.",
    ),
    _piece(
        "coordinator_line.asks_to_talk",
        N_("wil graag met iemand praten (bericht van {date})"),
        "A reason on one line: the pupil asked to talk.",
    ),
    _piece(
        "coordinator_line.call_interpreter",
        N_("een ouder vraagt om gebeld te worden, in het {language} (bericht van {date})"),
        "A reason on one line: a guardian who speaks another language asked for a call.",
    ),
    _piece(
        "coordinator_line.parent_call",
        N_("{person} ({relation}) vraagt om gebeld te worden (bericht van {date})"),
        "A reason on one line: a Dutch-speaking guardian asked for a call.",
    ),
    _piece(
        "coordinator_line.parent_call_no_relation",
        N_("{person}, een ouder, vraagt om gebeld te worden (bericht van {date})"),
        "A reason on one line: a guardian without a relation in the roster asked for a call.",
    ),
    _piece(
        "coordinator_line.parent_call_unnamed",
        N_("een ouder vraagt om gebeld te worden (bericht van {date})"),
        "A reason on one line: a guardian no longer in the roster asked for a call.",
    ),
    _piece(
        "coordinator_line.held_notice",
        N_("liet weten dat het niet goed gaat; het bericht aan de ouders wacht op jou"),
        "A reason on one line: the pupil is not doing well, the notice waits.",
    ),
    _piece(
        "coordinator_line.held_talk",
        N_("wil graag met iemand praten; het bericht aan de ouders wacht op jou"),
        "A reason on one line: the pupil asked to talk, the notice waits.",
    ),
    _piece(
        "coordinator_line.check_register",
        N_("zegt op {date} wel op school te zijn geweest; kijk de registratie na"),
        "A reason on one line: the pupil says they were at school.",
    ),
    _piece(
        "coordinator_line.did_not_know",
        N_("een ouder wist niet van de afwezigheid op {date}"),
        "A reason on one line: a guardian did not know of the absence.",
    ),
    _piece(
        "coordinator_line.informed_school",
        N_("een ouder zegt dat de school verwittigd was over {date}; kijk de registratie na"),
        "A reason on one line: a guardian says the school was told.",
    ),
    _piece(
        "coordinator_line.unreachable",
        N_("{person} ({relation}) krijgt geen berichten meer via Telegram"),
        "A reason on one line: a guardian blocked the bot.",
    ),
    _piece(
        "coordinator_line.unreachable_pupil",
        N_("krijgt geen berichten meer via Telegram"),
        "A reason on one line: the pupil blocked the bot.",
    ),
    _piece(
        "coordinator_line.unreachable.bounced",
        N_(
            "{person} ({relation}) krijgt geen berichten meer via {channel}: het adres klopt "
            "niet of bestaat niet meer"
        ),
        "A reason on one line: a guardian's address bounced.",
    ),
    _piece(
        "coordinator_line.unreachable.unsubscribed",
        N_("{person} ({relation}) vroeg om geen berichten meer via {channel}"),
        "A reason on one line: a guardian asked for no more messages there.",
    ),
    _piece(
        "coordinator_line.unreachable_pupil.bounced",
        N_("krijgt geen berichten meer via {channel}: het adres klopt niet of bestaat niet meer"),
        "A reason on one line: the pupil's address bounced.",
    ),
    _piece(
        "coordinator_line.unreachable_pupil.unsubscribed",
        N_("vroeg om geen berichten meer via {channel}"),
        "A reason on one line: the pupil asked for no more messages there.",
    ),
    _piece(
        "coordinator_line.no_answer",
        N_("geen antwoord van de leerling of de ouders sinds de afwezigheid van {date}"),
        "A reason on one line: nobody answered.",
    ),
    _counted(
        "coordinator_line.absent_half_days",
        Nn_(
            "{missed_half_days} halve dag afwezig dit schooljaar, alle codes samen",
            "{missed_half_days} halve dagen afwezig dit schooljaar, alle codes samen",
        ),
        "missed_half_days",
        "A reason on one line: many absent half-days this school year.",
    ),
    _piece(
        "coordinator_line.weekday_pattern",
        Nn_(
            "{count} keer afwezig op een {weekday} in {weeks} weken: {dates}",
            "{count} keer afwezig op een {weekday} in {weeks} weken: {dates}",
        ),
        "A pattern on one line: the same weekday; the dates as 5/10, 19/10.",
    ),
    _piece(
        "coordinator_line.weekday_pattern.mixed",
        Nn_(
            "{count} keer afwezig op dezelfde weekdagen in {weeks} weken: {dates}",
            "{count} keer afwezig op dezelfde weekdagen in {weeks} weken: {dates}",
        ),
        "A pattern on one line: the same weekdays (more than one).",
    ),
    _piece(
        "coordinator_line.after_holiday",
        Nn_(
            "{count} keer afwezig op de eerste schooldag na een vakantie: {dates}",
            "{count} keer afwezig op de eerste schooldag na een vakantie: {dates}",
        ),
        "A pattern on one line: absent after holidays.",
    ),
    _piece(
        "coordinator_line.frequent_short",
        Nn_(
            "{count} korte afwezigheid in {weeks} weken: {dates}",
            "{count} korte afwezigheden in {weeks} weken: {dates}",
        ),
        "A pattern on one line: many short absences.",
    ),
    _piece(
        "coordinator_line.update",
        N_("erger geworden: {line}"),
        "A pattern the coordinator heard of before, that got worse.",
    ),
    _piece(
        "coordinator_line.unacknowledged",
        N_("nog open sinds {since}: {line}"),
        "A reminder on one line: what it reminds of, and since when.",
    ),
    # What a reminder is about, in a few words.
    _piece("coordinator_subject.clb_threshold", N_("de CLB-drempel"), "Reminder subject."),
    _piece("coordinator_subject.asks_to_talk", N_("wil praten"), "Reminder subject."),
    # A guardian's call request (a variant of asks_to_talk): the parent asked, not the pupil.
    *(
        _piece(f"coordinator_subject.{variant}", _A_PARENT_CALLS, "Reminder subject.")
        for variant in (
            "call_interpreter",
            "parent_call",
            "parent_call_no_relation",
            "parent_call_unnamed",
        )
    ),
    _piece("coordinator_subject.held_notice", N_("het bericht aan de ouders wacht"), "Subject."),
    _piece("coordinator_subject.did_not_know", N_("ouder wist het niet"), "Reminder subject."),
    _piece("coordinator_subject.informed_school", N_("registratie nakijken"), "Subject."),
    _piece("coordinator_subject.unreachable", N_("niet meer bereikbaar"), "Reminder subject."),
    _piece("coordinator_subject.no_answer", N_("geen antwoord"), "Reminder subject."),
    _piece("coordinator_subject.absent_half_days", N_("veel afwezig"), "Reminder subject."),
    _piece(
        "coordinator_subject.weekday_pattern",
        Nn_("{count} keer afwezig op dezelfde weekdag", "{count} keer afwezig op dezelfde weekdag"),
        "Reminder subject: a weekday pattern.",
    ),
    _piece(
        "coordinator_subject.after_holiday",
        Nn_("{count} keer afwezig na een vakantie", "{count} keer afwezig na een vakantie"),
        "Reminder subject: absent after holidays.",
    ),
    _piece(
        "coordinator_subject.frequent_short",
        Nn_("{count} korte afwezigheid", "{count} korte afwezigheden"),
        "Reminder subject: short absences.",
    ),
    _piece("coordinator_subject.pattern", N_("een patroon in de afwezigheden"), "Subject."),
    _piece("coordinator_subject.other", N_("een melding"), "Reminder subject: anything else."),
    # Putting them together.
    _piece(
        "coordinator_line.also",
        N_("Ook over {first_name}:"),
        "Before the other reasons of the day, under the most urgent one.",
    ),
    _piece("coordinator_line.bullet", N_("• {line}"), "One reason, as a bullet."),
    _piece(
        "coordinator_digest.item",
        N_("• {first_name} ({class_name}): {line}"),
        "One pupil in the daily message: name, class, the reasons.",
    ),
    _piece(
        "coordinator_digest.new",
        N_("Nieuw sinds het vorige overzicht:"),
        "Heading in the daily message.",
    ),
    _piece("coordinator_digest.you", N_("Wacht op jou:"), "Heading in the daily message."),
    _piece(
        "coordinator_digest.family",
        N_("Wacht op de leerling of de ouders:"),
        "Heading in the daily message.",
    ),
    _piece("coordinator_digest.button.ack", N_("Gezien: {first_name}"), "A button, per pupil."),
    _piece("coordinator_digest.button.snooze", N_("Later: {first_name}"), "A button, per pupil."),
    _piece(
        "coordinator_digest.button.clb_involved",
        N_("CLB betrokken: {first_name}"),
        "A button, per pupil whose line is the CLB threshold.",
    ),
    _piece(
        "coordinator_digest.buttons",
        N_(
            "Hieronder zeg je per leerling dat je het gezien hebt, of laat je het later terugkomen."
        ),
        "The last line of a daily message with buttons (Telegram).",
    ),
)
