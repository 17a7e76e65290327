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
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
    ``reasons``, when given), families nobody reaches first, one page.

    Who is reached is asked of the database (an active contact with an address on a channel of
    the school's order that can be used), so that only the few people with a problem are
    read in full, and only for the page shown."""
    unknown = set(reasons or ()) - set(REASONS)
    if unknown:
        raise ValueError(f"unknown reasons {sorted(unknown)}: expected some of {REASONS}")
    usable = tuple(channel for channel in channels.order if channel in channels.usable)
    pupils = await _pupils(conn, scope, usable)
    links = await _links(conn, scope, usable)
    ended = await _ended(conn, scope)
    invited = await _invitations(conn, scope)
    families = _Families(pupils, links, rules, today)
    problems = [
        problem
        for person in _looked_into(pupils, links, ended, families)
        for problem in _problems(person, ended, invited, families)
        if reasons is None or problem.reason in reasons
    ]
    problems.sort(key=_Problem.order)
    chosen = paginate(problems, page, size)
    rows = await _rows(conn, scope, chosen.items, links, pupils, channels)
    return Page(tuple(rows), chosen.number, chosen.size, chosen.total)


_Person = tuple[str, int, bool, tuple[int, ...], bool]
"""(role, database id, reached, the pupils in scope the person is about, listed only when
their family is not reached either)."""


def _looked_into(
    pupils: Mapping[int, tuple[str, dt.date, bool, bool]],
    links: Mapping[int, Sequence[_Link]],
    ended: Mapping[tuple[str, int], object],
    families: _Families,
) -> list[_Person]:
    """The people to look into: not reached, or with a contact that ended. Most people are
    reached and lost no contact: nothing to look into for them."""
    found: list[_Person] = [
        ("pupil", pupil, reached, (pupil,), True)
        for pupil, (_, _, _, reached) in pupils.items()
        if not reached or ("pupil", pupil) in ended
    ]
    per_guardian: dict[int, list[_Link]] = defaultdict(list)
    for of_pupil in links.values():
        for link in of_pupil:
            per_guardian[link.guardian].append(link)
    for guardian, mine in per_guardian.items():
        if mine[0].reached and ("guardian", guardian) not in ended:
            continue
        about = tuple(link.pupil for link in mine if families.allowed(link))
        if about:  # a guardian the school may not contact is left alone, not missing
            found.append(("guardian", guardian, mine[0].reached, about, False))
    return found


def _problems(
    person: _Person,
    ended: Mapping[tuple[str, int], Sequence[tuple[str, str, str | None, dt.datetime]]],
    invited: Mapping[tuple[str, int], tuple[dt.datetime, dt.datetime]],
    families: _Families,
) -> list[_Problem]:
    """The person's problems: each contact that ended; else, when nothing reaches them, the
    invitation they did not use, or no contact at all."""
    role, person_id, reached, about, only_if_alone = person
    key = (role, person_id)
    gone = ended.get(key, ())
    family = all(families.reached(pupil) for pupil in about)
    found = [
        _Problem(
            state,
            role,
            person_id,
            about,
            channel,
            address if state == ContactState.BOUNCED else None,
            since,
            None,
            reached,
            family,
        )
        for state, channel, address, since in gone
    ]
    if reached or gone:
        return found
    if key in invited:
        made, expires = invited[key]
        found.append(_Problem("invitation_unused", role, person_id, about, None, None, made,
                              expires, reached, family))  # fmt: skip
    elif not only_if_alone or not family:
        found.append(_Problem("no_contact", role, person_id, about, None, None, None, None,
                              reached, family))  # fmt: skip
    return found


@dataclass(frozen=True, slots=True)
class _Problem:
    reason: str
    role: str
    person: int
    pupils: tuple[int, ...]
    channel: str | None
    address: str | None
    since: dt.datetime | None
    expires: dt.datetime | None
    reached: bool
    family_reached: bool

    def order(self) -> tuple[bool, bool, float, int, bool, int]:
        """Families nobody reaches, then people nothing reaches, the most recent problem
        first; pupils before guardians."""
        since = -self.since.timestamp() if self.since is not None else 0.0
        return (
            self.family_reached,
            self.reached,
            since,
            REASONS.index(self.reason),
            self.role != "pupil",
            self.person,
        )


@dataclass(frozen=True, slots=True)
class _Link:
    guardian: int
    roster_id: str
    relation: str | None
    pupil: int
    reached: bool
    may_contact: bool


def _usable(role: str, person: Any, usable: Sequence[str]) -> sa.ColumnElement[bool]:
    """Whether the person has a contact that reaches them (:func:`bot.contacts.reach`: active,
    with an address, on a channel of the school's order that can be used)."""
    if not usable:
        return sa.false()
    return sa.exists().where(
        col(Contact.role) == role,
        col(Contact.person_id) == person,
        col(Contact.state) == ContactState.ACTIVE.value,
        col(Contact.address).is_not(None),
        col(Contact.channel).in_(usable),
    )


async def _pupils(
    conn: AsyncConnection, scope: Scope, usable: Sequence[str]
) -> dict[int, tuple[str, dt.date, bool, bool]]:
    """Per pupil in scope: roster id, birth date, consent to contact the guardians, reached."""
    rows = await conn.execute(
        sa.select(
            col(Pupil.id),
            col(Pupil.pupil_id),
            col(Pupil.birth_date),
            col(Pupil.guardian_consent),
            _usable("pupil", col(Pupil.id), usable),
        ).where(*scope.pupils())
    )
    return {
        int(pk or 0): (pid, born, bool(consent), bool(reached))
        for pk, pid, born, consent, reached in rows
    }


async def _links(
    conn: AsyncConnection, scope: Scope, usable: Sequence[str]
) -> dict[int, list[_Link]]:
    """The links between the pupils in scope and their active guardians that can matter: those
    of a pupil nobody reaches directly (is their family reached?) and every link of a guardian
    who is not reached or lost a contact (which children is the row about?). A reached
    guardian of a reached pupil, with nothing ended, is nobody's problem: most links are left
    in the database. Whether the school may contact the guardian is
    :meth:`_Families.allowed`, asked only where it matters."""
    guardian_reached = _usable("guardian", col(Guardian.id), usable)
    ended = sa.exists().where(
        col(Contact.role) == "guardian",
        col(Contact.person_id) == col(Guardian.id),
        col(Contact.state).in_(sorted(ENDED)),
    )
    rows = await conn.execute(
        sa.select(
            col(Guardian.id),
            col(Guardian.guardian_id),
            col(GuardianLink.relation),
            col(GuardianLink.may_contact),
            col(GuardianLink.pupil_id),
            guardian_reached,
        )
        .select_from(Pupil)
        .join(GuardianLink, col(GuardianLink.pupil_id) == col(Pupil.id))
        .join(Guardian, col(Guardian.id) == col(GuardianLink.guardian_id))
        # The guardian is the school's through the link (the roster writes them together):
        # naming its school_id as well would let PostgreSQL without statistics walk the school's
        # guardians for every pupil.
        .where(
            *scope.pupils(),
            col(Guardian.active),
            sa.or_(~_usable("pupil", col(Pupil.id), usable), ~guardian_reached, ended),
        )
        .order_by(col(Guardian.guardian_id), col(GuardianLink.pupil_id))
    )
    found: dict[int, list[_Link]] = defaultdict(list)
    for guardian, roster_id, relation, may, pupil, reached in rows:
        link = _Link(int(guardian or 0), roster_id, relation, pupil, bool(reached), bool(may))
        found[pupil].append(link)
    return found


class _Families:
    """Whether the school may contact a guardian about a pupil
    (:func:`bot.consent.guardian_consent`), and whether anybody reaches a pupil (the pupil, or
    a guardian it may contact about them), each worked out once, when asked."""

    def __init__(
        self,
        pupils: Mapping[int, tuple[str, dt.date, bool, bool]],
        links: Mapping[int, Sequence[_Link]],
        rules: Rules,
        today: dt.date,
    ) -> None:
        self._pupils, self._links, self._rules, self._today = pupils, links, rules, today
        self._allowed: dict[tuple[int, int], bool] = {}
        self._reached: dict[int, bool] = {}

    def allowed(self, link: _Link) -> bool:
        key = (link.guardian, link.pupil)
        if key not in self._allowed:
            pupil_id, born, consent, _ = self._pupils[link.pupil]
            self._allowed[key] = guardian_consent(
                self._rules,
                guardian_id=link.roster_id,
                pupil_id=pupil_id,
                may_contact=link.may_contact,
                pupil_age=age_on(born, self._today),
                pupil_consent=consent,
            ).allows
        return self._allowed[key]

    def reached(self, pupil: int) -> bool:
        if pupil not in self._reached:
            self._reached[pupil] = self._pupils[pupil][3] or any(
                link.reached and self.allowed(link) for link in self._links.get(pupil, ())
            )
        return self._reached[pupil]


def _people(scope: Scope) -> sa.ColumnElement[bool]:
    """The contacts of the pupils in scope and of their guardians."""
    guardians = sa.select(col(GuardianLink.guardian_id)).where(
        col(GuardianLink.pupil_id).in_(scope.pupil_ids())
    )
    return sa.or_(
        sa.and_(col(Contact.role) == "pupil", col(Contact.person_id).in_(scope.pupil_ids())),
        sa.and_(col(Contact.role) == "guardian", col(Contact.person_id).in_(guardians)),
    )


async def _ended(
    conn: AsyncConnection, scope: Scope
) -> dict[tuple[str, int], list[tuple[str, str, str | None, dt.datetime]]]:
    """Per person in scope: their contacts that ended (state, channel, address, since)."""
    rows = await conn.execute(
        sa.select(
            col(Contact.role),
            col(Contact.person_id),
            col(Contact.state),
            col(Contact.channel),
            col(Contact.address),
            col(Contact.since),
        )
        .where(
            col(Contact.school_id) == scope.school_id,
            col(Contact.state).in_(sorted(ENDED)),
            _people(scope),
        )
        .order_by(col(Contact.id))
    )
    found: dict[tuple[str, int], list[tuple[str, str, str | None, dt.datetime]]] = defaultdict(list)
    for role, person, state, channel, address, since in rows:
        found[(role, person)].append((state, channel, address, since))
    return found


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


async def _rows(
    conn: AsyncConnection,
    scope: Scope,
    problems: Sequence[_Problem],
    links: Mapping[int, Sequence[_Link]],
    pupils: Mapping[int, tuple[str, dt.date, bool, bool]],
    channels: ChannelOrder,
) -> list[Unreached]:
    """The page's problems with the names and classes, and the channel that still reaches
    each person who is reached."""
    if not problems:
        return []
    refs = await _refs(conn, scope, {pupil for p in problems for pupil in p.pupils})
    guardians = {p.person for p in problems if p.role == "guardian"}
    names = await _guardian_names(conn, guardians)
    on = await _reached_on(conn, [(p.role, p.person) for p in problems if p.reached], channels)
    relation = {
        link.guardian: link.relation
        for pupil in sorted({pupil for p in problems for pupil in p.pupils}, reverse=True)
        for link in links.get(pupil, ())
    }
    rows = []
    for p in problems:
        if p.role == "pupil":
            ref = refs[p.person]
            roster_id, first, last, related = (
                pupils[p.person][0],
                ref.first_name,
                ref.last_name,
                None,
            )
        else:
            roster_id, first, last = names[p.person]
            related = relation.get(p.person)
        rows.append(
            Unreached(
                role=p.role,
                person=p.person,
                roster_id=roster_id,
                first_name=first,
                last_name=last,
                relation=related,
                pupils=tuple(refs[pupil] for pupil in p.pupils),
                reason=p.reason,
                channel=p.channel,
                address=p.address,
                since=p.since,
                reached_on=on.get((p.role, p.person)),
                family_reached=p.family_reached,
                invitation_expires=p.expires,
                remedies=REMEDIES[p.reason],
                letter=LetterFor(p.role, p.person, roster_id),
            )
        )
    return rows


async def _refs(conn: AsyncConnection, scope: Scope, pupils: set[int]) -> dict[int, PupilRef]:
    rows = await conn.execute(
        sa.select(col(Pupil.id), col(Pupil.first_name), col(Pupil.last_name), col(SchoolClass.name))
        .join(SchoolClass, col(SchoolClass.id) == col(Pupil.class_id))
        .where(col(Pupil.id).in_(sorted(pupils)), *scope.pupils())
    )
    return {
        int(pk or 0): PupilRef(int(pk or 0), first, last, name) for pk, first, last, name in rows
    }


async def _guardian_names(
    conn: AsyncConnection, guardians: set[int]
) -> dict[int, tuple[str, str, str]]:
    if not guardians:
        return {}
    rows = await conn.execute(
        sa.select(
            col(Guardian.id),
            col(Guardian.guardian_id),
            col(Guardian.first_name),
            col(Guardian.last_name),
        ).where(col(Guardian.id).in_(sorted(guardians)))
    )
    return {int(pk or 0): (roster_id, first, last) for pk, roster_id, first, last in rows}


async def _reached_on(
    conn: AsyncConnection, people: Sequence[tuple[str, int]], channels: ChannelOrder
) -> dict[tuple[str, int], str]:
    """The channel that reaches each of ``people`` (:func:`bot.contacts.reach`)."""
    if not people:
        return {}
    wanted = set(people)
    rows = await conn.execute(
        sa.select(
            col(Contact.role),
            col(Contact.person_id),
            col(Contact.channel),
            col(Contact.address),
            col(Contact.state),
            col(Contact.chosen),
        ).where(
            sa.or_(
                *(
                    sa.and_(col(Contact.role) == role, col(Contact.person_id).in_(ids))
                    for role, ids in _by_role(people).items()
                )
            )
        )
    )
    found: dict[tuple[str, int], list[Reachable]] = defaultdict(list)
    for role, person, channel, address, state, chosen in rows:
        if (role, person) in wanted:
            found[(role, person)].append(Reachable(channel, address, state, bool(chosen)))
    reached = {key: channels.reach(contacts) for key, contacts in found.items()}
    return {key: best.channel for key, best in reached.items() if best is not None}


def _by_role(people: Sequence[tuple[str, int]]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for role, person in people:
        found[role].append(person)
    return found
