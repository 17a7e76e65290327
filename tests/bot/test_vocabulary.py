"""The kinds and roles are stored strings: the enums of bot.domain keep their values exactly."""

from __future__ import annotations

import json

from bot.domain import OutreachKind, Role
from bot.models import Outreach
from messages import TEMPLATES

STORED_KINDS = {
    "pupil_checkin",
    "guardian_notice",
    "guardian_care",
    "guardian_correction",
    "pupil_correction",
    "teacher_welcome",
    "coordinator_nudge",
    "coordinator_digest",
    "coordinator_forward",
    "hold_alert",
    "desk_signin",
    "telegram_block",
}


def test_the_kinds_are_the_stored_strings() -> None:
    assert {str(kind) for kind in OutreachKind} == STORED_KINDS
    assert {role.value for role in Role} == {"pupil", "guardian", "staff", "teacher", "coordinator"}


def test_a_kind_is_written_as_its_string() -> None:
    kind = OutreachKind.COORDINATOR_NUDGE
    assert json.dumps({"kind": kind}) == '{"kind": "coordinator_nudge"}'
    assert f"{kind}:no_answer" == "coordinator_nudge:no_answer"
    assert hash(kind) == hash("coordinator_nudge")


def test_every_kind_fits_its_column_and_every_sent_kind_has_a_template() -> None:
    width = Outreach.__table__.c.kind.type.length
    assert all(len(kind) <= width for kind in OutreachKind)
    never_sent = {OutreachKind.TELEGRAM_BLOCK}
    for kind in set(OutreachKind) - never_sent:
        assert any(name == kind or name.startswith(f"{kind}.") for name in TEMPLATES), kind
