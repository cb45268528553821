"""sync_partition, sync_partition_school, and (PostgreSQL) procrastinate's job schema

Revision ID: 0015
Revises: 0010
Create Date: 2026-12-02

A sync run on PostgreSQL is split into host partitions, each a procrastinate job (decision
0130). The job tables, functions and triggers are procrastinate's own: this migration applies
the schema SQL shipped inside the installed ``procrastinate`` package (``SchemaManager``), never
a copy, through the migration's connection and transaction. SQLite runs in one process with no
job engine and gets only the two bookkeeping tables.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.util.concurrency import await_

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _apply_procrastinate_schema() -> None:
    from procrastinate.schema import SchemaManager

    # Plpgsql bodies hold ``:`` and ``%``: the script goes to asyncpg as is (simple query
    # protocol: several statements, no parameters), inside the migration's transaction.
    bind = op.get_bind()
    bind.execute(sa.text("SELECT 1"))  # the driver's transaction is open from here on
    driver = bind.connection.dbapi_connection.driver_connection  # type: ignore[union-attr]
    await_(driver.execute(SchemaManager.get_schema()))


def upgrade() -> None:
    op.create_table(
        "sync_partition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("school_ids", sa.JSON(), nullable=False),
        sa.Column("hosts", sa.Integer(), nullable=False),
        sa.Column("links", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["sync_run.id"],
            name=op.f("fk_sync_partition_run_id_sync_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_partition")),
        sa.UniqueConstraint("run_id", "number", name=op.f("uq_sync_partition_run_id_number")),
    )
    op.create_index(op.f("ix_sync_partition_run_id"), "sync_partition", ["run_id"])
    op.create_table(
        "sync_partition_school",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partition_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partition_id"],
            ["sync_partition.id"],
            name=op.f("fk_sync_partition_school_partition_id_sync_partition"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_partition_school")),
        sa.UniqueConstraint(
            "partition_id",
            "school_id",
            name=op.f("uq_sync_partition_school_partition_id_school_id"),
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        _apply_procrastinate_schema()


_DROP_PROCRASTINATE = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
    procrastinate_workers CASCADE;
DO $$
DECLARE routine regprocedure;
BEGIN
    FOR routine IN SELECT oid::regprocedure FROM pg_proc WHERE proname LIKE 'procrastinate\\_%' LOOP
        EXECUTE 'DROP FUNCTION ' || routine || ' CASCADE';
    END LOOP;
END $$;
DROP TYPE IF EXISTS procrastinate_job_status, procrastinate_job_event_type,
    procrastinate_job_to_defer_v1 CASCADE;
"""


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        bind = op.get_bind()
        driver = bind.connection.dbapi_connection.driver_connection  # type: ignore[union-attr]
        await_(driver.execute(_DROP_PROCRASTINATE))
    op.drop_table("sync_partition_school")
    op.drop_index(op.f("ix_sync_partition_run_id"), table_name="sync_partition")
    op.drop_table("sync_partition")
