"""contacts: how each person can be reached, in one table instead of columns on the people;
whether a pupil or a guardian chose their language themself

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# (table, role in contact, its columns that become contacts: column -> channel)
PEOPLE = (
    ("pupil", "pupil", {"telegram_chat_id": "telegram", "email": "email"}),
    ("guardian", "guardian", {"telegram_chat_id": "telegram", "email": "email", "phone": "phone"}),
    ("staff", "staff", {"telegram_chat_id": "telegram", "email": "email"}),
)
COLUMNS: dict[str, sa.types.TypeEngine[Any]] = {
    "telegram_chat_id": sa.BigInteger(),
    "email": sa.String(length=254),
    "phone": sa.String(length=32),
}


def upgrade() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("chosen", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["school.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("role", "person_id", "channel"),
    )
    op.create_index("ix_contact_address", "contact", ["channel", "address"])
    op.create_index("ix_contact_school", "contact", ["school_id", "role"])
    for table, role, columns in PEOPLE:
        for column, channel in columns.items():
            _to_contacts(table, role, column, channel)
    for table, _role, columns in PEOPLE:
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.drop_column(column)
            if table != "staff":
                batch.add_column(
                    sa.Column(
                        "language_chosen", sa.Boolean(), nullable=False, server_default=sa.false()
                    )
                )


def _to_contacts(table: str, role: str, column: str, channel: str) -> None:
    """Copy one column into contacts. A chat that a used invitation linked was linked by the
    person themself: it is ``chosen``; a chat id the roster gave, an address, a phone are not."""
    if column == "telegram_chat_id":
        address = "CAST(p.telegram_chat_id AS VARCHAR(254))"
        chosen = (
            "EXISTS (SELECT 1 FROM invitation i WHERE i.role = :role AND i.person_id = p.id"
            " AND i.chat_id = p.telegram_chat_id)"
        )
        present = "p.telegram_chat_id IS NOT NULL"
    else:
        address, chosen = f"p.{column}", "FALSE"
        present = f"p.{column} IS NOT NULL AND p.{column} <> ''"
    op.execute(
        sa.text(
            "INSERT INTO contact (school_id, role, person_id, channel, address, state, since,"
            f" chosen) SELECT p.school_id, :role, p.id, :channel, {address}, 'active',"
            f" p.updated_at, {chosen} FROM {table} p WHERE {present}"
        ).bindparams(role=role, channel=channel)
    )


def downgrade() -> None:
    for table, role, columns in PEOPLE:
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.add_column(sa.Column(column, COLUMNS[column], nullable=True))
            if table != "staff":
                batch.drop_column("language_chosen")
        for column, channel in columns.items():
            # The old columns knew no states: a chat that was blocked or stopped was unlinked,
            # an address was kept whatever became of it.
            address = "c.address"
            states = "c.state = 'active'" if channel == "telegram" else "c.address IS NOT NULL"
            if channel == "telegram":
                address = "CAST(c.address AS BIGINT)"
            op.execute(
                sa.text(
                    f"UPDATE {table} SET {column} = (SELECT {address} FROM contact c"
                    f" WHERE c.role = :role AND c.person_id = {table}.id"
                    f" AND c.channel = :channel AND {states})"
                ).bindparams(role=role, channel=channel)
            )
    op.drop_index("ix_contact_school", table_name="contact")
    op.drop_index("ix_contact_address", table_name="contact")
    op.drop_table("contact")
