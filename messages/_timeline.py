"""Templates of a pupil's case timeline (``/pupil <id>``), for the pupil's spilfiguur.

The timeline is one message made of many lines: a header with the school year's counts, then
one line per absence day, message, answer, hold, pause and acknowledgement
(:mod:`bot.telegram._timeline` puts them together). Each kind of line is a template of its own,
and so is each word a line is filled with (a kind of message, a status), so that every word the
coordinator reads comes from the catalogs. Staff texts: Dutch, French, English.

``{when}`` is a local date or time, already written in the reader's language; ``{what}`` and
``{status}`` are the renderings of the ``timeline.kind.*``, ``timeline.nudge.*`` and
``timeline.status.*`` templates.
"""

from __future__ import annotations

from messages._model import N_, Audience, Nn_, Plural, Template, Text

__all__ = ["TIMELINE_TEMPLATES"]


def _line(template_id: str, text: str, description: str) -> Template:
    return Template(template_id, Audience.COORDINATOR, (Text(text),), description=description)


def _word(template_id: str, text: str) -> Template:
    return _line(template_id, text, "A word of a timeline line (see timeline.outreach).")


_HEADER = Template(
    "timeline.header",
    Audience.COORDINATOR,
    (
        Text(N_("Tijdlijn van {first_name} ({class_name}, {pupil_id}), schooljaar {school_year}")),
        Plural(
            Nn_(
                "• Problematisch afwezig (code B): {problematic} halve dag. Vanaf {threshold} "
                "wordt het CLB betrokken.",
                "• Problematisch afwezig (code B): {problematic} halve dagen. Vanaf {threshold} "
                "wordt het CLB betrokken.",
            ),
            "problematic",
        ),
        Plural(
            Nn_(
                "• Nog zonder code: {unknown} halve dag",
                "• Nog zonder code: {unknown} halve dagen",
            ),
            "unknown",
            tight=True,
        ),
        Plural(
            Nn_(
                "• Gewettigd afwezig: {justified} halve dag",
                "• Gewettigd afwezig: {justified} halve dagen",
            ),
            "justified",
            tight=True,
        ),
    ),
    description="The top of a pupil's timeline: who, and the school year's counts.",
)

TIMELINE_TEMPLATES = (
    _HEADER,
    _line(
        "timeline.not_found",
        N_(
            "Daarvan kan Gemist geen tijdlijn tonen. Een tijdlijn is er voor de spilfiguur van "
            "een leerling: /pupil met het leerlingnummer, bijvoorbeeld /pupil P0042."
        ),
        "The answer to /pupil for anyone who may not see that pupil, or an unknown number.",
    ),
    _line(
        "timeline.empty",
        N_("Dit schooljaar is er nog niets gebeurd."),
        "A timeline without a single line yet.",
    ),
    Template(
        "timeline.omitted",
        Audience.COORDINATOR,
        (
            Plural(
                Nn_(
                    "({omitted} eerdere regel past niet meer in dit bericht.)",
                    "({omitted} eerdere regels passen niet meer in dit bericht.)",
                ),
                "omitted",
            ),
        ),
        description="A timeline too long for one message: the oldest lines were left out.",
    ),
    _line(
        "timeline.guardian",
        N_("• {recipient}: {status}"),
        "Under the header, one line per guardian: whether Gemist may contact them about the "
        "pupil (status is a timeline.consent.* word).",
    ),
    _word("timeline.consent.allowed", N_("krijgt berichten van Gemist")),
    _word(
        "timeline.consent.roster",
        N_("geen berichten: volgens de leerlingenlijst niet te contacteren"),
    ),
    _word(
        "timeline.consent.do_not_contact",
        N_("geen berichten: niet te contacteren volgens de regels van de school"),
    ),
    _word(
        "timeline.consent.adult",
        N_("geen berichten: de leerling is meerderjarig en gaf geen toestemming"),
    ),
    _line(
        "timeline.absence.day",
        N_("{when} · de hele dag afwezig ({codes})"),
        "A day the pupil was marked absent in the morning and the afternoon.",
    ),
    _line(
        "timeline.absence.am",
        N_("{when} · afwezig in de voormiddag ({codes})"),
        "A day the pupil was marked absent in the morning only.",
    ),
    _line(
        "timeline.absence.pm",
        N_("{when} · afwezig in de namiddag ({codes})"),
        "A day the pupil was marked absent in the afternoon only.",
    ),
    _line(
        "timeline.outreach",
        N_("{when} · {what} aan {recipient}: {status}"),
        "A message of Gemist about the pupil.",
    ),
    _line(
        "timeline.reply.answer",
        N_("{when} · {writer} antwoordde: \u201c{answer}\u201d"),
        "An answer with a button; the button's words.",
    ),
    _line(
        "timeline.reply.return",
        N_("{when} · {writer}: terug op school op {date}"),
        "The date the pupil is expected back, from a button.",
    ),
    _line(
        "timeline.reply.text",
        N_("{when} · {writer} schreef: \u201c{words}\u201d"),
        "Words of one's own, as they were written: the spilfiguur got them already.",
    ),
    _line(
        "timeline.hold.held",
        N_(
            "{when} · berichten tegengehouden: veel afwezigen in {scope} op {date}; er is nog "
            "niets beslist"
        ),
        "A mass-absence hold on a day the pupil was absent, not decided yet.",
    ),
    _line(
        "timeline.hold.released",
        N_("{when} · berichten tegengehouden: veel afwezigen in {scope} op {date}; vrijgegeven"),
        "A mass-absence hold that a coordinator released.",
    ),
    _line(
        "timeline.hold.discarded",
        N_("{when} · berichten tegengehouden: veel afwezigen in {scope} op {date}; niet verstuurd"),
        "A mass-absence hold that a coordinator discarded.",
    ),
    _line(
        "timeline.pause",
        N_("{when} · {by} pauzeerde de berichten aan het gezin tot en met {date}"),
        "A pause of the messages to the pupil and the guardians.",
    ),
    _line(
        "timeline.ack",
        N_("{when} · {by} heeft de melding gezien en volgt op"),
        "A nudge (or welcome reminder) marked as seen.",
    ),
    _word("timeline.kind.pupil_checkin", N_("check-in")),
    _word("timeline.kind.guardian_notice", N_("vraag over de afwezigheid")),
    _word("timeline.kind.guardian_care", N_("bericht van betrokkenheid")),
    _word("timeline.kind.guardian_correction", N_("rechtzetting")),
    _word("timeline.kind.teacher_welcome", N_("herinnering warm onthaal")),
    _word("timeline.kind.coordinator_forward", N_("doorgestuurd bericht")),
    _word("timeline.kind.message", N_("bericht")),
    _word("timeline.nudge.clb_threshold", N_("melding (CLB-drempel)")),
    _word("timeline.nudge.absent_half_days", N_("melding (veel afwezig)")),
    _word("timeline.nudge.asks_to_talk", N_("melding (wil praten)")),
    _word("timeline.nudge.no_answer", N_("melding (geen antwoord)")),
    _word("timeline.nudge.pattern", N_("melding (patroon)")),
    _word("timeline.nudge.unacknowledged", N_("herinnering aan een melding")),
    _word("timeline.nudge.unreachable", N_("melding (niet meer bereikbaar)")),
    _word("timeline.status.planned", N_("gepland")),
    _word("timeline.status.sending", N_("wordt verstuurd")),
    _word("timeline.status.sent", N_("verstuurd")),
    _word("timeline.status.failed", N_("niet aangekomen")),
    _word("timeline.status.dead", N_("niet aangekomen na herhaalde pogingen")),
    _word("timeline.status.expired", N_("niet op tijd verstuurd, vervallen")),
    _word("timeline.status.cancelled", N_("geannuleerd")),
    _word("timeline.status.withdrawn", N_("niet meer nodig, ingetrokken")),
    _word("timeline.status.held", N_("tegengehouden")),
)
