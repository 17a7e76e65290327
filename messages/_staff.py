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
CLB_INVOLVED = Button("clb_involved", N_("CLB is al betrokken"))
# The threshold case is closed by "CLB is al betrokken"; a return date has nothing to do with it.
CLB_BUTTONS = (ACK, CLB_INVOLVED, SNOOZE, PAUSE)
# A pattern is about days gone by: no return date either.
PATTERN_BUTTONS = (ACK, SNOOZE, PAUSE)
SEND_NOTICE = Button("send_notice", N_("Toch naar de ouders sturen"))
KEEP_NOTICE = Button("keep_notice", N_("Nu niet sturen"))
HELD_BUTTONS = (SEND_NOTICE, KEEP_NOTICE, *NUDGE_BUTTONS)
# Translators: the last line of a nudge about a notice to the parents that is held back.
WAITS = Text(N_("Het bericht aan de ouders wacht tot jij hieronder beslist."))

_FORWARD_FOOTER = N_("Gemist stuurt dit alleen door: neem zelf contact op als dat nodig is.")
# An address that bounced: the school's correction is what brings the person back.
_CHECK_THE_ADDRESS = N_(
    "Kijk het adres na met het secretariaat: staat het juiste adres in de gegevens van de "
    "school, dan stuurt Gemist weer berichten."
)

# What the parent who asked for a call was told (guardian_ack.want_a_call: the spilfiguur
# calls), and where the spilfiguur finds the number.
_PARENT_CALL_SOON = N_(
    "We hebben de ouder gezegd dat jij zo snel mogelijk belt, op een schooldag tijdens de "
    "schooluren. Lukt dat vandaag nog? Het telefoonnummer staat in de gegevens van de school."
)


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
        "desk_signin",
        Audience.TEACHER,
        (
            Text(
                N_(
                    "Je vroeg om je aan te melden bij het bureau van Gemist. Open deze link "
                    "binnen 15 minuten, in dezelfde browser:"
                )
            ),
            Text(N_("{link}")),
            Text(N_("Vroeg je dit niet? Dan hoef je niets te doen: de link werkt nergens anders.")),
        ),
        description="A staff member asked for a sign-in link to the desk (bot.web.desk); "
        "link is the address, which works once, for 15 minutes, in the browser that asked.",
    ),
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
        CLB_BUTTONS,
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
        "A pupil asked to talk (a guardian's call has a variant of its own).",
    ),
    Template(
        "coordinator_nudge.call_interpreter",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Een ouder van {first_name} ({class_name}) vraagt om gebeld te worden "
                    "(bericht van {date})."
                )
            ),
            Text(
                N_(
                    "Deze ouder spreekt {language}. We hebben de ouder gezegd dat er een tolk "
                    "kan komen: regel er zo nodig een voor het gesprek."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "A guardian who does not speak Dutch at home asked to be called: with their language.",
    ),
    # A Dutch-speaking guardian asked to be called (``payload["variant"]``, bot.engine._nudges):
    # the parent is named, so that the spilfiguur phones them rather than writing to the pupil.
    # No phone number: the school's records hold it.
    Template(
        "coordinator_nudge.parent_call",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{person} ({relation} van {first_name}, {class_name}) vraagt om gebeld te "
                    "worden (bericht van {date})."
                )
            ),
            Text(_PARENT_CALL_SOON),
        ),
        NUDGE_BUTTONS,
        "A Dutch-speaking guardian asked to be called: named, with their tie to the pupil.",
    ),
    Template(
        "coordinator_nudge.parent_call_no_relation",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{person}, een ouder van {first_name} ({class_name}), vraagt om gebeld te "
                    "worden (bericht van {date})."
                )
            ),
            Text(_PARENT_CALL_SOON),
        ),
        NUDGE_BUTTONS,
        "A Dutch-speaking guardian asked to be called; the roster gives no relation.",
    ),
    Template(
        "coordinator_nudge.parent_call_unnamed",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Een ouder van {first_name} ({class_name}) vraagt om gebeld te worden "
                    "(bericht van {date})."
                )
            ),
            Text(_PARENT_CALL_SOON),
        ),
        NUDGE_BUTTONS,
        "A guardian asked to be called who is no longer in the roster.",
    ),
    Template(
        "coordinator_nudge.check_register",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{first_name} ({class_name}) staat op {date} afwezig, maar reageerde op ons "
                    "bericht voordat de ouders iets kregen: “Ik ben wel op school”, of met een "
                    "eigen bericht."
                )
            ),
            Text(
                N_(
                    "Kijk je vandaag de registratie na? Was {first_name} er wel, pas ze dan aan: "
                    "de ouders krijgen dan niets, en {first_name} krijgt een excuus."
                )
            ),
            WAITS,
        ),
        HELD_BUTTONS,
        "The pupil says they were at school, or wrote, before the guardian notice: it is held.",
    ),
    Template(
        "coordinator_nudge.held_notice",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{first_name} ({class_name}), afwezig op {date}, liet weten dat het niet "
                    "goed gaat."
                )
            ),
            Text(
                N_(
                    "Praat eerst met {first_name} als dat kan. Kies daarna of de ouders het "
                    "bericht over de afwezigheid krijgen; het is dan een zacht bericht, zonder "
                    "de vraag om {first_name} te ondervragen."
                )
            ),
            WAITS,
        ),
        HELD_BUTTONS,
        "The pupil said it is not going well: the guardian notice waits for the coordinator.",
    ),
    Template(
        "coordinator_nudge.held_talk",
        Audience.COORDINATOR,
        (
            Text(
                N_("{first_name} ({class_name}), afwezig op {date}, wil graag met iemand praten.")
            ),
            Text(
                N_(
                    "We hebben {first_name} gezegd dat er snel iemand contact opneemt. Lukt "
                    "dat vandaag nog?"
                )
            ),
            WAITS,
        ),
        HELD_BUTTONS,
        "The pupil asked to talk: the guardian notice waits for the coordinator.",
    ),
    Template(
        "coordinator_nudge.informed_school",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Een ouder van {first_name} ({class_name}) zegt dat de school al verwittigd "
                    "was over de afwezigheid van {date}."
                )
            ),
            Text(
                N_(
                    "Kijk je de registratie na, of vraag je het even aan het secretariaat? De "
                    "ouders krijgen over deze afwezigheid geen berichten meer."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "A guardian says the school was told already: check the register.",
    ),
    Template(
        "coordinator_nudge.did_not_know",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Een ouder van {first_name} ({class_name}) wist niet dat {first_name} op "
                    "{date} niet op school was."
                )
            ),
            Text(
                N_(
                    "We hebben de ouder een gesprek aangeboden. Neem je vandaag nog contact op? "
                    "Vraag ook aan {first_name} zelf hoe het gaat."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "A guardian did not know of the absence: call them the same day.",
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
        PATTERN_BUTTONS,
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
                    "Volgt iemand dit op? Kies “Gezien, ik volg op”, of vraag een collega om het "
                    "over te nemen."
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
    # A contact that ended another way (``payload["cause"]``, messages._outreach.template_for):
    # the address bounced (a correction by the school brings it back), or the person asked for
    # no more messages there (their choice). ``{channel}`` is where: "e-mail", "Telegram".
    Template(
        "coordinator_nudge.unreachable.bounced",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{person} ({relation} van {first_name}, {class_name}) krijgt geen berichten "
                    "meer van Gemist via {channel}: het adres klopt niet of bestaat niet meer."
                )
            ),
            Text(_CHECK_THE_ADDRESS),
            Text(N_("Tot dan lukt het contact misschien met een telefoontje.")),
        ),
        NUDGE_BUTTONS,
        "A guardian's address came back as unknown (an e-mail that bounced).",
    ),
    Template(
        "coordinator_nudge.unreachable.unsubscribed",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{person} ({relation} van {first_name}, {class_name}) vroeg om geen "
                    "berichten meer van Gemist te krijgen via {channel}."
                )
            ),
            Text(
                N_(
                    "Gemist respecteert die keuze. Misschien lukt het contact op een andere "
                    "manier, bijvoorbeeld met een telefoontje."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "A guardian asked for no more messages on a channel (/stop, an unsubscribe link).",
    ),
    Template(
        "coordinator_nudge.unreachable_pupil.bounced",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{first_name} ({class_name}) krijgt geen berichten meer van Gemist via "
                    "{channel}: het adres klopt niet of bestaat niet meer."
                )
            ),
            Text(_CHECK_THE_ADDRESS),
            Text(N_("Tot dan lukt het contact misschien in een rustig gesprek op school.")),
        ),
        NUDGE_BUTTONS,
        "The pupil's address came back as unknown (an e-mail that bounced).",
    ),
    Template(
        "coordinator_nudge.unreachable_pupil.unsubscribed",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "{first_name} ({class_name}) vroeg om geen berichten meer van Gemist te "
                    "krijgen via {channel}."
                )
            ),
            Text(
                N_(
                    "Gemist respecteert die keuze. Misschien lukt het contact op een andere "
                    "manier, bijvoorbeeld in een rustig gesprek op school."
                )
            ),
        ),
        NUDGE_BUTTONS,
        "The pupil asked for no more messages on a channel (/stop, an unsubscribe link).",
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
                    "Klopt de afwezigheid toch? Kies dan “Toch versturen”. Anders gaat er niets "
                    "weg."
                )
            ),
        ),
        (Button("release", N_("Toch versturen")), Button("discard", N_("Niet versturen"))),
        "Outreach held because a feed looks wrong, e.g. a whole class absent.",
    ),
    Template(
        "coordinator_digest",
        Audience.COORDINATOR,
        (Text(N_("Jouw overzicht van {date}:")), Text(N_("{items}"))),
        description="A coordinator's one daily message: the pupils who need a look, by name "
        "and class, grouped as new, waiting for you and waiting for the family.",
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
        "staff_ack.send_notice",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Genoteerd: de ouders van {first_name} krijgen het bericht nu, in de zachte "
                    "versie."
                )
            ),
        ),
        description="A coordinator let a held guardian notice go.",
    ),
    Template(
        "staff_ack.keep_notice",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Genoteerd: de ouders van {first_name} krijgen geen bericht over deze "
                    "afwezigheid."
                )
            ),
        ),
        description="A coordinator kept a held guardian notice back.",
    ),
    Template(
        "staff_ack.clb_involved",
        Audience.COORDINATOR,
        (
            Text(
                N_(
                    "Genoteerd: het CLB is al betrokken bij {first_name}. Over de CLB-drempel "
                    "krijg je dit schooljaar geen herinnering meer."
                )
            ),
        ),
        description="A coordinator said the CLB is involved already: the case is closed.",
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
