"""indexes for the planner tick's reads of the outbox

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03

Which nudges went out since a day (the reminders a tick must still plan, the digest's open
cases) was answered by walking every message to a coordinator, digests included; which nudges
were snoozed to a day to come, by reading the whole outbox on every tick.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_SNOOZED = sa.text("snoozed_until IS NOT NULL")


def upgrade() -> None:
    op.create_index("ix_outreach_kind_sent", "outreach", ["kind", "sent_at"])
    op.create_index(
        "ix_outreach_snoozed",
        "outreach",
        ["snoozed_until"],
        sqlite_where=_SNOOZED,
        postgresql_where=_SNOOZED,
    )


def downgrade() -> None:
    op.drop_index("ix_outreach_snoozed", table_name="outreach")
    op.drop_index("ix_outreach_kind_sent", table_name="outreach")
