"""Printed invitation letters: one per pupil, guardian or staff member (``gemist invite --pdf``).

A letter is read on paper, before the reader has ever seen Gemist, so it says what Gemist is,
how to link a phone (the QR code or the link printed beside it, see :mod:`bot.letters`), that
the code is personal and works once until a date, how to stop, and whom to ask. It never says
"here" (there is no chat yet) and never promises more than the bot does.

The guardian's letter follows the language law like every guardian message: the renderer puts
the translation first, labelled, and the Dutch original after it. Paragraphs that the bot's own
messages already say the same way reuse their texts, so translators see them once.
"""

from __future__ import annotations

from messages._guardian import GREETING
from messages._guardian import SIGNED as SIGNED_FORMALLY
from messages._model import N_, Audience, Offer, Template, Text
from messages._pupil import SIGNED as SIGNED_FOR_PUPILS

__all__ = ["LETTER_TEMPLATES"]

HELP = Offer.HELP
REPLY = Offer.REPLY

LETTER_TEMPLATES = (
    Template(
        "letter.pupil",
        Audience.PUPIL,
        (
            Text(N_("Hoi {first_name},")),
            Text(
                N_(
                    "{school} gebruikt Gemist, een berichtendienst in Telegram. Ben je eens "
                    "niet op school? Dan krijg je soms een kort berichtje: we hebben je gemist, "
                    "hoe gaat het met je? Je kunt antwoorden met één tik of met een "
                    "berichtje."
                ),
                REPLY,
            ),
            Text(
                # Translators: how to link, on a printed letter; the QR code and the link are
                # printed next to the text. Once the link is open, Telegram shows a button at
                # the bottom of the chat whose label depends on the phone's language: not quoted.
                N_(
                    "Zo begin je: richt de camera van je telefoon op de QR-code. Telegram opent "
                    "dan Gemist met jouw code. Tik onderaan op de knop om te starten. Of open de "
                    "link naast de QR-code."
                )
            ),
            Text(N_("Nog geen Telegram? Installeer dan eerst de app Telegram op je telefoon.")),
            # Translators: {valid_until} is a date: "donderdag 17 december".
            Text(N_("De code is alleen voor jou en werkt één keer, tot {valid_until}.")),
            Text(N_("Wil je geen berichten meer? Stuur dan /stop.")),
            Text(N_("Zit je ergens mee? Je kunt altijd terecht bij {contact}."), HELP),
            SIGNED_FOR_PUPILS,
        ),
        description="Printed invitation letter for a pupil (gemist invite --pdf).",
    ),
    Template(
        "letter.guardian",
        Audience.GUARDIAN,
        (
            GREETING,
            Text(
                N_(
                    "{school} gebruikt Gemist, een berichtendienst in Telegram. Is uw kind "
                    "afwezig en kennen we de reden nog niet? Dan stelt de school u een korte "
                    "vraag. U kunt antwoorden met één tik of met een bericht."
                ),
                REPLY,
            ),
            Text(
                N_(
                    "Zo begint u: richt de camera van uw telefoon op de QR-code. Telegram opent "
                    "dan Gemist met uw code. Tik onderaan op de knop om te starten. Of open de "
                    "link naast de QR-code."
                )
            ),
            Text(N_("Nog geen Telegram? Installeer dan eerst de app Telegram op uw telefoon.")),
            Text(N_("De code is alleen voor u en werkt één keer, tot {valid_until}.")),
            Text(N_("Wilt u geen berichten meer? Stuur dan /stop.")),
            Text(N_("Hebt u een vraag? U kunt altijd terecht bij {contact}."), HELP),
            SIGNED_FORMALLY,
        ),
        description=(
            "Printed invitation letter for a guardian (gemist invite --pdf): the translation, "
            "then the Dutch original."
        ),
    ),
    Template(
        "letter.staff",
        Audience.TEACHER,
        (
            Text(N_("Dag {first_name},")),
            Text(
                N_(
                    "{school} gebruikt Gemist, een berichtendienst in Telegram. Komt een "
                    "leerling terug na een lange afwezigheid? Dan krijg je vooraf een seintje, "
                    "met tips voor een warm onthaal. Begeleid je leerlingen? Dan krijg je ook "
                    "een seintje wanneer opvolging nodig is."
                )
            ),
            # Colleagues get their own, shorter wording: in French the staff texts say
            # "vous" where the pupils' say "tu", so the two cannot share a catalog entry.
            Text(
                N_(
                    "Koppelen gaat zo: richt de camera van je telefoon op de QR-code, of open de "
                    "link ernaast. Telegram opent dan Gemist met jouw persoonlijke code. Tik "
                    "onderaan op de knop om te starten."
                )
            ),
            Text(N_("Nog geen Telegram? Installeer dan eerst de app.")),
            Text(N_("Deze code is persoonlijk en werkt één keer, tot {valid_until}.")),
            Text(N_("Stoppen kan altijd: stuur /stop.")),
            Text(N_("Vragen over Gemist? Je kunt terecht bij {contact}."), HELP),
            SIGNED_FORMALLY,
        ),
        description="Printed invitation letter for a teacher or coordinator (gemist invite --pdf).",
    ),
)
