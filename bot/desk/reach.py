"""*Bereik*: who cannot be reached, why, and what the school can do about it.

For the pupils in scope and the guardians the school may contact about them
(:func:`bot.consent.guardian_consent`: a guardian who may not be contacted is not missing, they
are left alone on purpose, and is not listed), one row per problem:

- ``bounced``, ``blocked``, ``unsubscribed``: a contact that ended
  (:data:`bot.contacts.ENDED`), with its channel and since when; listed even when another
  contact still reaches the person (``reached_on`` says which), because an address that
  bounced wants correcting all the same;
- ``invitation_unused``: nothing reaches the person, and their latest invitation was never
  used (a letter that did not arrive, or was put aside);
- ``no_contact``: nothing reaches the person and there is nothing to wait for. A pupil with no
  contact of their own is listed only when nobody around them is reached either: a child whose
  parent gets the messages is not a problem to fix.

Who is reached is decided as the planner decides it (:func:`bot.contacts.reach`, with the
school's channel order): a phone number reaches nobody, it is how a coordinator calls.

Rows of families nobody reaches come first, then the most recent problem first. Each row says
what the school can do (``remedies``) and whom a printed invitation letter would be for
(``letter``: :mod:`bot.letters` makes it, with a new code from ``gemist invite --person``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.consent import guardian_consent
from bot.contacts import DEFAULT_ORDER, ENDED, ChannelOrder, ContactState, Reachable
from bot.desk.scope import DEFAULT_SIZE, Page, Scope, paginate
from bot.domain import age_on
from bot.models import Contact, Guardian, GuardianLink, Invitation, Pupil, SchoolClass
from bot.rules import Rules

__all__ = ["REASONS", "REMEDIES", "LetterFor", "PupilRef", "Unreached", "unreached"]

REASONS = ("bounced", "blocked", "unsubscribed", "invitation_unused", "no_contact")
REMEDIES: dict[str, tuple[str, ...]] = {
    # The address is wrong: the school's records hold the right one, an import brings it back.
    "bounced": ("correct_address", "print_letter"),
    # They blocked the bot: a new letter lets them link a chat again, if they want to.
    "blocked": ("print_letter",),
    # Their own choice, kept: a person talks with them; a letter only if they ask for one.
    "unsubscribed": ("talk_in_person",),
    "invitation_unused": ("print_letter",),
    "no_contact": ("add_address", "print_letter"),
}
"""What the school can do, per reason: ``correct_address`` (fix the address at its source and
import the roster again), ``add_address`` (the roster holds no address to use), ``print_letter``
(an invitation letter, :attr:`Unreached.letter`), ``talk_in_person``."""


@dataclass(frozen=True, slots=True)
class PupilRef:
    """A pupil a row is about (a guardian's child in scope, or the pupil themself)."""

    pupil: int
    """The pupil's database id (the opaque id for the pupil's page)."""
    first_name: str
    last_name: str
    class_name: str


@dataclass(frozen=True, slots=True)
class LetterFor:
    """Whom an invitation letter is for: ``role`` (``pupil`` or ``guardian``), their database
    id ``person`` and roster id (what ``gemist invite --role ROLE --person ID`` takes)."""

    role: str
    person: int
    roster_id: str


@dataclass(frozen=True, slots=True)
class Unreached:
    role: str
    """``pupil`` or ``guardian``."""
    person: int
    """The database id in that table."""
    roster_id: str
    first_name: str
    last_name: str
    relation: str | None
    """A guardian's relation to the (first) pupil (``moeder``)."""
    pupils: tuple[PupilRef, ...]
    """The pupils in scope the row is about."""
    reason: str
    """One of :data:`REASONS`."""
    channel: str | None
    """The channel of the contact that ended; None for the other reasons."""
    address: str | None
    """For ``bounced``: the address that came back, to correct at its source; else None."""
    since: dt.datetime | None
    """When the contact ended, or when the unused invitation was made; None: not known."""
    reached_on: str | None
    """The channel that reaches the person today; None: nothing does."""
    family_reached: bool
    """Whether each pupil of the row is still reached through somebody (the pupil or a
    guardian who may be contacted)."""
    invitation_expires: dt.datetime | None
    """For ``invitation_unused``: until when its code works (it may be past)."""
    remedies: tuple[str, ...]
    """What the school can do (:data:`REMEDIES`)."""
    letter: LetterFor


async def unreached(
    conn: AsyncConnection,
    scope: Scope,
    *,
    rules: Rules,
    today: dt.date,
    channels: ChannelOrder = DEFAULT_ORDER,
    reasons: Collection[str] | None = None,
    page: int = 1,
    size: int = DEFAULT_SIZE,
) -> Page[Unreached]:
    """The reach problems of the pupils in ``scope`` and their families (only those of
    ``reasons``, when given), families nobody reaches first, one page."""
    unknown = set(reasons or ()) - set(REASONS)
    if unknown:
        raise ValueError(f"unknown reasons {sorted(unknown)}: expected some of {REASONS}")
    pupils = await _pupils(conn, scope)
    links = await _links(conn, scope, pupils, rules, today)
    contacts = await _contacts(conn, scope)
    invited = await _invitations(conn, scope)
    reached = {person: channels.reach(found) for person, found in contacts.items()}

    def reaches(key: tuple[str, int]) -> str | None:
        found = reached.get(key)
        return None if found is None else found.channel

    family = {
        pupil: reaches(("pupil", pupil)) is not None
        or any(reaches(("guardian", g.guardian)) is not None for g in links.get(pupil, ()))
        for pupil in pupils
    }
    people: list[_Person] = []
    for pupil, about in pupils.items():
        people.append(_Person("pupil", pupil, about.roster_id, about.first, about.last, None,
                              (about.ref,), only_if_alone=True))  # fmt: skip
    per_guardian: dict[int, list[_Link]] = defaultdict(list)
    for guardians in links.values():
        for link in guardians:
            per_guardian[link.guardian].append(link)
    for guardian, mine in per_guardian.items():
        first = mine[0]
        refs = tuple(pupils[link.pupil].ref for link in mine)
        people.append(_Person("guardian", guardian, first.roster_id, first.first_name,
                              first.last_name, first.relation, refs))  # fmt: skip
    rows: list[Unreached] = []
    for person in people:
        key = (person.role, person.person)
        channel = reaches(key)
        family_reached = all(family[ref.pupil] for ref in person.pupils)
        ended = [c for c in contacts.get(key, ()) if c.state in ENDED]
        found: list[tuple[str, str | None, str | None, dt.datetime | None]] = [
            (str(c.state), c.channel, _to_correct(c), c.since) for c in ended
        ]
        invitation = invited.get(key)
        expires = None
        if channel is None and not ended:
            if invitation is not None:
                found.append(("invitation_unused", None, None, invitation[0]))
                expires = invitation[1]
            elif not person.only_if_alone or not family_reached:
                found.append(("no_contact", None, None, None))
        for reason, on, address, since in found:
            if reasons is not None and reason not in reasons:
                continue
            rows.append(
                Unreached(
                    role=person.role,
                    person=person.person,
                    roster_id=person.roster_id,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    relation=person.relation,
                    pupils=person.pupils,
                    reason=reason,
                    channel=on,
                    address=address,
                    since=since,
                    reached_on=channel,
                    family_reached=family_reached,
                    invitation_expires=expires if reason == "invitation_unused" else None,
                    remedies=REMEDIES[reason],
                    letter=LetterFor(person.role, person.person, person.roster_id),
                )
            )
    rows.sort(key=_order)
    return paginate(rows, page, size)


def _to_correct(contact: _Contact) -> str | None:
    """The address of a contact that bounced, to correct; nothing of one the person ended
    themself (a chat id says nothing to the school)."""
    return contact.address if contact.state == ContactState.BOUNCED else None


def _order(row: Unreached) -> tuple[bool, bool, float, int, str, str, int]:
    """Families nobody reaches, then people nothing reaches, the most recent problem first."""
    since = -row.since.timestamp() if row.since is not None else 0.0
    return (
        row.family_reached,
        row.reached_on is not None,
        since,
        REASONS.index(row.reason),
        row.last_name,
        row.first_name,
        row.person,
    )


@dataclass(frozen=True, slots=True)
class _About:
    roster_id: str
    first: str
    last: str
    ref: PupilRef
    birth_date: dt.date
    consent: bool


@dataclass(frozen=True, slots=True)
class _Link:
    guardian: int
    roster_id: str
    first_name: str
    last_name: str
    relation: str | None
    pupil: int


@dataclass(frozen=True, slots=True)
class _Person:
    role: str
    person: int
    roster_id: str
    first_name: str
    last_name: str
    relation: str | None
    pupils: tuple[PupilRef, ...]
    only_if_alone: bool = False


@dataclass(frozen=True, slots=True)
class _Contact(Reachable):
    since: dt.datetime | None = None


async def _pupils(conn: AsyncConnection, scope: Scope) -> dict[int, _About]:
    rows = await conn.execute(
        sa.select(
            col(Pupil.id),
            col(Pupil.pupil_id),
            col(Pupil.first_name),
            col(Pupil.last_name),
            col(SchoolClass.name),
            col(Pupil.birth_date),
            col(Pupil.guardian_consent),
        )
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .where(*scope.pupils())
    )
    found = {}
    for pk, pid, first, last, name, born, consent in rows:
        pupil = int(pk or 0)
        found[pupil] = _About(
            pid, first, last, PupilRef(pupil, first, last, name), born, bool(consent)
        )
    return found


async def _links(
    conn: AsyncConnection,
    scope: Scope,
    pupils: dict[int, _About],
    rules: Rules,
    today: dt.date,
) -> dict[int, list[_Link]]:
    """Per pupil in scope: the active guardians the school may contact about them today."""
    rows = await conn.execute(
        sa.select(
            col(Guardian.id),
            col(Guardian.guardian_id),
            col(Guardian.first_name),
            col(Guardian.last_name),
            col(GuardianLink.relation),
            col(GuardianLink.may_contact),
            col(GuardianLink.pupil_id),
        )
        .join(GuardianLink, col(GuardianLink.guardian_id) == col(Guardian.id))
        .where(
            col(Guardian.active),
            col(Guardian.school_id) == scope.school_id,
            col(GuardianLink.pupil_id).in_(scope.pupil_ids()),
        )
        .order_by(col(Guardian.guardian_id))
    )
    found: dict[int, list[_Link]] = defaultdict(list)
    for guardian, roster_id, first, last, relation, may, pupil in rows:
        about = pupils.get(pupil)
        if about is None:
            continue
        consent = guardian_consent(
            rules,
            guardian_id=roster_id,
            pupil_id=about.roster_id,
            may_contact=bool(may),
            pupil_age=age_on(about.birth_date, today),
            pupil_consent=about.consent,
        )
        if consent.allows:
            found[pupil].append(_Link(int(guardian or 0), roster_id, first, last, relation, pupil))
    return found


async def _contacts(conn: AsyncConnection, scope: Scope) -> dict[tuple[str, int], list[_Contact]]:
    """The contacts of the pupils in scope and of their guardians."""
    guardians = sa.select(col(GuardianLink.guardian_id)).where(
        col(GuardianLink.pupil_id).in_(scope.pupil_ids())
    )
    rows = await conn.execute(
        sa.select(
            col(Contact.role),
            col(Contact.person_id),
            col(Contact.channel),
            col(Contact.address),
            col(Contact.state),
            col(Contact.chosen),
            col(Contact.since),
        )
        .where(
            col(Contact.school_id) == scope.school_id,
            sa.or_(
                sa.and_(
                    col(Contact.role) == "pupil", col(Contact.person_id).in_(scope.pupil_ids())
                ),
                sa.and_(col(Contact.role) == "guardian", col(Contact.person_id).in_(guardians)),
            ),
        )
        .order_by(col(Contact.id))
    )
    found: dict[tuple[str, int], list[_Contact]] = defaultdict(list)
    for role, person, channel, address, state, chosen, since in rows:
        found[(role, person)].append(_Contact(channel, address, _state(state), bool(chosen), since))
    return found


def _state(value: str) -> ContactState | str:
    try:
        return ContactState(value)
    except ValueError:
        return value


async def _invitations(
    conn: AsyncConnection, scope: Scope
) -> dict[tuple[str, int], tuple[dt.datetime, dt.datetime]]:
    """Per person: (made, expires) of their latest invitation, when it was never used and no
    newer one replaced it."""
    rows = await conn.execute(
        sa.select(
            col(Invitation.role),
            col(Invitation.person_id),
            col(Invitation.created_at),
            col(Invitation.expires_at),
            col(Invitation.used_at),
            col(Invitation.revoked_at),
        )
        .where(
            col(Invitation.school_id) == scope.school_id,
            col(Invitation.role).in_(("pupil", "guardian")),
        )
        .order_by(col(Invitation.created_at), col(Invitation.id))
    )
    latest: dict[tuple[str, int], tuple[dt.datetime, dt.datetime, bool]] = {}
    for role, person, made, expires, used, revoked in rows:
        latest[(role, person)] = (made, expires, used is None and revoked is None)
    return {key: (made, expires) for key, (made, expires, unused) in latest.items() if unused}
