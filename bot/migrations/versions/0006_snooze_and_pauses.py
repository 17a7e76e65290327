"""snoozed nudges; pupils paused by a coordinator from the bot

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outreach") as batch:
        batch.add_column(sa.Column("snoozed_until", sa.Date(), nullable=True))
    op.create_table(
        "pupil_pause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pupil_pause_pupil_id", "pupil_pause", ["pupil_id"])


def downgrade() -> None:
    op.drop_index("ix_pupil_pause_pupil_id", table_name="pupil_pause")
    op.drop_table("pupil_pause")
    with op.batch_alter_table("outreach") as batch:
        batch.drop_column("snoozed_until")
