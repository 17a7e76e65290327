"""holds and acknowledgements: the mass-absence hold, nudges a coordinator has seen, caps' index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outreach") as batch:
        batch.add_column(sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("acknowledged_by", sa.String(length=100), nullable=True))
    op.create_index(
        "ix_outreach_recipient", "outreach", ["recipient_role", "recipient_id", "sent_at"]
    )
    op.create_table(
        "outreach_hold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("absent", sa.Integer(), nullable=False),
        sa.Column("pupils", sa.Integer(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "date", "scope"),
    )


def downgrade() -> None:
    op.drop_table("outreach_hold")
    op.drop_index("ix_outreach_recipient", table_name="outreach")
    with op.batch_alter_table("outreach") as batch:
        batch.drop_column("acknowledged_by")
        batch.drop_column("acknowledged_at")
