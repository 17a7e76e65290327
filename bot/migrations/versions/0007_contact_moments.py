"""the part of the day a guardian chose for the school's messages

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("guardian") as batch:
        batch.add_column(sa.Column("contact_moment", sa.String(length=12), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guardian") as batch:
        batch.drop_column("contact_moment")
