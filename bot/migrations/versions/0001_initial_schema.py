"""initial schema: roster, absence marks, imports

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Surrogate keys of the large tables: 64-bit on PostgreSQL, the rowid alias on SQLite.
BIG_KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "school",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "guardian",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("guardian_id", sa.String(length=64), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "guardian_id"),
    )
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("started_by", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "school_class",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "name"),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "staff_id"),
    )
    op.create_table(
        "feed_day",
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("first_imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["import_run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("school_id", "date"),
    )
    op.create_table(
        "import_reject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(length=500), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("column", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["import_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_import_reject_run_id", "import_reject", ["run_id"])

    op.create_table(
        "pupil",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("pupil_id", sa.String(length=64), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("spilfiguur_id", sa.Integer(), nullable=True),
        sa.Column("guardian_consent", sa.Boolean(), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("telegram_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_class.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.ForeignKeyConstraint(
            ["spilfiguur_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("school_id", "pupil_id"),
    )
    op.create_index("ix_pupil_class_id", "pupil", ["class_id"])

    op.create_table(
        "teaching_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("class_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["class_id"],
            ["school_class.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["staff.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "class_id"),
    )
    op.create_index("ix_teaching_assignment_class_id", "teaching_assignment", ["class_id"])

    op.create_table(
        "absence_mark",
        sa.Column("id", BIG_KEY, nullable=False),
        sa.Column("school_id", sa.String(length=64), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("half_day", sa.String(length=2), nullable=False),
        sa.Column("code", sa.String(length=1), nullable=False),
        sa.Column("expected_return", sa.Date(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retracted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupil.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["import_run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pupil_id", "date", "half_day"),
    )
    op.create_index("ix_absence_mark_school_date", "absence_mark", ["school_id", "date"])

    op.create_table(
        "guardian_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=50), nullable=True),
        sa.Column("may_contact", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guardian_id"],
            ["guardian.id"],
        ),
        sa.ForeignKeyConstraint(
            ["pupil_id"],
            ["pupil.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guardian_id", "pupil_id"),
    )
    op.create_index("ix_guardian_link_pupil_id", "guardian_link", ["pupil_id"])

    op.create_table(
        "mark_correction",
        sa.Column("id", BIG_KEY, nullable=False),
        sa.Column("mark_id", BIG_KEY, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("old_code", sa.String(length=1), nullable=True),
        sa.Column("new_code", sa.String(length=1), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mark_id"],
            ["absence_mark.id"],
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["import_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mark_correction_mark_id", "mark_correction", ["mark_id"])


def downgrade() -> None:
    op.drop_index("ix_mark_correction_mark_id", table_name="mark_correction")
    op.drop_table("mark_correction")
    op.drop_index("ix_guardian_link_pupil_id", table_name="guardian_link")
    op.drop_table("guardian_link")
    op.drop_index("ix_absence_mark_school_date", table_name="absence_mark")
    op.drop_table("absence_mark")
    op.drop_index("ix_teaching_assignment_class_id", table_name="teaching_assignment")
    op.drop_table("teaching_assignment")
    op.drop_index("ix_pupil_class_id", table_name="pupil")
    op.drop_table("pupil")
    op.drop_index("ix_import_reject_run_id", table_name="import_reject")
    op.drop_table("import_reject")
    op.drop_table("feed_day")
    op.drop_table("staff")
    op.drop_table("school_class")
    op.drop_table("import_run")
    op.drop_table("guardian")
    op.drop_table("school")
