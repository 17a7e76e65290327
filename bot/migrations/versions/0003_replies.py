"""replies: answers from pupils and guardians

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Surrogate keys of the large tables: 64-bit on PostgreSQL, the rowid alias on SQLite.
BIG_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "reply",
        sa.Column("id", BIG_KEY, nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("sender_role", sa.String(length=20), nullable=False),
        sa.Column("sender_id", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("episode_key", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupil.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_reply_pupil_id", "reply", ["pupil_id"])


def downgrade() -> None:
    op.drop_index("ix_reply_pupil_id", table_name="reply")
    op.drop_table("reply")
