"""the log of who viewed a pupil's timeline; the log of data-protection actions

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BIG_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "timeline_view",
        sa.Column("id", BIG_KEY, nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("viewer_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.ForeignKeyConstraint(["pupil_id"], ["pupil.id"]),
        sa.ForeignKeyConstraint(["viewer_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_timeline_view_pupil_id", "timeline_view", ["pupil_id"])
    op.create_table(
        "privacy_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("reference", sa.String(length=32), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("command", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("privacy_log")
    op.drop_index("ix_timeline_view_pupil_id", table_name="timeline_view")
    op.drop_table("timeline_view")
