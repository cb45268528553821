"""Allow the ABORTED sync run status.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

A run that loses its lock stops and is recorded ABORTED with the reason (issue 17, decision
0034). The status column is VARCHAR + CHECK, so the CHECK constraint is rebuilt with the new
value (SQLite through batch mode, which copies the table).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NAME = "ck_sync_run_sync_run_status"
_OLD = ("RUNNING", "OK", "PARTIAL", "FAILED")
_NEW = (*_OLD, "ABORTED")


def _check(values: tuple[str, ...]) -> str:
    return "status IN ({})".format(", ".join(f"'{value}'" for value in values))


def upgrade() -> None:
    with op.batch_alter_table("sync_run", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(_NAME), type_="check")
        batch_op.create_check_constraint(op.f(_NAME), _check(_NEW))


def downgrade() -> None:
    # An ABORTED run was a failed one before this revision.
    op.execute("UPDATE sync_run SET status = 'FAILED' WHERE status = 'ABORTED'")
    with op.batch_alter_table("sync_run", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(_NAME), type_="check")
        batch_op.create_check_constraint(op.f(_NAME), _check(_OLD))
