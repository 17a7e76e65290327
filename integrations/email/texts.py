"""The e-mail's own words: section labels, link captions, the footer, a fallback subject.

They are not templates (a school does not reword them), so they live in a gettext domain of
their own, ``email``: ``locales/<lang>/LC_MESSAGES/email.po``, read and compiled in memory at
first use like the messages' catalogs. The Dutch text is the msgid. Guardians are addressed
with "u", pupils with "je"; staff get the "u" texts, which read well in every staff language.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from integrations.layout.catalogs import LOCALES_DIR, Catalogs
from integrations.layout.html import Wording
from messages import SOURCE_LANGUAGE

__all__ = ["DOMAIN", "LOCALES_DIR", "MSGIDS", "EmailCatalogs", "Wording", "wording"]

DOMAIN = "email"


def N_(message: str) -> str:
    """Mark a Dutch text for the ``email`` catalogs."""
    return message


# Translators: the label above the Dutch original, under the reader's own language.
ORIGINAL = N_("Oorspronkelijke tekst in het Nederlands")
# Translators: above the answer links, to a parent (polite form).
CHOOSE_U = N_("Kies hier uw antwoord:")
# Translators: above the answer links, to a pupil (familiar form).
CHOOSE_JE = N_("Kies hier je antwoord:")
# Translators: under the answer links: a link opens a page with one button to confirm.
CONFIRM_U = N_("U bevestigt uw antwoord daarna nog op de pagina die opent.")
CONFIRM_JE = N_("Je bevestigt je antwoord daarna nog op de pagina die opent.")
# Translators: a link to a page with a text box, to write to the school in one's own words.
OTHER = N_("Iets anders laten weten")
# Translators: the subject when the message has none of its own.
SUBJECT = N_("Bericht van {school}")
# Translators: the footer says why the reader gets this e-mail ({school} is the school's name).
WHY_GUARDIAN = N_(
    "U krijgt deze e-mail omdat u bij {school} bekend bent als ouder van een leerling."
)
WHY_PUPIL = N_("Je krijgt deze e-mail omdat je leerling bent bij {school}.")
WHY_STAFF = N_("U krijgt deze e-mail omdat u bij {school} werkt.")
# Translators: replies go to the school's mailbox, where a person reads them.
REPLY_U = N_("U kunt ook gewoon op deze e-mail antwoorden.")
REPLY_JE = N_("Je kunt ook gewoon op deze e-mail antwoorden.")
# Translators: before the link that stops these e-mails.
STOP_U = N_("Wilt u geen e-mails meer van ons?")
STOP_JE = N_("Wil je geen e-mails meer van ons?")
# Translators: the link that stops these e-mails.
UNSUBSCRIBE = N_("Afmelden")

MSGIDS = (
    ORIGINAL, CHOOSE_U, CHOOSE_JE, CONFIRM_U, CONFIRM_JE, OTHER, SUBJECT, WHY_GUARDIAN,
    WHY_PUPIL, WHY_STAFF, REPLY_U, REPLY_JE, STOP_U, STOP_JE, UNSUBSCRIBE,
)  # fmt: skip
"""Every text of the domain: each catalog must translate all of them."""


class EmailCatalogs(Catalogs):
    """The ``email`` catalogs under one ``locales`` folder, each compiled once."""

    def __init__(self, root: Path = LOCALES_DIR) -> None:
        super().__init__(DOMAIN, root)


_CATALOGS = EmailCatalogs()


def wording(lang: str, role: str, school: str, catalogs: EmailCatalogs = _CATALOGS) -> Wording:
    """The e-mail's texts for a reader of ``lang`` in ``role`` (``guardian``, ``pupil``, a
    member of staff) at ``school``."""
    texts = catalogs.get(lang) if lang != SOURCE_LANGUAGE else gettext.NullTranslations()
    say = texts.gettext
    familiar = role == "pupil"
    why = WHY_PUPIL if familiar else WHY_GUARDIAN if role == "guardian" else WHY_STAFF
    return Wording(
        lang=lang,
        original=say(ORIGINAL),
        choose=say(CHOOSE_JE if familiar else CHOOSE_U),
        confirm=say(CONFIRM_JE if familiar else CONFIRM_U),
        other=say(OTHER),
        subject=say(SUBJECT).format(school=school),
        why=say(why).format(school=school),
        reply=say(REPLY_JE if familiar else REPLY_U),
        stop=say(STOP_JE if familiar else STOP_U),
        unsubscribe=say(UNSUBSCRIBE),
    )
