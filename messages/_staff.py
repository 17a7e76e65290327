"""Templates for staff: the warm-welcome reminder, nudges, hold alerts and the daily digest.

Colleagues are addressed with "je", as in a Flemish staff room. Staff texts exist in Dutch,
French and English. They speak of pupils with the same care as the family texts.
"""

from __future__ import annotations

from messages._model import N_, Audience, Button, Nn_, Plural, Template, Text

__all__ = ["STAFF_TEMPLATES"]

ACK = Button("ack", N_("Gezien, ik volg op"))
SNOOZE = Button("snooze", N_("Herinner me later"))
RETURN = Button("return", N_("Terugkeerdatum doorgeven"))
PAUSE = Button("pause", N_("Berichten pauzeren"))
NUDGE_BUTTONS = (ACK, SNOOZE, RETURN, PAUSE)

_FORWARD_FOOTER = N_("Gemist stuurt dit alleen door: neem zelf contact op als dat nodig is.")


def _forwards() -> tuple[Template, ...]:
    """``coordinator_forward`` and its variants: a heading that says who wrote about whom, and
    in which language (or that it was not recognised), then the words as quoted lines
    (:mod:`messages._quote`), then Gemist's footer. An edited message comes again as a
    correction of the earlier one."""
    headings = {
        "": N_("{writer} schreef over {first_name} ({class_name}), in het {language}:"),
        ".unknown_language": N_(
            "{writer} schreef over {first_name} ({class_name}); de taal werd niet herkend:"
        ),
        ".edited": N_(
            "{writer} heeft een eerder bericht over {first_name} ({class_name}) aangepast, "
            "in het {language}. Zo luidt het nu:"
        ),
        ".edited_unknown_language": N_(
            "{writer} heeft een eerder bericht over {first_name} ({class_name}) aangepast; "
            "de taal werd niet herkend. Zo luidt het nu:"
        ),
    }
    return tuple(
        Template(
            f"coordinator_forward{variant}",
            Audience.COORDINATOR,
            (Text(heading), Text(N_("{message}")), Text(_FORWARD_FOOTER)),
            description="A pupil or guardian wrote to the bot in their own words (or edited "
            "them): to the spilfiguur, with the language it was written in, if recognised.",
        )
        for variant, heading in headings.items()
    )


STAFF_TEMPLATES = (
    Template(
        "teacher_welcome",
        Audience.TEACHER,
        (
            Text(N_("Dag collega,")),
            Text(
                N_(
                    "{first_name} ({class_name}) komt na een lange afwezigheid terug naar "
                    "school, naar verwachting op {date}. Een warm onthaal helpt om de draad "
                    "weer op te pakken."
                )
            ),
            Text(N_("Enkele tips:")),
            # Translators: the welcome tips of seeds 000 and 001 (2.4); keep them concrete.
            Text(
                N_(
                    "• Begroet {first_name} persoonlijk aan de deur: \u201cFijn dat je er weer "
                    "bent.\u201d\n"
                    "• Vraag niet naar de afwezigheid waar de klas bij is; doe dat later, "
                    "rustig en apart.\n"
                    "• Spreek met {first_name} af wat de klas te horen krijgt, en wie het "
                    "vertelt.\n"
                    "• Vraag een klasgenoot om de eerste dagen buddy te zijn.\n"
                    "• Plan op de eerste dag geen toets, presentatie of sportproef.\n"
                    "• Vraag in de loop van de week nog eens hoe het gaat."
                ),
                tight=True,
            ),
            Text(N_("Vragen of zorgen? Neem contact op met {sender}.")),
        ),
        (Button("ack", N_("Gelezen, bedankt")),),
        "Before or at a pupil's return after a long absence (principle 5).",
    ),
    Template(
        "coordinator_nudge.clb_threshold",
        Audience.COORDINATOR,
        (
            Plural(
                Nn_(
                    "{first_name} ({class_name}) heeft dit schooljaar {missed_half_days} halve "
                    "dag problematische afwezigheid (code B).",
                    "{first_name} ({class_name}) heeft dit schooljaar {missed_half_days} halve "
                    "dagen problematische afwezigheid (code B).",
                ),
                "missed_half_days",
            ),
            Text(
                N_(
                    "Daarmee is de drempel bereikt waarop de school het CLB betrekt en een "
                    "begeleidingsdossier opent. Is dat al gebeurd?"
                )
            ),
            Text(N_("Tip: vraag eerst aan {first_name} hoe het gaat, en betrek de ouders.")),
        ),
        NUDGE_BUTTONS,
        "The count of problematic half-days reached the CLB threshold.",
    ),
    Template(
        "coordinator_nudge.asks_to_talk",
        Audience.COORDINATOR,
        (
            Text(
                N_("{first_name} ({class_name}) wil graag met iemand praten (bericht van {date}).")
            ),
            Text(
                N_(
                    "We hebben {first_name} gezegd dat er snel iemand contact opneemt. Lukt "
                    "dat vandaag nog? Een kort berichtje aan {first_name} dat je het gezien "
                    "hebt, helpt al."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "A pupil (or guardian) asked to talk or to be called.",
    ),
    Template(
        "coordinator_nudge.no_answer",
        Audience.COORDINATOR,
        (
            Plural(
                Nn_(
                    "Sinds de afwezigheid van {first_name} ({class_name}) op {date} hebben we "
                    "al {days_without_answer} schooldag niets gehoord, niet van "
                    "{first_name} en niet van de ouders.",
                    "Sinds de afwezigheid van {first_name} ({class_name}) op {date} hebben we "
                    "al {days_without_answer} schooldagen niets gehoord, niet van "
                    "{first_name} en niet van de ouders.",
                ),
                "days_without_answer",
            ),
            Text(
                N_(
                    "Misschien helpt een telefoontje. Of vraag even rond: heeft een klasgenoot "
                    "of collega nog contact met {first_name}?"
                )
            ),
        ),
        NUDGE_BUTTONS,
        "No contact with the pupil or the guardians for some school days.",
    ),
    Template(
        "coordinator_nudge.pattern",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Bij {first_name} ({class_name}) valt een patroon op in de afwezigheden: "
                    "bijvoorbeeld vaak op dezelfde dag, of moeilijk terugkomen na een weekend "
                    "of vakantie."
                )
            ),
            Plural(
                Nn_(
                    "Dit schooljaar: {missed_half_days} halve dag afwezig, alle codes samen.",
                    "Dit schooljaar: {missed_half_days} halve dagen afwezig, alle codes samen.",
                ),
                "missed_half_days",
            ),
            Text(
                N_(
                    "Een gesprek kan helpen om te begrijpen wat er speelt. De tijdlijn van "
                    "{first_name} toont de details."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "A pattern signal: fixed days, after holidays, frequent short absences.",
    ),
    Template(
        "coordinator_nudge.absent_half_days",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{first_name} ({class_name}) was dit schooljaar al vaak afwezig, ook met "
                    "een goede reden."
                )
            ),
            Plural(
                Nn_(
                    "Dit schooljaar: {missed_half_days} halve dag afwezig, alle codes samen.",
                    "Dit schooljaar: {missed_half_days} halve dagen afwezig, alle codes samen.",
                ),
                "missed_half_days",
            ),
            Text(
                N_(
                    "Veel lessen missen weegt, wat de reden ook is. Misschien helpt een gesprek, "
                    "of hulp om de leerstof bij te werken? De tijdlijn van {first_name} toont "
                    "de details."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "Many absent half-days this school year, whatever the codes (nudges.absent_half_days).",
    ),
    Template(
        "coordinator_nudge.unacknowledged",
        Audience.COORDINATOR,
        (
            Text(N_("Een melding over {first_name} ({class_name}) van {date} staat nog open.")),
            Text(
                N_(
                    "Volgt iemand dit op? Tik op “Gezien, ik volg op”, of vraag een collega om "
                    "het over te nemen."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "An earlier nudge has not been acknowledged.",
    ),
    Template(
        "coordinator_nudge.unreachable",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{person} ({relation} van {first_name}, {class_name}) krijgt geen berichten "
                    "meer van Gemist via Telegram: de bot werd geblokkeerd of verwijderd, of het "
                    "Telegram-account bestaat niet meer."
                )
            ),
            Text(
                N_(
                    "Dat kan een bewuste keuze zijn. Misschien lukt het contact op een andere "
                    "manier, bijvoorbeeld met een telefoontje."
                )
            ),
            Text(
                N_(
                    "Wil {person} Gemist toch weer gebruiken? Een nieuwe uitnodiging maak je met "
                    "\u201cgemist invite\u201d."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "Telegram refused a message to a guardian: they blocked the bot (or left Telegram).",
    ),
    Template(
        "coordinator_nudge.unreachable_pupil",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{first_name} ({class_name}) krijgt geen berichten meer van Gemist via "
                    "Telegram: de bot werd geblokkeerd of verwijderd, of het Telegram-account "
                    "bestaat niet meer."
                )
            ),
            Text(
                N_(
                    "Dat kan een bewuste keuze zijn. Misschien lukt het contact op een andere "
                    "manier, bijvoorbeeld in een rustig gesprek op school."
                )
            ),
            Text(
                N_(
                    "Wil {first_name} Gemist toch weer gebruiken? Een nieuwe uitnodiging maak je "
                    "met \u201cgemist invite\u201d."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "Telegram refused a message to the pupil: they blocked the bot (or left Telegram).",
    ),
    Template(
        "hold_alert",
        Audience.COORDINATOR,
        (
            Plural(
                Nn_(
                    "Op {date} staat {absent_pupils} leerling van {class_name} als afwezig gemeld.",
                    "Op {date} staan {absent_pupils} leerlingen van {class_name} als afwezig "
                    "gemeld.",
                ),
                "absent_pupils",
            ),
            Text(
                N_(
                    "Dat lijkt op een fout in de gegevens, of op een uitstap. Daarom houden we "
                    "de berichten aan leerlingen en ouders voorlopig tegen."
                )
            ),
            Plural(
                Nn_(
                    "{held_messages} bericht wacht.",
                    "{held_messages} berichten wachten.",
                ),
                "held_messages",
            ),
            Text(
                N_(
                    "Klopt de afwezigheid toch? Tik dan op “Toch versturen”. Anders gaat er "
                    "niets weg."
                )
            ),
        ),
        (Button("release", N_("Toch versturen")), Button("discard", N_("Niet versturen"))),
        "Outreach held because a feed looks wrong, e.g. a whole class absent.",
    ),
    Template(
        "coordinator_digest",
        Audience.COORDINATOR,
        (
            Text(N_("Goeiemorgen! Het overzicht van {date}:")),
            Plural(
                Nn_(
                    "• {new_absences} leerling met een nieuwe afwezigheid",
                    "• {new_absences} leerlingen met een nieuwe afwezigheid",
                ),
                "new_absences",
                tight=True,
            ),
            Plural(
                Nn_(
                    "• {open_nudges} melding wacht op opvolging",
                    "• {open_nudges} meldingen wachten op opvolging",
                ),
                "open_nudges",
                tight=True,
            ),
            Plural(
                Nn_(
                    "• {pupils_back} leerling komt vandaag terug na een lange afwezigheid",
                    "• {pupils_back} leerlingen komen vandaag terug na een lange afwezigheid",
                ),
                "pupils_back",
                tight=True,
            ),
            Text(N_("Fijne schooldag!")),
        ),
        description="Every school morning, to each coordinator.",
    ),
    *_forwards(),
    Template(
        "staff_snooze_choice",
        Audience.COORDINATOR,
        (Text(N_("Wanneer wil je er opnieuw aan herinnerd worden?")),),
        (
            Button("snooze:1", N_("Over 1 schooldag")),
            Button("snooze:3", N_("Over 3 schooldagen")),
        ),
        "After 'remind me later' on a nudge: when the reminder comes.",
    ),
    Template(
        "staff_return_choice",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Wanneer komt {first_name} terug naar school? De leerkrachten krijgen "
                    "de schooldag ervoor een seintje."
                )
            ),
        ),
        description="After 'return date' on a nudge: the next school days as buttons.",
    ),
    Template(
        "staff_pause_choice",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Hoelang mag Gemist {first_name} en de ouders geen berichten sturen? "
                    "Jij krijgt wel nog meldingen."
                )
            ),
        ),
        (
            Button("pause:5", N_("1 week")),
            Button("pause:10", N_("2 weken")),
            Button("pause:20", N_("4 weken")),
        ),
        "After 'pause' on a nudge: for how many school weeks the family hears nothing.",
    ),
    Template(
        "staff_ack.snooze",
        Audience.COORDINATOR,
        (Text(N_("Genoteerd: je krijgt een herinnering op {date}.")),),
        description="A coordinator put a nudge off until a later school day.",
    ),
    Template(
        "staff_ack.return",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Genoteerd: {first_name} wordt terug verwacht op {date}. De leerkrachten "
                    "krijgen de schooldag ervoor een seintje."
                )
            ),
        ),
        description="A coordinator gave the date a pupil is expected back.",
    ),
    Template(
        "staff_ack.pause",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Genoteerd: tot en met {date} stuurt Gemist {first_name} en de ouders geen "
                    "berichten. Jij krijgt wel nog meldingen."
                )
            ),
        ),
        description="A coordinator paused outreach about a pupil for some school weeks.",
    ),
    Template(
        "staff_ack.ack",
        Audience.COORDINATOR,
        (Text(N_("Genoteerd: je volgt dit op. Dank je!")),),
        description="A coordinator or teacher tapped “seen”.",
    ),
    Template(
        "staff_ack.read",
        Audience.TEACHER,
        (Text(N_("Dank je! Een warm onthaal maakt echt een verschil.")),),
        description="A teacher tapped “read” under a welcome reminder.",
    ),
    Template(
        "staff_ack.release",
        Audience.COORDINATOR,
        (Text(N_("Genoteerd: wat wachtte voor {date}, wordt nu verstuurd.")),),
        description="A coordinator released a mass-absence hold.",
    ),
    Template(
        "staff_ack.discard",
        Audience.COORDINATOR,
        (Text(N_("Genoteerd: over {date} wordt niets verstuurd.")),),
        description="A coordinator discarded a mass-absence hold (the feed was wrong).",
    ),
)
