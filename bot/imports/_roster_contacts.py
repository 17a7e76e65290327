"""The addresses a roster lists (e-mail, phone, a Telegram chat id), kept as contacts.

A roster fills in contacts; it does not undo what the person did. A contact the person chose
(a chat they linked with their code), or one that was unsubscribed or blocked, stays as it is
whatever the roster says: stopping the messages was the person's own choice. A bounced contact
stays bounced while the roster lists the address that bounced; a new address for it is the
school's correction, and the contact is active again with the new address. The contacts the
roster made follow the roster: a new address replaces the old, an address no longer listed is
removed. A chat id is the exception,
as it always was: chats are normally linked through invitations, so a roster without one
unlinks nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col

from bot.contacts import PHONE, ContactState
from bot.contacts.store import TELEGRAM
from bot.imports.bulk import BulkWriter
from bot.models import Contact

__all__ = ["ContactPlan", "RosterContacts", "Wanted", "plan_contacts"]

Wanted = Mapping[int, Mapping[str, str | None]]
"""Per person's database id, the address the roster gives per channel (None: none)."""
#: Per (person's database id, channel): the contact's key, address, state and whether chosen.
StoredContacts = dict[tuple[int, str], tuple[int, str | None, str, bool]]

ROSTER_CHANNELS: Mapping[str, tuple[str, ...]] = {
    "pupil": ("email", TELEGRAM),
    "guardian": ("email", PHONE, TELEGRAM),
    "staff": ("email", TELEGRAM),
}
"""The channels each role's roster file has a column for: what a roster states unless it says
otherwise (:attr:`~integrations.abc.RosterSnapshot.channels`; Smartschool states its inboxes)."""
_KEPT_STATES = frozenset({ContactState.UNSUBSCRIBED, ContactState.BLOCKED})
_KEPT_WHEN_EMPTY = frozenset({TELEGRAM})


@dataclass
class ContactPlan:
    """What to write so that the contacts say what the roster says, the person's own kept."""

    new: list[tuple[int, str, str]] = field(default_factory=list)
    """(person, channel, address) of contacts to create."""
    changed: list[tuple[int, str]] = field(default_factory=list)
    """(contact key, new address)."""
    corrected: list[tuple[int, str]] = field(default_factory=list)
    """(contact key, new address) of bounced contacts whose address the school corrected."""
    gone: list[int] = field(default_factory=list)
    """Keys of contacts the roster made and no longer lists."""
    touched: set[int] = field(default_factory=set)
    """The people whose contacts change."""


def plan_contacts(stored: StoredContacts, wanted: Wanted, channels: Iterable[str]) -> ContactPlan:
    """Compare the roster's addresses with the stored contacts of the people it lists."""
    result = ContactPlan()
    channels = tuple(channels)
    for person, addresses in wanted.items():
        for channel in channels:
            address = addresses.get(channel) or None
            known = stored.get((person, channel))
            if known is None:
                if address is not None:
                    result.new.append((person, channel, address))
                    result.touched.add(person)
                continue
            key, old, state, chosen = known
            if chosen or state in _KEPT_STATES or address == old:
                continue
            if state == ContactState.BOUNCED:
                # Only a new address undoes a bounce; one the roster no longer lists stays, so
                # that the contact still says why the person cannot be reached there.
                if address is not None:
                    result.corrected.append((key, address))
                    result.touched.add(person)
                continue
            if address is None:
                if channel in _KEPT_WHEN_EMPTY:
                    continue
                result.gone.append(key)
            else:
                result.changed.append((key, address))
            result.touched.add(person)
    return result


class RosterContacts:
    """Loads and writes the contacts of a school's people of one role, in the import's
    transaction."""

    def __init__(
        self,
        conn: AsyncConnection,
        writer: BulkWriter,
        school_id: str,
        now: dt.datetime,
    ) -> None:
        self.conn = conn
        self.writer = writer
        self.school_id = school_id
        self.now = now

    async def load(self, role: str) -> StoredContacts:
        query = sa.select(
            col(Contact.person_id),
            col(Contact.channel),
            col(Contact.id),
            col(Contact.address),
            col(Contact.state),
            col(Contact.chosen),
        ).where(col(Contact.school_id) == self.school_id, col(Contact.role) == role)
        return {
            (person, channel): (int(key or 0), address, state, bool(chosen))
            for person, channel, key, address, state, chosen in await self.conn.execute(query)
        }

    async def sync(
        self, role: str, wanted: Wanted, channels: Iterable[str] | None = None
    ) -> set[int]:
        """Bring the role's contacts on ``channels`` (the roster's: by default the CSV files')
        in line with ``wanted``; contacts on other channels stay as they are. Returns the
        people touched."""
        stated = ROSTER_CHANNELS[role] if channels is None else tuple(channels)
        changes = plan_contacts(await self.load(role), wanted, stated)
        if changes.new:
            stamp = self.writer.instant(self.now)
            active = ContactState.ACTIVE.value
            rows = [
                (self.school_id, role, person, channel, address, active, stamp, False)
                for person, channel, address in changes.new
            ]
            columns = (
                "school_id", "role", "person_id", "channel", "address", "state", "since", "chosen"
            )  # fmt: skip
            await self.writer.insert("contact", columns, rows)
        by_key = col(Contact.id) == sa.bindparam("contact_pk")
        if changes.changed:
            await self.conn.execute(
                sa.update(Contact).where(by_key),
                [
                    {"contact_pk": key, "address": address, "since": self.now}
                    for key, address in changes.changed
                ],
            )
        if changes.corrected:
            active = ContactState.ACTIVE.value
            await self.conn.execute(
                sa.update(Contact).where(by_key),
                [
                    {"contact_pk": key, "address": address, "state": active, "since": self.now}
                    for key, address in changes.corrected
                ],
            )
        if changes.gone:
            await self.conn.execute(
                sa.delete(Contact).where(by_key), [{"contact_pk": key} for key in changes.gone]
            )
        return changes.touched
