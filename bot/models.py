"""The stored facts: schools, people, classes, absence marks, and the record of every import.

Times are stored in UTC (:class:`UTCDateTime`); reasoning in local time happens elsewhere. Rows
are never deleted to "correct" a fact: a person who left is made inactive, a mark a later feed no
longer lists is retracted and the change is kept in :class:`MarkCorrection`. Rows are deleted
only when the retention policy says they were kept long enough, or when a person's data is
erased (:mod:`bot.privacy`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlmodel import Field, SQLModel

from bot.domain import SCHOOL_SCOPE

__all__ = [
    "SCHOOL_SCOPE",
    "AbsenceMark",
    "Contact",
    "DeskSession",
    "DeskSignIn",
    "FeedDay",
    "Guardian",
    "GuardianLink",
    "ImportReject",
    "ImportRun",
    "Invitation",
    "MarkCorrection",
    "Outreach",
    "OutreachEvent",
    "OutreachHold",
    "PrivacyLog",
    "Pupil",
    "PupilPause",
    "Reply",
    "RulesVersion",
    "School",
    "SchoolClass",
    "SigningKey",
    "Staff",
    "TeachingAssignment",
    "TimelineView",
    "UTCDateTime",
]

# A surrogate key that is 64-bit on PostgreSQL and SQLite's rowid alias on SQLite.
BigKey = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """An aware datetime stored as UTC; SQLite keeps it naive, PostgreSQL as timestamptz."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _utc(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class School(SQLModel, table=True):
    __tablename__ = "school"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    created_at: dt.datetime = _utc()


class Staff(SQLModel, table=True):
    __tablename__ = "staff"
    __table_args__ = (sa.UniqueConstraint("school_id", "staff_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    staff_id: str = Field(max_length=64)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    role: str = Field(max_length=20)
    language: str = Field(default="nl", max_length=16)
    active: bool = True
    updated_at: dt.datetime = _utc()


class SchoolClass(SQLModel, table=True):
    __tablename__ = "school_class"
    __table_args__ = (sa.UniqueConstraint("school_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    name: str = Field(max_length=64)


class Pupil(SQLModel, table=True):
    __tablename__ = "pupil"
    __table_args__ = (sa.UniqueConstraint("school_id", "pupil_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    pupil_id: str = Field(max_length=64)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: dt.date
    class_id: int = Field(foreign_key="school_class.id", index=True)
    language: str = Field(default="nl", max_length=16)
    spilfiguur_id: int | None = Field(default=None, foreign_key="staff.id")
    # Only meaningful from 18: may the school contact the parents? None = not asked.
    guardian_consent: bool | None = None
    # Set when the pupil chose their language in the bot (/taal): a roster import keeps it.
    language_chosen: bool = False
    active: bool = True
    updated_at: dt.datetime = _utc()


class Guardian(SQLModel, table=True):
    __tablename__ = "guardian"
    __table_args__ = (sa.UniqueConstraint("school_id", "guardian_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    guardian_id: str = Field(max_length=64)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    language: str = Field(max_length=16)
    # Set when the guardian chose their language in the bot (/taal): a roster import keeps it.
    language_chosen: bool = False
    # The part of the day they chose for messages (bot.domain.CONTACT_MOMENTS); None: any time
    # within the school's sending hours.
    contact_moment: str | None = Field(default=None, max_length=12)
    active: bool = True
    updated_at: dt.datetime = _utc()


class Contact(SQLModel, table=True):
    """How a pupil, a guardian or a staff member can be reached on one channel.

    ``role`` is ``pupil``, ``guardian`` or ``staff`` and ``person_id`` the database id in that
    table. ``address`` is the chat id (as text) on ``telegram``, the address on ``email``, the
    number on ``phone`` (a guardian's, for a coordinator to call: never sent on). ``state`` is
    a :class:`bot.contacts.ContactState`, ``since`` when it last changed. ``chosen``: the person
    made or chose this contact themself (linked their chat with an invitation, say); a roster
    import never overrides it, nor a contact they unsubscribed or that was blocked; a bounced
    one only with a new address (the school's correction).
    """

    __tablename__ = "contact"
    __table_args__ = (
        sa.UniqueConstraint("role", "person_id", "channel"),
        # Who is this chat? (an update from Telegram names only the chat)
        sa.Index("ix_contact_address", "channel", "address"),
        sa.Index("ix_contact_school", "school_id", "role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    role: str = Field(max_length=12)
    person_id: int
    channel: str = Field(max_length=20)
    address: str | None = Field(default=None, max_length=254)
    state: str = Field(default="active", max_length=16)
    since: dt.datetime = _utc()
    chosen: bool = False


class GuardianLink(SQLModel, table=True):
    """A guardian's tie to one pupil; contact permission is per child."""

    __tablename__ = "guardian_link"
    __table_args__ = (sa.UniqueConstraint("guardian_id", "pupil_id"),)

    id: int | None = Field(default=None, primary_key=True)
    guardian_id: int = Field(foreign_key="guardian.id")
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    relation: str | None = Field(default=None, max_length=50)
    may_contact: bool = True


class TeachingAssignment(SQLModel, table=True):
    __tablename__ = "teaching_assignment"
    __table_args__ = (sa.UniqueConstraint("staff_id", "class_id"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    class_id: int = Field(foreign_key="school_class.id", index=True)
    role: str = Field(default="teacher", max_length=20)


class ImportRun(SQLModel, table=True):
    """Who imported what, when, and with which result."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    kind: str = Field(max_length=20)  # "roster" or "absences"
    source: str = Field(max_length=500)
    started_by: str = Field(max_length=100)
    started_at: dt.datetime = _utc()
    finished_at: dt.datetime | None = _utc(default=None)
    # "ok", "partial" (some rows rejected), "unusable" (nothing imported), "failed",
    # "interrupted" (its process ended without a word: nothing imported).
    status: str = Field(default="running", max_length=20)
    # The process that runs the import, so that a later command can tell a run in progress
    # from one whose process was killed.
    pid: int | None = None
    host: str | None = Field(default=None, max_length=255)
    rows: int = 0
    imported: int = 0
    unchanged: int = 0
    rejected: int = 0
    corrections: int = 0
    # Per-file summaries, as printed by ``import --json``.
    summary: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)


class ImportReject(SQLModel, table=True):
    __tablename__ = "import_reject"

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(foreign_key="import_run.id", index=True)
    file: str = Field(max_length=500)
    line: int | None = None
    column: str | None = Field(default=None, max_length=64)
    reason: str


class AbsenceMark(SQLModel, table=True):
    """One half-day a pupil was registered absent, as the school's feed last said it."""

    __tablename__ = "absence_mark"
    __table_args__ = (
        sa.UniqueConstraint("pupil_id", "date", "half_day"),
        sa.Index("ix_absence_mark_school_date", "school_id", "date"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigKey)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    pupil_id: int = Field(foreign_key="pupil.id")
    date: dt.date
    half_day: str = Field(max_length=2)
    code: str = Field(max_length=1)
    expected_return: dt.date | None = None
    note: str | None = None
    source: str = Field(max_length=100)
    first_seen: dt.datetime = _utc()
    last_seen: dt.datetime = _utc()
    # Set when a later feed for the same date no longer lists this mark.
    retracted_at: dt.datetime | None = _utc(default=None)
    run_id: int = Field(foreign_key="import_run.id")


class MarkCorrection(SQLModel, table=True):
    """A change a later feed made to a mark: what it was, what it became, and when."""

    __tablename__ = "mark_correction"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigKey)
    mark_id: int = Field(foreign_key="absence_mark.id", index=True, sa_type=BigKey)
    # "changed" (another code), "retracted" (no longer listed), "reinstated" (listed again).
    kind: str = Field(max_length=12)
    old_code: str | None = Field(default=None, max_length=1)
    new_code: str | None = Field(default=None, max_length=1)
    corrected_at: dt.datetime = _utc()
    run_id: int = Field(foreign_key="import_run.id")


class FeedDay(SQLModel, table=True):
    """A date for which the school's absence feed was imported: its absentees are known.

    A school day without a row here is unknown, never "everybody present".
    """

    __tablename__ = "feed_day"

    school_id: str = Field(foreign_key="school.id", primary_key=True, max_length=64)
    date: dt.date = Field(primary_key=True)
    first_imported_at: dt.datetime = _utc()
    last_imported_at: dt.datetime = _utc()
    run_id: int = Field(foreign_key="import_run.id")


class Outreach(SQLModel, table=True):
    """One message the planner wants delivered: the outbox row (see :mod:`bot.outbox`).

    ``recipient_id`` is the database id of a pupil, guardian or staff member, as
    ``recipient_role`` says. ``last_error`` holds the kind of failure and a short reason from the
    channel, never message contents or addresses.
    """

    __tablename__ = "outreach"
    __table_args__ = (
        sa.UniqueConstraint("idempotency_key"),
        # The dispatcher's question: which planned rows may be tried now?
        sa.Index("ix_outreach_ready", "status", "next_attempt_at"),
        # The caps' question: how much did this person get today, this week?
        sa.Index("ix_outreach_recipient", "recipient_role", "recipient_id", "sent_at"),
        # The planner's: which nudges went out since then (reminders, the digest's count)?
        sa.Index("ix_outreach_kind_sent", "kind", "sent_at"),
        # And which nudges were snoozed until a day to come? (Few rows ever are.)
        sa.Index(
            "ix_outreach_snoozed",
            "snoozed_until",
            sqlite_where=sa.text("snoozed_until IS NOT NULL"),
            postgresql_where=sa.text("snoozed_until IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigKey)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    idempotency_key: str = Field(max_length=200)
    kind: str = Field(max_length=32)
    recipient_role: str = Field(max_length=20)
    recipient_id: int
    channel: str = Field(max_length=20)
    pupil_id: int | None = Field(default=None, foreign_key="pupil.id", index=True)
    lang: str = Field(max_length=16)
    # The render context; ``text`` is filled in when the message is rendered.
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    text: str | None = None
    due_at: dt.datetime = _utc()
    expires_at: dt.datetime = _utc()
    status: str = Field(default="planned", max_length=12)
    attempts: int = 0
    # Equal to ``due_at`` at first; later when a retry or the delivery gate pushed it back.
    next_attempt_at: dt.datetime = _utc()
    last_error: str | None = Field(default=None, max_length=200)
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_at: dt.datetime | None = _utc(default=None)
    sent_at: dt.datetime | None = _utc(default=None)
    cancelled_reason: str | None = Field(default=None, max_length=200)
    # A coordinator's "seen, I'm on it" on a nudge: no reminder follows.
    acknowledged_at: dt.datetime | None = _utc(default=None)
    acknowledged_by: str | None = Field(default=None, max_length=100)
    # "Remind me later": the reminder of an unacknowledged nudge waits until this school day.
    snoozed_until: dt.date | None = None
    created_at: dt.datetime = _utc()
    updated_at: dt.datetime = _utc()


class OutreachHold(SQLModel, table=True):
    """A day on which an unbelievable share of a class or the school was marked absent.

    Outreach to and about the pupils of the ``scope`` (a class name, or :data:`SCHOOL_SCOPE`)
    for that day waits while ``status`` is ``held``; a coordinator ``released`` it (the absence
    was real: a trip, a strike) or ``discarded`` it (a broken feed: nothing about that day goes
    out).
    """

    __tablename__ = "outreach_hold"
    __table_args__ = (sa.UniqueConstraint("school_id", "date", "scope"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    date: dt.date
    scope: str = Field(max_length=64)
    status: str = Field(default="held", max_length=12)
    absent: int
    pupils: int
    detected_at: dt.datetime = _utc()
    decided_at: dt.datetime | None = _utc(default=None)
    decided_by: str | None = Field(default=None, max_length=100)


class OutreachEvent(SQLModel, table=True):
    """One status change of an :class:`Outreach` row: the audit trail of every message."""

    __tablename__ = "outreach_event"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigKey)
    outreach_id: int = Field(foreign_key="outreach.id", index=True, sa_type=BigKey)
    at: dt.datetime = _utc()
    from_status: str | None = Field(default=None, max_length=12)  # None: the row was planned
    to_status: str = Field(max_length=12)
    detail: str | None = Field(default=None, max_length=200)


class Reply(SQLModel, table=True):
    """An answer from a pupil or a guardian about a pupil: a quick-reply key or free text.

    ``sender_id`` is the roster's id of the sender (``P0042``, ``G001``); ``episode_key`` is the
    key of the episode the answered message was about, None when it could not be tied to one.
    """

    __tablename__ = "reply"
    __table_args__ = (
        sa.Index(
            "ux_reply_tap",
            "outreach_id",
            "answer",
            unique=True,
            sqlite_where=sa.text("outreach_id IS NOT NULL"),
            postgresql_where=sa.text("outreach_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigKey)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    sender_role: str = Field(max_length=20)
    sender_id: str = Field(max_length=64)
    answer: str
    received_at: dt.datetime = _utc()
    episode_key: str | None = Field(default=None, max_length=200)
    # The message whose button was tapped: a second tap on the same button stores nothing.
    outreach_id: int | None = Field(default=None, foreign_key="outreach.id", sa_type=BigKey)


class Invitation(SQLModel, table=True):
    """A one-time code that links a Telegram chat to a pupil, a guardian or a staff member.

    Only the SHA-256 of the code is stored: the code itself exists on the letter and in the link
    (``https://t.me/<bot>?start=<code>``). ``role`` is ``pupil``, ``guardian`` or ``staff`` and
    ``person_id`` the database id in that table. A code works once, until ``expires_at``, and
    not after a newer invitation for the same person (``revoked_at``). ``chat_id`` is the chat
    that used it, while it is linked; ``stopped_at`` is set when that chat sent /stop, and the
    chat id is erased then (a bare /start from that chat learns nothing).
    """

    __tablename__ = "invitation"
    __table_args__ = (
        sa.UniqueConstraint("code_hash"),
        sa.Index("ix_invitation_person", "role", "person_id"),
        sa.Index("ix_invitation_chat", "chat_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    role: str = Field(max_length=12)
    person_id: int
    code_hash: str = Field(max_length=64)
    created_at: dt.datetime = _utc()
    expires_at: dt.datetime = _utc()
    used_at: dt.datetime | None = _utc(default=None)
    chat_id: int | None = Field(default=None, sa_type=sa.BigInteger)
    stopped_at: dt.datetime | None = _utc(default=None)
    revoked_at: dt.datetime | None = _utc(default=None)


class PupilPause(SQLModel, table=True):
    """A coordinator paused outreach about a pupil (from the bot): no message to the pupil or
    their guardians from ``starts`` to ``ends``, both included; the coordinator's own nudges go
    on. Pauses in the rules file work the same way."""

    __tablename__ = "pupil_pause"

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    starts: dt.date
    ends: dt.date
    created_at: dt.datetime = _utc()
    created_by: str = Field(max_length=100)


class TimelineView(SQLModel, table=True):
    """Someone looked at a pupil's timeline (``/pupil`` in the bot, later the web desk): who,
    when, and through what. Kept as long as the retention policy says (``view_log_years``)."""

    __tablename__ = "timeline_view"

    id: int | None = Field(default=None, primary_key=True, sa_type=BigKey)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    pupil_id: int = Field(foreign_key="pupil.id", index=True)
    # None once the staff member who looked was erased (the view itself is still a fact).
    viewer_id: int | None = Field(default=None, foreign_key="staff.id")
    channel: str = Field(max_length=20)
    viewed_at: dt.datetime = _utc()


class PrivacyLog(SQLModel, table=True):
    """A data-protection action (an export, an erasure, a retention purge), recorded without
    personal data: what kind of record, how many, by which command, and a random reference
    that the operator can quote to the data protection officer."""

    __tablename__ = "privacy_log"

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    at: dt.datetime = _utc()
    action: str = Field(max_length=12)  # "export", "erase" or "purge"
    reference: str = Field(max_length=32)
    summary: str = Field(max_length=500)
    command: str = Field(max_length=100)


class SigningKey(SQLModel, table=True):
    """A key Gemist made for itself once and keeps: ``links`` signs the answer links of the
    web application (:mod:`bot.links`) when the operator set no ``web_secret``, so that ``gemist
    run`` and ``gemist web`` agree and a restart keeps the links that went out working. Not
    personal data; never shown."""

    __tablename__ = "signing_key"

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)
    created_at: dt.datetime = _utc()


class RulesVersion(SQLModel, table=True):
    """One saved version of a school's rules file (docs/rules.md), numbered from 1 per school.

    The running bot plans with the latest (:mod:`bot.rulebook.versions`); a restore saves an
    earlier text again as a new version (``restored_from``), so the history only grows.
    ``changes`` names the settings that differ from the version before (``guardian.grace_period``),
    never their values: pauses and do-not-contact entries can be sensitive. The school is not a
    foreign key: rules may be saved before the first roster import creates the school's row.
    """

    __tablename__ = "rules_version"
    __table_args__ = (sa.UniqueConstraint("school_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: str = Field(max_length=64)
    number: int
    text: str = Field(sa_type=sa.Text)
    saved_by: str = Field(max_length=64)  # the roster's staff id, or who ran the command
    saved_at: dt.datetime = _utc()
    changes: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    restored_from: int | None = None


class DeskSignIn(SQLModel, table=True):
    """A staff member asked for a sign-in link to the coordinator's desk (:mod:`bot.web.desk`).

    Only hashes are kept (SHA-256, hex): of the link's token, and of the browser cookie of the
    browser that asked, to which the link is bound. The link works once (``used_at``), until
    ``expires_at``. ``outreach_id`` is the message that carried it."""

    __tablename__ = "desk_signin"
    __table_args__ = (
        sa.UniqueConstraint("token_hash"),
        sa.Index("ix_desk_signin_staff", "staff_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigKey)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    staff_id: int = Field(foreign_key="staff.id")
    token_hash: str = Field(max_length=64)
    browser_hash: str = Field(max_length=64)
    created_at: dt.datetime = _utc()
    expires_at: dt.datetime = _utc()
    used_at: dt.datetime | None = _utc(default=None)
    outreach_id: int | None = Field(default=None, sa_type=BigKey)


class DeskSession(SQLModel, table=True):
    """A staff member signed in to the desk: the session behind the browser's cookie, of which
    only the SHA-256 (hex) is kept. It ends at sign-out (``ended_at``), after ``idle`` without
    a request (``last_seen_at``), and at ``expires_at`` whatever happens."""

    __tablename__ = "desk_session"
    __table_args__ = (
        sa.UniqueConstraint("id_hash"),
        sa.Index("ix_desk_session_staff", "staff_id"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=BigKey)
    school_id: str = Field(foreign_key="school.id", max_length=64)
    staff_id: int = Field(foreign_key="staff.id")
    id_hash: str = Field(max_length=64)
    created_at: dt.datetime = _utc()
    last_seen_at: dt.datetime = _utc()
    expires_at: dt.datetime = _utc()
    ended_at: dt.datetime | None = _utc(default=None)
