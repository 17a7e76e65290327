"""The subject of every template: the title of an e-mail or a Smartschool message.

A subject is what a reader sees in a list of mail, and what a colleague may read over a
parent's shoulder: short, warm and plain, with the pupil's first name at most, never an absence
code or a word that accuses. It may use only the placeholders the template's text uses, so that
a subject never asks the planner for a value the message did not need.

Subjects are found by template id, then by each shorter prefix of it: ``pupil_ack`` gives one
subject to every answer of a pupil, ``guardian_ack.free_text`` one to both of its variants. A
piece of a larger message (a coordinator's line, a timeline line) has the subject of the message
it is part of, without its values.
"""

from __future__ import annotations

from messages._model import N_

__all__ = ["SUBJECTS", "subject_for"]

# A contact that ended other than by a blocked bot: the channel is named (the e-mail that
# bounced), and the blocked bot's own subject would say Telegram.
_UNREACHABLE_VIA = N_("{first_name} ({class_name}): niet meer bereikbaar via {channel}")
# A parent asked to be called: the subject says so, not that the pupil wants to talk.
_PARENT_CALL = N_("{first_name} ({class_name}): een ouder vraagt om gebeld te worden")

SUBJECTS: dict[str, str] = {
    # Pupils ("je").
    "pupil_checkin.first": N_("We hebben je gemist, {first_name}"),
    "pupil_checkin.followup": N_("We denken aan je, {first_name}"),
    "pupil_checkin.welcome_back": N_("Fijn dat je er weer bent, {first_name}!"),
    "pupil_ack": N_("Dank je, {first_name}"),
    "pupil_correction": N_("Sorry voor ons bericht, {first_name}"),
    "pupil_return_choice": N_("Wanneer kom je terug?"),
    "onboarding.welcome_pupil": N_("Welkom, {first_name}!"),
    # Guardians ("u"). A notice asks a question; it does not announce an absence to whoever
    # sees the inbox.
    "guardian_notice": N_("Een vraag over {first_name}"),
    "guardian_notice.followup": N_("Nog even over {first_name}"),
    "guardian_care": N_("We denken aan {first_name} en aan u"),
    "guardian_correction": N_("Excuses: ons bericht over {first_name} klopte niet"),
    "guardian_ack": N_("Dank u voor uw antwoord"),
    "guardian_ack.free_text": N_("Dank u voor uw bericht"),
    "guardian_return_choice": N_("Wanneer komt {first_name} terug?"),
    "onboarding.welcome_guardian": N_("Welkom bij {school}"),
    "onboarding.welcome_guardian_general": N_("Welkom bij {school}"),
    "onboarding.moment_choice": N_("Wanneer past een bericht u het best?"),
    "onboarding.moment_saved": N_("Dank u, dat is genoteerd"),
    # Anyone, before the bot knows who writes: no form of address.
    "onboarding.language_choice": N_("Een taal kiezen"),
    "onboarding.stop_confirm": N_("Geen berichten meer?"),
    "onboarding.stop": N_("Gestopt: geen berichten meer"),
    "onboarding.unknown_code": N_("Deze code werkt niet"),
    "onboarding.stranger": N_("Hallo, dit is Gemist"),
    "letter": N_("{school} gebruikt Gemist"),
    # Staff ("je"). A nudge starts with the pupil, then says the reason in a few words.
    "onboarding.welcome_staff": N_("Welkom bij Gemist, {first_name}!"),
    "desk_signin": N_("Je link om je aan te melden bij Gemist"),
    "teacher_welcome": N_("{first_name} ({class_name}) komt terug op {date}"),
    "coordinator_nudge.clb_threshold": N_("{first_name} ({class_name}): de CLB-drempel is bereikt"),
    "coordinator_nudge.asks_to_talk": N_(
        "{first_name} ({class_name}): wil graag met iemand praten"
    ),
    "coordinator_nudge.call_interpreter": N_(
        "{first_name} ({class_name}): een ouder vraagt om gebeld te worden"
    ),
    "coordinator_nudge.parent_call": _PARENT_CALL,
    "coordinator_nudge.parent_call_no_relation": _PARENT_CALL,
    "coordinator_nudge.parent_call_unnamed": _PARENT_CALL,
    "coordinator_nudge.check_register": N_(
        "{first_name} ({class_name}): het bericht aan de ouders wacht op jou"
    ),
    "coordinator_nudge.held_notice": N_(
        "{first_name} ({class_name}): het bericht aan de ouders wacht op jou"
    ),
    "coordinator_nudge.held_talk": N_(
        "{first_name} ({class_name}): het bericht aan de ouders wacht op jou"
    ),
    "coordinator_nudge.informed_school": N_("{first_name} ({class_name}): registratie nakijken"),
    "coordinator_nudge.did_not_know": N_("{first_name} ({class_name}): een ouder wist het niet"),
    "coordinator_nudge.no_answer": N_("{first_name} ({class_name}): nog geen antwoord"),
    "coordinator_nudge.pattern": N_("{first_name} ({class_name}): een patroon in de afwezigheden"),
    "coordinator_nudge.absent_half_days": N_("{first_name} ({class_name}): vaak afwezig"),
    "coordinator_nudge.unacknowledged": N_("{first_name} ({class_name}): staat nog open"),
    "coordinator_nudge.unreachable": N_(
        "{first_name} ({class_name}): niet meer bereikbaar via Telegram"
    ),
    "coordinator_nudge.unreachable_pupil": N_(
        "{first_name} ({class_name}): niet meer bereikbaar via Telegram"
    ),
    "coordinator_nudge.unreachable.bounced": _UNREACHABLE_VIA,
    "coordinator_nudge.unreachable.unsubscribed": _UNREACHABLE_VIA,
    "coordinator_nudge.unreachable_pupil.bounced": _UNREACHABLE_VIA,
    "coordinator_nudge.unreachable_pupil.unsubscribed": _UNREACHABLE_VIA,
    "hold_alert": N_("Berichten voor {class_name} wachten op jou"),
    "coordinator_digest": N_("Jouw overzicht van {date}"),
    "coordinator_forward": N_("Bericht over {first_name} ({class_name})"),
    "staff_snooze_choice": N_("Wanneer wil je een herinnering?"),
    "staff_return_choice": N_("Wanneer komt {first_name} terug?"),
    "staff_pause_choice": N_("Berichten pauzeren voor {first_name}"),
    "staff_ack": N_("Genoteerd"),
    "staff_ack.read": N_("Dank je!"),
    # Pieces of a coordinator's message and of a timeline.
    "coordinator_line": N_("Opvolging van leerlingen"),
    "coordinator_subject": N_("Opvolging van leerlingen"),
    "coordinator_digest.item": N_("Jouw overzicht"),
    "coordinator_digest.new": N_("Jouw overzicht"),
    "coordinator_digest.you": N_("Jouw overzicht"),
    "coordinator_digest.family": N_("Jouw overzicht"),
    "coordinator_digest.button": N_("Jouw overzicht"),
    "coordinator_digest.buttons": N_("Jouw overzicht"),
    "timeline.header": N_("Tijdlijn van {first_name} ({class_name})"),
    "timeline": N_("Tijdlijn van een leerling"),
}


def subject_for(template_id: str) -> str | None:
    """The subject of ``template_id``: its own, else the one of the closest prefix of its id."""
    parts = template_id.split(".")
    for end in range(len(parts), 0, -1):
        found = SUBJECTS.get(".".join(parts[:end]))
        if found is not None:
            return found
    return None
