"""school facts: scraped values with provenance, their change history, admin overrides

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

The integrator re-chains this revision after a parallel 0002 when the branches are merged.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "school_fact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("source_url", sa.String(length=2048), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("extractor", sa.String(length=100), nullable=False),
        sa.Column("extractor_version", sa.String(length=32), nullable=False),
        sa.Column("snippet", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Double(), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("stale_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_good_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 1", name=op.f("ck_school_fact_confidence_range")
        ),
        sa.CheckConstraint(
            "stale = (stale_since IS NOT NULL)", name=op.f("ck_school_fact_stale_since_when_stale")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_school_fact_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_fact")),
        sa.UniqueConstraint(
            "school_id", "field", "key", name=op.f("uq_school_fact_school_id_field_key")
        ),
    )
    op.create_table(
        "school_fact_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("old_value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("new_value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source_url", sa.String(length=2048), nullable=True),
        sa.CheckConstraint(
            "old_value IS NOT NULL OR new_value IS NOT NULL",
            name=op.f("ck_school_fact_change_old_or_new_value"),
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_school_fact_change_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_fact_change")),
    )
    with op.batch_alter_table("school_fact_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_school_fact_change_changed_at"), ["changed_at"], unique=False
        )
        batch_op.create_index(
            "ix_school_fact_change_school_id_changed_at", ["school_id", "changed_at"], unique=False
        )

    op.create_table(
        "school_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("field <> ''", name=op.f("ck_school_override_field_not_empty")),
        sa.ForeignKeyConstraint(
            ["school_id"], ["school.id"], name=op.f("fk_school_override_school_id_school")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_override")),
        sa.UniqueConstraint(
            "school_id", "field", "key", name=op.f("uq_school_override_school_id_field_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("school_override")
    with op.batch_alter_table("school_fact_change", schema=None) as batch_op:
        batch_op.drop_index("ix_school_fact_change_school_id_changed_at")
        batch_op.drop_index(batch_op.f("ix_school_fact_change_changed_at"))

    op.drop_table("school_fact_change")
    op.drop_table("school_fact")
