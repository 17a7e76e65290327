"""Templates for pupils: check-ins and the answers to their quick replies.

Pupils are addressed with "je". Every text shows that someone noticed and cares, never asks
for a reason as if one were owed, and leaves a door open (DOMAIN.md, principles 1, 2 and 9).
"""

from __future__ import annotations

from messages._model import N_, Audience, Button, Offer, Template, Text

__all__ = ["PUPIL_TEMPLATES"]

HELP = Offer.HELP
REPLY = Offer.REPLY

# The pupil's quick replies (CONTRACTS.md section 2). "return" asks for a date next.
SICK = Button("sick", N_("Ik ben ziek"))
NOT_GOOD = Button("not_good", N_("Het gaat niet zo goed"))
WANT_TO_TALK = Button("want_to_talk", N_("Ik wil even praten"))
RATHER_NOT_SAY = Button("rather_not_say", N_("Zeg ik liever niet"))
RETURN = Button("return", N_("Ik weet wanneer ik terugkom"))
AT_SCHOOL = Button("at_school", N_("Ik ben wel op school"))

# Translators: the sign-off of a message to a pupil; {sender} is a name with a role.
SIGNED = Text(N_("Groetjes,\n{sender}"))

PUPIL_TEMPLATES = (
    Template(
        "pupil_checkin.first",
        Audience.PUPIL,
        (
            Text(N_("Hoi {first_name}, ik heb je vandaag gemist op school.")),
            Text(
                N_(
                    "Ik hoop dat het goed met je gaat. Laat je even weten hoe het is? Tik op "
                    "een knop hieronder of stuur me gewoon een berichtje."
                ),
                REPLY,
            ),
            Text(N_("Zit je ergens mee? Misschien kan ik iets voor je doen."), HELP),
            SIGNED,
        ),
        (SICK, NOT_GOOD, WANT_TO_TALK, RATHER_NOT_SAY, AT_SCHOOL),
        "First day of an absence episode, to the pupil first (principle 1).",
    ),
    Template(
        "pupil_checkin.followup",
        Audience.PUPIL,
        (
            Text(N_("Hoi {first_name}, je bent al een tijdje niet op school. Ik denk aan je.")),
            Text(
                N_(
                    "Hoe gaat het nu met je? Je mag antwoorden met een knop hieronder of met "
                    "een paar woorden."
                ),
                REPLY,
            ),
            Text(
                N_(
                    "Kan ik of iemand anders op school je ergens mee helpen? Zeg het gerust. "
                    "Je staat er niet alleen voor."
                ),
                HELP,
            ),
            SIGNED,
        ),
        (SICK, NOT_GOOD, WANT_TO_TALK, RETURN),
        "A later, spaced check-in during a long absence.",
    ),
    Template(
        "pupil_checkin.welcome_back",
        Audience.PUPIL,
        (
            Text(N_("Hoi {first_name}, fijn dat je er weer bent! We hebben je gemist.")),
            Text(N_("Terugkomen na een tijdje weg kan spannend zijn. Dat is heel normaal.")),
            Text(
                N_(
                    "Kan ik je ergens mee helpen, bijvoorbeeld met de lessen die je gemist "
                    "hebt? Stuur me een berichtje of kom gewoon even langs."
                ),
                HELP | REPLY,
            ),
            SIGNED,
        ),
        (WANT_TO_TALK,),
        "On the first day back after a long absence.",
    ),
    Template(
        "pupil_ack.sick",
        Audience.PUPIL,
        (
            Text(N_("Dank je om het te laten weten, {first_name}. Beterschap, rust goed uit!")),
            Text(
                N_(
                    "Heb je iets nodig, zoals hulp met de lessen die je mist? Stuur me gerust "
                    "een berichtje."
                ),
                HELP | REPLY,
            ),
        ),
        description="The pupil tapped 'I am sick'.",
    ),
    Template(
        "pupil_ack.not_good",
        Audience.PUPIL,
        (
            Text(N_("Dank je dat je het me vertelt, {first_name}. Dat is moedig.")),
            Text(
                N_(
                    "Je staat er niet alleen voor. Ik neem snel contact met je op, zodat we "
                    "samen kunnen kijken wat helpt."
                ),
                HELP,
            ),
            Text(N_("Wil je al iets vertellen? Dat mag hier, in een berichtje."), REPLY),
        ),
        (WANT_TO_TALK,),
        "The pupil tapped 'not going well'; the coordinator is nudged too.",
    ),
    Template(
        "pupil_ack.want_to_talk",
        Audience.PUPIL,
        (
            Text(
                N_(
                    "Goed dat je het vraagt, {first_name}. Ik neem zo snel mogelijk contact "
                    "met je op om een moment af te spreken."
                ),
                HELP,
            ),
            Text(
                N_("Wil je intussen al iets vertellen? Stuur me gerust een berichtje."),
                REPLY,
            ),
        ),
        description="The pupil asked to talk; the coordinator is nudged at once.",
    ),
    Template(
        "pupil_ack.rather_not_say",
        Audience.PUPIL,
        (
            Text(N_("Dat is helemaal oké, {first_name}. Je hoeft niets uit te leggen.")),
            Text(
                N_(
                    "Wil je later toch praten, of kan ik iets voor je doen? Stuur me dan "
                    "gewoon een berichtje."
                ),
                HELP | REPLY,
            ),
        ),
        description="The pupil would rather not say; the choice is respected.",
    ),
    Template(
        "pupil_ack.return",
        Audience.PUPIL,
        (
            Text(
                N_(
                    "Fijn dat je het laat weten, {first_name}! We kijken ernaar uit om je "
                    "terug te zien op {date}."
                )
            ),
            Text(
                N_(
                    "Is er iets dat het terugkomen makkelijker maakt? Zeg het gerust in een "
                    "berichtje."
                ),
                HELP | REPLY,
            ),
        ),
        description="The pupil told the date they expect to be back.",
    ),
    Template(
        "pupil_ack.at_school",
        Audience.PUPIL,
        (
            Text(
                N_(
                    "Dank je, {first_name}! Dan hebben we ons misschien vergist. We kijken het "
                    "vandaag nog na."
                )
            ),
            Text(
                N_("Heb je een vraag of wil je iets vertellen? Stuur ons gerust een berichtje."),
                HELP | REPLY,
            ),
        ),
        description="The pupil says they are at school after all; the register is checked.",
    ),
    Template(
        "pupil_correction",
        Audience.PUPIL,
        (
            Text(
                N_(
                    "Hoi {first_name}, je was op {date} toch op school. Dat was ons foutje in "
                    "de registratie. Sorry voor ons bericht!"
                )
            ),
            Text(N_("Heb je nog een vraag? Stuur ons gerust een berichtje."), HELP | REPLY),
            SIGNED,
        ),
        description="A check-in turned out to be wrong: the register was corrected.",
    ),
    Template(
        "pupil_return_choice",
        Audience.PUPIL,
        (
            Text(N_("Wanneer denk je terug naar school te komen? Tik op een dag."), REPLY),
            Text(
                N_(
                    "Weet je het nog niet? Geen probleem, neem gerust contact op met een berichtje."
                ),
                HELP,
            ),
        ),
        description="After the return button: the next school days as buttons.",
    ),
    Template(
        "pupil_ack.free_text",
        Audience.PUPIL,
        (
            Text(
                N_(
                    "Dank je voor je bericht, {first_name}. Ik lees het zo snel mogelijk en "
                    "laat iets van me horen."
                )
            ),
            Text(
                N_("Heb je intussen hulp nodig? Stuur gerust nog een berichtje."),
                HELP | REPLY,
            ),
        ),
        description="The pupil wrote something in their own words.",
    ),
)
