"""Templates for guardians: notices, care, corrections and the answers to their quick replies.

Guardians are addressed with "u". A notice asks, it does not reproach (seed 002, 3.1.4); it
says how much school the pupil missed this school year, in school days ("3,5 schooldagen"),
because parents underestimate it, with one line on why missed days add up, and names one
concrete thing the parent can do (docs/domain.md, principle 4). The tip is given once, in the first
notice of the school year; a later one (``guardian_notice.repeat``) proposes a conversation
instead of repeating the first word for word.
"""

from __future__ import annotations

from messages._model import N_, Audience, Button, Days, Nn_, Offer, Template, Text

__all__ = ["GUARDIAN_TEMPLATES"]

HELP = Offer.HELP
REPLY = Offer.REPLY

# The guardian's quick replies (docs/contracts.md).
SICK = Button("sick", N_("Mijn kind is ziek"))
WILL_CONTACT = Button("will_contact_school", N_("Ik neem contact op met de school"))
WANT_A_CALL = Button("want_a_call", N_("Bel mij graag op"))
RETURN = Button("return", N_("Ik weet wanneer mijn kind terugkomt"))
INFORMED = Button("informed_school", N_("Ik heb de school al verwittigd"))
DID_NOT_KNOW = Button("did_not_know", N_("Ik wist het niet"))
NOTICE_BUTTONS = (SICK, WILL_CONTACT, INFORMED, DID_NOT_KNOW, WANT_A_CALL, RETURN)

# Translators: the greeting of a message to a parent or guardian, as in a school letter.
GREETING = Text(N_("Beste ouder,"))
# Translators: the sign-off of a message to a parent; {sender} is a person with a role.
SIGNED = Text(N_("Met vriendelijke groeten,\n{sender}\n{school}"))
# Translators: how much school the pupil missed this school year, in school days. The first
# two forms are whole days ({school_days} is 1, 2, 3...); then exactly one half-day; then a
# number with a half, such as 3,5 (use the form your language takes after such a number).
COUNT = Days(
    Nn_(
        "Dit schooljaar miste {first_name} tot nu toe {school_days} schooldag.",
        "Dit schooljaar miste {first_name} tot nu toe {school_days} schooldagen.",
    ),
    N_("Dit schooljaar miste {first_name} tot nu toe een halve schooldag."),
    N_("Dit schooljaar miste {first_name} tot nu toe {school_days} schooldagen."),
    "missed_half_days",
)
# Why the count matters, without blame: one line, just after the count.
ADDS_UP = Text(
    N_("Losse dagen tellen snel op, en elke gemiste les is leerstof om later in te halen."),
    tight=True,
)

HELPING = Text(
    N_(
        "Kan de school ergens bij helpen? We denken graag met u mee. U kunt ook altijd terecht "
        "bij {contact}."
    ),
    HELP,
)

WANT_A_CALL_THANKS = Text(
    N_(
        "Dank u. We bellen u zo snel mogelijk op, op een schooldag tijdens de schooluren. U "
        "krijgt dan {sender} aan de lijn."
    ),
    HELP,
)
WANT_A_CALL_MOMENT = Text(
    N_("Past een bepaald moment u het best? Laat het ons weten in een bericht."), REPLY
)

GUARDIAN_TEMPLATES = (
    Template(
        "guardian_notice.first",
        Audience.GUARDIAN,
        (
            GREETING,
            Text(N_("{first_name} was op {date} niet op school, en we kennen de reden nog niet.")),
            Text(
                N_(
                    "Kunt u ons laten weten waarom? Kies hieronder een antwoord, of reageer op "
                    "dit bericht."
                ),
                REPLY,
            ),
            COUNT,
            ADDS_UP,
            Text(N_("Een tip: vraag {first_name} vanavond eens rustig hoe het op school gaat.")),
            HELPING,
            SIGNED,
        ),
        NOTICE_BUTTONS,
        "An absence is not explained yet (never when all its codes are justified).",
    ),
    Template(
        "guardian_notice.soft",
        Audience.GUARDIAN,
        (
            GREETING,
            # The pupil already answered (sick, rather not say, a return date). What the pupil
            # said stays between the pupil and the school: only the question is gentler.
            Text(
                N_(
                    "{first_name} was op {date} niet op school. We willen graag weten of alles "
                    "goed gaat met {first_name}."
                )
            ),
            Text(
                N_(
                    "Laat u ons iets weten wanneer het u past? Kies hieronder een antwoord, of "
                    "reageer op dit bericht."
                ),
                REPLY,
            ),
            COUNT,
            ADDS_UP,
            HELPING,
            SIGNED,
        ),
        NOTICE_BUTTONS,
        "As the first notice, gentler: the pupil already answered the check-in.",
    ),
    Template(
        "guardian_notice.followup",
        Audience.GUARDIAN,
        (
            GREETING,
            Text(
                N_(
                    "We stuurden u eerder een bericht over {first_name}, die sinds {date} niet "
                    "op school is. Misschien is dat bericht niet goed aangekomen."
                )
            ),
            Text(N_("We willen graag weten hoe het met {first_name} gaat.")),
            COUNT,
            ADDS_UP,
            Text(
                N_(
                    "Wat u kunt doen: stuur ons een kort antwoord, ook als u de reden nog niet "
                    "weet. Dan zoeken we samen verder."
                ),
                REPLY,
            ),
            Text(
                N_(
                    "Praat u liever met iemand? Kies “Bel mij graag op” of neem contact op met "
                    "{contact}."
                ),
                HELP,
            ),
            SIGNED,
        ),
        NOTICE_BUTTONS,
        "No reassuring answer some school days after the first notice.",
    ),
    Template(
        "guardian_notice.repeat",
        Audience.GUARDIAN,
        (
            GREETING,
            Text(N_("{first_name} was op {date} niet op school, en we kennen de reden nog niet.")),
            Text(
                N_(
                    "We schreven u dit schooljaar al eerder over een afwezigheid. Daarom "
                    "stellen we voor om eens rustig samen te praten, op school of aan de "
                    "telefoon, over hoe het met {first_name} gaat."
                ),
                HELP,
            ),
            COUNT,
            ADDS_UP,
            Text(
                N_(
                    "Past dat voor u? Kies hieronder een antwoord, of reageer op dit bericht. U "
                    "kunt ook altijd terecht bij {contact}."
                ),
                REPLY,
            ),
            SIGNED,
        ),
        NOTICE_BUTTONS,
        "A later notice in the same school year: proposes a conversation, without the tip.",
    ),
    Template(
        "guardian_care",
        Audience.GUARDIAN,
        (
            GREETING,
            Text(
                N_(
                    "{first_name} is al een tijdje niet op school. We denken aan {first_name} "
                    "en aan u."
                )
            ),
            Text(
                N_(
                    "Kunnen we iets doen? We kunnen bijvoorbeeld lesmateriaal doorsturen, of "
                    "samen bekijken hoe {first_name} rustig kan terugkomen."
                ),
                HELP,
            ),
            Text(
                N_(
                    "Laat het ons gerust weten: kies hieronder een antwoord, of stuur een kort "
                    "bericht. U kunt ook terecht bij {contact}."
                ),
                REPLY,
            ),
            SIGNED,
        ),
        (WANT_A_CALL, RETURN),
        "A long absence with a known reason, such as illness: care, not questions.",
    ),
    Template(
        "guardian_correction",
        Audience.GUARDIAN,
        (
            GREETING,
            Text(
                N_(
                    "{first_name} was op {date} toch op school. Ons bericht klopte niet: een "
                    "foutje in onze registratie. Sorry voor de ongerustheid. U hoeft niets te "
                    "doen."
                )
            ),
            Text(
                N_(
                    "Hebt u nog een vraag? Antwoord gerust op dit bericht of neem contact op "
                    "met {contact}."
                ),
                HELP | REPLY,
            ),
            SIGNED,
        ),
        description="An earlier notice turned out to be wrong (a corrected register).",
    ),
    Template(
        "guardian_ack.sick",
        Audience.GUARDIAN,
        (
            Text(N_("Dank u om het te laten weten. We wensen {first_name} een goede beterschap.")),
            # Translators: the Flemish rule for sickness notes, plainly. "Kalenderdagen":
            # every day counts, weekends too.
            Text(
                N_(
                    "Goed om te weten: voor een ziekte van hoogstens 3 kalenderdagen na elkaar "
                    "volstaat een briefje van u, tot 4 keer per schooljaar. Duurt de ziekte "
                    "langer, of is het al de vijfde keer, dan is een doktersattest nodig."
                )
            ),
            Text(
                N_(
                    "Geeft u het mee wanneer {first_name} terugkomt? Zonder briefje of attest "
                    "telt de afwezigheid als problematisch, ook al was {first_name} ziek."
                )
            ),
            Text(
                N_(
                    "Kunnen we iets doen, bijvoorbeeld lesmateriaal doorsturen? Antwoord gerust "
                    "op dit bericht."
                ),
                HELP | REPLY,
            ),
        ),
        description="The guardian tapped 'my child is sick'.",
    ),
    Template(
        "guardian_ack.will_contact_school",
        Audience.GUARDIAN,
        (
            Text(N_("Dank u. We horen graag van u. U kunt terecht bij {contact}.")),
            Text(N_("Hebt u intussen een vraag? Antwoord gerust op dit bericht."), HELP | REPLY),
        ),
        description="The guardian will contact the school.",
    ),
    Template(
        "guardian_ack.want_a_call",
        Audience.GUARDIAN,
        (
            WANT_A_CALL_THANKS,
            WANT_A_CALL_MOMENT,
        ),
        description="The guardian asked to be called; the coordinator is nudged.",
    ),
    Template(
        "guardian_ack.want_a_call.interpreter",
        Audience.GUARDIAN,
        (
            WANT_A_CALL_THANKS,
            Text(
                N_(
                    "Wilt u liever in uw eigen taal praten? Dan regelen we een tolk voor het "
                    "gesprek. Zeg het ons gerust in een bericht."
                ),
                HELP | REPLY,
            ),
            WANT_A_CALL_MOMENT,
        ),
        description="The guardian asked to be called and does not speak Dutch at home: an "
        "interpreter can be arranged; the coordinator is nudged with the language.",
    ),
    Template(
        "guardian_ack.informed_school",
        Audience.GUARDIAN,
        (
            Text(
                N_(
                    "Dank u om het te laten weten. We kijken onze registratie na. U hoeft niets "
                    "meer te doen."
                )
            ),
            Text(
                N_(
                    "Hebt u nog een vraag? Antwoord gerust op dit bericht of neem contact op "
                    "met {contact}."
                ),
                HELP | REPLY,
            ),
        ),
        description="The guardian says the school was told already; the register is checked.",
    ),
    Template(
        "guardian_ack.did_not_know",
        Audience.GUARDIAN,
        (
            Text(N_("Dank u om het ons te laten weten. Goed dat we het nu samen weten.")),
            Text(
                N_(
                    "Wilt u er rustig over praten? Dan neemt {sender} zo snel mogelijk contact "
                    "met u op voor een gesprek. U kunt ook zelf terecht bij {contact}."
                ),
                HELP,
            ),
            Text(N_("Hebt u intussen een vraag? Antwoord gerust op dit bericht."), REPLY),
        ),
        description="The guardian did not know of the absence: no blame, a conversation.",
    ),
    Template(
        "guardian_ack.return",
        Audience.GUARDIAN,
        (
            Text(
                N_(
                    "Dank u om het te laten weten. We kijken ernaar uit om {first_name} terug "
                    "te zien op {date}."
                )
            ),
            Text(
                N_(
                    "Kan de school iets doen om het terugkomen makkelijker te maken? Laat het "
                    "ons gerust weten."
                ),
                HELP | REPLY,
            ),
        ),
        description="The guardian told the date the pupil is expected back.",
    ),
    Template(
        "guardian_return_choice",
        Audience.GUARDIAN,
        (
            Text(
                N_(
                    "Wanneer komt {first_name} naar verwachting terug naar school? Kies "
                    "hieronder een dag."
                ),
                REPLY,
            ),
            Text(
                N_("Weet u het nog niet? Dan kunt u ook gewoon contact opnemen met een bericht."),
                HELP,
            ),
        ),
        description="After the return button: the next school days as buttons.",
    ),
    Template(
        "guardian_ack.free_text",
        Audience.GUARDIAN,
        (
            Text(
                N_(
                    "Dank u voor uw bericht. We geven het door aan {sender}, die zo snel "
                    "mogelijk contact met u opneemt."
                ),
                HELP,
            ),
            Text(N_("Hebt u intussen nog een vraag? Stuur gerust nog een bericht."), REPLY),
        ),
        description="The guardian wrote something in their own words.",
    ),
    Template(
        "guardian_ack.free_text.general",
        Audience.GUARDIAN,
        (
            Text(N_("Dank u voor uw bericht. {school} heeft het goed ontvangen.")),
            Text(N_("Hebt u intussen een vraag? Antwoord gerust op dit bericht."), HELP | REPLY),
        ),
        description="A guardian whom the school may not contact about the child (roster, "
        "rules file or an adult pupil's choice) wrote in their own words: the words reach the "
        "school, and the thanks names no child and no staff member and promises no call.",
    ),
)
