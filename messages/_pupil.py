"""Templates for pupils: check-ins and the answers to their quick replies.

Pupils are addressed with "je", and the school speaks as "we": a message from one adult who
"missed you" reads as too close, in some languages as romantic. Every text shows that someone
noticed and cares, never asks for a reason as if one were owed, and leaves a door open.

The answers to "not going well", "I want to talk" and a pupil's own words say honestly when a
person will read them: today, when the school day and the sending hours are still on, else the
next school day (the ``.later`` variants). Each says where to go at once when it cannot wait:
the helpline of the school's configuration (Awel, 102, by default) and the emergency number.
"""

from __future__ import annotations

from messages._model import N_, Audience, Button, Offer, Template, Text

__all__ = ["PUPIL_TEMPLATES"]

HELP = Offer.HELP
REPLY = Offer.REPLY

# The pupil's quick replies (docs/contracts.md). "return" asks for a date next.
SICK = Button("sick", N_("Ik ben ziek"))
NOT_GOOD = Button("not_good", N_("Het gaat niet zo goed"))
WANT_TO_TALK = Button("want_to_talk", N_("Ik wil even praten"))
RATHER_NOT_SAY = Button("rather_not_say", N_("Zeg ik liever niet"))
RETURN = Button("return", N_("Ik weet wanneer ik terugkom"))
AT_SCHOOL = Button("at_school", N_("Ik ben wel op school"))

# Translators: the sign-off of a message to a pupil; {sender} is a name with a role.
SIGNED = Text(N_("Groetjes,\n{sender}"))

# When a person will read what the pupil sent (a tap or their own words).
READ_TODAY = Text(N_("Iemand van de school leest dit vandaag nog."))
READ_LATER = Text(N_("Iemand van de school leest dit op de volgende schooldag."))
# Translators: {helpline} is a free helpline for young people (Awel in Flanders),
# {helpline_phone} its number, {helpline_chat} the web address of its chat, {emergency} the
# number for danger (112). Keep the numbers as they are.
HELP_NOW = Text(
    N_(
        "Kan het niet wachten? Praat dan meteen met {helpline}: bel {helpline_phone} of chat op "
        "{helpline_chat}. Ben je in gevaar? Bel {emergency}."
    ),
    HELP,
)


def _timed(
    template_id: str,
    opening: tuple[Text, ...],
    answer: Text,
    buttons: tuple[Button, ...],
    description: str,
) -> tuple[Template, Template]:
    """An answer to something that needs a person: read today (``template_id``) or on the next
    school day (``template_id.later``), and where to go when it cannot wait."""
    return (
        Template(
            template_id,
            Audience.PUPIL,
            (*opening, READ_TODAY, HELP_NOW, answer),
            buttons,
            f"{description} Sent while a person can still read it today.",
        ),
        Template(
            f"{template_id}.later",
            Audience.PUPIL,
            (*opening, READ_LATER, HELP_NOW, answer),
            buttons,
            f"{description} Sent outside the school day or the sending hours.",
        ),
    )


def _at_school() -> tuple[Template, ...]:
    """``pupil_ack.at_school``: honest about the day. It names the day of the absence when the
    tap comes on a later day (``.on_date``), and says the register is checked today only while
    someone can still do it today (else ``.later``: on the next school day)."""
    thanks = {
        "": N_(
            "Dank je, {first_name}! Dan hebben we ons misschien vergist. We kijken het "
            "vandaag nog na."
        ),
        ".later": N_(
            "Dank je, {first_name}! Dan hebben we ons misschien vergist. We kijken het na op "
            "de volgende schooldag."
        ),
        ".on_date": N_(
            "Dank je, {first_name}! Dan hebben we ons op {date} misschien vergist. We kijken "
            "het vandaag nog na."
        ),
        ".on_date.later": N_(
            "Dank je, {first_name}! Dan hebben we ons op {date} misschien vergist. We kijken "
            "het na op de volgende schooldag."
        ),
    }
    when = {
        "": "today, while the register can still be checked today",
        ".later": "today, after the school day or outside the sending hours",
        ".on_date": "on a later day about an earlier absence, during the school day",
        ".on_date.later": "on a later day about an earlier absence, outside the school day",
    }
    return tuple(
        Template(
            f"pupil_ack.at_school{variant}",
            Audience.PUPIL,
            (
                Text(wording),
                Text(
                    N_(
                        "Heb je een vraag of wil je iets vertellen? Stuur ons gerust een berichtje."
                    ),
                    HELP | REPLY,
                ),
            ),
            description="The pupil says they are at school after all; the register is checked. "
            f"Tapped {when[variant]}.",
        )
        for variant, wording in thanks.items()
    )


PUPIL_TEMPLATES = (
    Template(
        "pupil_checkin.first",
        Audience.PUPIL,
        (
            Text(N_("Hoi {first_name}, we hebben je vandaag gemist op school.")),
            Text(
                N_(
                    "We hopen dat het goed met je gaat. Laat je even weten hoe het is? Kies "
                    "hieronder een antwoord of stuur ons gewoon een berichtje."
                ),
                REPLY,
            ),
            Text(N_("Zit je ergens mee? Misschien kunnen we iets voor je doen."), HELP),
            SIGNED,
        ),
        (SICK, NOT_GOOD, WANT_TO_TALK, RATHER_NOT_SAY, AT_SCHOOL),
        "First day of an absence episode, to the pupil first (principle 1).",
    ),
    Template(
        "pupil_checkin.followup",
        Audience.PUPIL,
        (
            Text(N_("Hoi {first_name}, je bent al een tijdje niet op school. We denken aan je.")),
            Text(
                N_(
                    "Hoe gaat het nu met je? Kies hieronder een antwoord, of stuur ons een paar "
                    "woorden."
                ),
                REPLY,
            ),
            Text(
                N_("Kunnen we je ergens mee helpen? Zeg het gerust. Je staat er niet alleen voor."),
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
                    "Kunnen we je ergens mee helpen, bijvoorbeeld met de lessen die je gemist "
                    "hebt? Stuur ons een berichtje of kom gewoon even langs."
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
                    "Heb je iets nodig, zoals hulp met de lessen die je mist? Stuur ons gerust "
                    "een berichtje."
                ),
                HELP | REPLY,
            ),
        ),
        description="The pupil tapped 'I am sick'.",
    ),
    Template(
        "pupil_ack.rather_not_say",
        Audience.PUPIL,
        (
            Text(N_("Dat is helemaal oké, {first_name}. Je hoeft niets uit te leggen.")),
            Text(
                N_(
                    "Wil je later toch praten, of kunnen we iets voor je doen? Stuur ons dan "
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
    *_at_school(),
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
            Text(N_("Wanneer denk je terug naar school te komen? Kies hieronder een dag."), REPLY),
            Text(
                N_(
                    "Weet je het nog niet? Geen probleem, neem gerust contact op met een berichtje."
                ),
                HELP,
            ),
        ),
        description="After the return button: the next school days as buttons.",
    ),
    *_timed(
        "pupil_ack.not_good",
        (
            Text(N_("Dank je dat je het ons vertelt, {first_name}. Dat is moedig.")),
            Text(
                N_(
                    "Je staat er niet alleen voor. We nemen contact met je op, zodat we samen "
                    "kunnen kijken wat helpt."
                ),
                HELP,
            ),
        ),
        Text(N_("Wil je al iets vertellen? Dat mag hier, in een berichtje."), REPLY),
        (WANT_TO_TALK,),
        "The pupil tapped 'not going well'; the coordinator is nudged too.",
    ),
    *_timed(
        "pupil_ack.want_to_talk",
        (
            Text(
                N_(
                    "Goed dat je het vraagt, {first_name}. We nemen contact met je op om een "
                    "moment af te spreken."
                ),
                HELP,
            ),
        ),
        Text(N_("Wil je intussen al iets vertellen? Stuur ons gerust een berichtje."), REPLY),
        (),
        "The pupil asked to talk; the coordinator is nudged at once.",
    ),
    *_timed(
        "pupil_ack.free_text",
        (Text(N_("Dank je voor je bericht, {first_name}. We laten iets van ons horen.")),),
        Text(N_("Wil je nog iets vertellen? Stuur ons gerust nog een berichtje."), REPLY),
        (),
        "The pupil wrote something in their own words.",
    ),
)
