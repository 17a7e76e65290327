"""invitations: one-time codes that link a Telegram chat; the message a reply's button was on

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BIG_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_TAPPED = sa.text("outreach_id IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    op.create_index("ix_invitation_person", "invitation", ["role", "person_id"])
    op.create_index("ix_invitation_chat", "invitation", ["chat_id"])
    with op.batch_alter_table("reply") as batch:
        batch.add_column(sa.Column("outreach_id", _BIG_KEY, nullable=True))
        batch.create_foreign_key("fk_reply_outreach_id", "outreach", ["outreach_id"], ["id"])
    op.create_index(
        "ux_reply_tap",
        "reply",
        ["outreach_id", "answer"],
        unique=True,
        sqlite_where=_TAPPED,
        postgresql_where=_TAPPED,
    )


def downgrade() -> None:
    op.drop_index("ux_reply_tap", table_name="reply")
    with op.batch_alter_table("reply") as batch:
        batch.drop_constraint("fk_reply_outreach_id", type_="foreignkey")
        batch.drop_column("outreach_id")
    op.drop_index("ix_invitation_chat", table_name="invitation")
    op.drop_index("ix_invitation_person", table_name="invitation")
    op.drop_table("invitation")
