"""Templates for linking an account, choosing a language, stopping, and strangers.

Texts for "anyone" avoid "je" and "u": the bot does not know yet whether a pupil, a parent or
a colleague is writing. Welcome texts exist per audience, because by then it does know.
"""

from __future__ import annotations

from messages._languages import FAMILY_LANGUAGES, autonym
from messages._model import N_, Audience, Button, Offer, Template, Text

__all__ = ["ONBOARDING_TEMPLATES"]

HELP = Offer.HELP
REPLY = Offer.REPLY

# Language names are shown in their own language, so a reader finds theirs whatever the
# message around them is in; the key is what the bot receives.
LANGUAGE_BUTTONS = tuple(
    Button(f"lang:{lang}", autonym(lang), translatable=False) for lang in FAMILY_LANGUAGES
)

# Translators: the parts of the day a parent can choose for the school's messages: before noon,
# after noon (until 16:00), and from 16:00 (until the school's last sending hour, 20:00 at most).
MOMENT_BUTTONS = (
    Button("moment:morning", N_("In de voormiddag")),
    Button("moment:afternoon", N_("In de namiddag")),
    Button("moment:evening", N_("Na 16 uur")),
    Button("moment:any", N_("Maakt niet uit")),
)

ONBOARDING_TEMPLATES = (
    Template(
        "onboarding.welcome_pupil",
        Audience.PUPIL,
        (
            Text(N_("Hoi {first_name}, welkom! Je bent nu verbonden met {school}.")),
            Text(
                N_(
                    "Ben je eens niet op school? Dan krijg je hier soms een berichtje met de "
                    "vraag hoe het met je gaat. Je mag altijd antwoorden."
                ),
                REPLY,
            ),
            Text(
                N_("Zit je ergens mee? Stuur hier gerust een berichtje. We helpen je graag."), HELP
            ),
            Text(N_("Wil je geen berichten meer? Stuur dan /stop.")),
        ),
        description="A pupil linked their account with an invitation code.",
    ),
    Template(
        "onboarding.welcome_guardian",
        Audience.GUARDIAN,
        (
            Text(N_("Welkom! U bent nu verbonden met {school} voor {first_name}.")),
            Text(
                N_(
                    "Is {first_name} afwezig en kennen we de reden nog niet? Dan stelt de "
                    "school u hier een korte vraag. U kunt dan een antwoord kiezen of een "
                    "bericht sturen."
                ),
                REPLY,
            ),
            Text(N_("Hebt u een vraag? U kunt altijd terecht bij {contact}."), HELP),
            Text(N_("Wilt u geen berichten meer? Stuur dan /stop.")),
        ),
        (
            Button("language", N_("Een andere taal kiezen")),
            Button("moment", N_("Een moment kiezen")),
        ),
        "A guardian linked their account with an invitation code.",
    ),
    Template(
        "onboarding.welcome_guardian_general",
        Audience.GUARDIAN,
        (
            Text(N_("Welkom! U bent nu verbonden met {school}.")),
            Text(N_("Hebt u intussen een vraag? Antwoord gerust op dit bericht."), HELP | REPLY),
            Text(N_("Wilt u geen berichten meer? Stuur dan /stop.")),
        ),
        description="A guardian linked their account, but the school may not contact them "
        "about any child (roster, rules file or an adult pupil's choice): a welcome that names "
        "no child and no staff member.",
    ),
    Template(
        "onboarding.moment_choice",
        Audience.GUARDIAN,
        (
            Text(
                N_(
                    "Wanneer komt een bericht van de school u het best uit? Kies hieronder een "
                    "moment."
                ),
                REPLY,
            ),
            Text(N_("U kunt dit altijd wijzigen met /momenten.")),
            Text(N_("Vragen? De school helpt graag verder."), HELP),
        ),
        MOMENT_BUTTONS,
        "A guardian chooses the part of the day for the school's messages (/momenten).",
    ),
    Template(
        "onboarding.moment_saved",
        Audience.GUARDIAN,
        (
            Text(N_("Dank u, dat is genoteerd.")),
            Text(N_("Wilt u het later anders? Stuur dan /momenten."), REPLY),
            Text(N_("Vragen? De school helpt graag verder."), HELP),
        ),
        description="A guardian chose the part of the day for the school's messages.",
    ),
    Template(
        "onboarding.welcome_staff",
        Audience.TEACHER,
        (
            Text(N_("Welkom bij Gemist, {first_name}! Je bent nu verbonden met {school}.")),
            Text(
                N_(
                    "Hier krijg je een seintje voordat een leerling na een lange afwezigheid "
                    "terugkomt. Begeleid je leerlingen, dan krijg je hier ook de meldingen die "
                    "opvolging vragen."
                )
            ),
        ),
        description="A teacher or coordinator linked their account; first_name is theirs.",
    ),
    Template(
        "onboarding.language_choice",
        Audience.ANYONE,
        (
            Text(N_("Welke taal past het best? Kies hieronder een taal."), REPLY),
            Text(
                N_("Voor ouders staat de Nederlandse tekst van de school er altijd bij."),
            ),
            Text(N_("Vragen? De school helpt graag verder."), HELP),
        ),
        LANGUAGE_BUTTONS,
        "Choosing the language of the messages.",
    ),
    Template(
        "onboarding.stop_confirm",
        Audience.ANYONE,
        (
            Text(
                N_("Geen berichten meer ontvangen van Gemist? Bevestig het dan hieronder."), REPLY
            ),
            Text(N_("Vragen? De school helpt graag verder."), HELP),
        ),
        (Button("stop_yes", N_("Ja, stoppen")), Button("stop_no", N_("Nee, toch niet"))),
        "Asks to confirm /stop.",
    ),
    Template(
        "onboarding.stop",
        Audience.ANYONE,
        (
            Text(N_("Gestopt: er komen geen berichten meer van Gemist.")),
            Text(
                N_(
                    "Toch weer berichten ontvangen? Laat het de school gerust weten en vraag een "
                    "nieuwe uitnodiging."
                ),
                REPLY,
            ),
            Text(N_("Vragen? De school helpt graag verder."), HELP),
        ),
        description="Confirms /stop.",
    ),
    Template(
        "onboarding.unknown_code",
        Audience.ANYONE,
        (
            Text(N_("Deze code werkt niet. Misschien is ze verlopen, of zit er een tikfout in.")),
            Text(N_("Probeer het nog eens, of vraag een nieuwe code aan de school."), HELP | REPLY),
        ),
        description="An invitation code that is unknown, used or expired.",
    ),
    Template(
        "onboarding.stranger",
        Audience.ANYONE,
        (
            Text(N_("Hallo! Dit is Gemist, de berichtendienst van een school.")),
            Text(
                N_(
                    "Om hier berichten te krijgen, is een persoonlijke code van de school "
                    "nodig. Vraag die aan het secretariaat van de school."
                ),
                HELP,
            ),
            Text(N_("Een code gekregen? Stuur de code hier, dan gaan we van start."), REPLY),
        ),
        description="Someone not linked writes to the bot.",
    ),
)
