"""the process behind each import run

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

An import run records the process (id and host) that runs it: a later import waits while that
process lives, and a run whose process is gone is marked ``interrupted`` instead of saying
``running`` forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_run") as table:
        table.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        table.add_column(sa.Column("host", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_run") as table:
        table.drop_column("host")
        table.drop_column("pid")
