"""sync_run: DEGRADED runs, the links reached, and the fetcher's statistics of each run

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

A run is judged on the links it *reached*, not only on those it judged (decision 0053): the new
status DEGRADED, the count ``links_reached``, and ``stats``, a JSON object of what the fetcher
did (requests, bytes, statuses, per-host latency, retries, robots refusals, duration). Runs
recorded before it get 0 and an empty object.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BEFORE = ("RUNNING", "OK", "PARTIAL", "FAILED", "ABORTED")
_AFTER = ("RUNNING", "OK", "PARTIAL", "DEGRADED", "FAILED", "ABORTED")


def _status(values: Sequence[str]) -> sa.Enum:
    return sa.Enum(
        *values, name="sync_run_status", native_enum=False, create_constraint=True, length=32
    )


def upgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.alter_column(
            "status", existing_type=_status(_BEFORE), type_=_status(_AFTER), nullable=False
        )
        batch.add_column(
            sa.Column("links_reached", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("stats", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    op.execute("UPDATE sync_run SET status = 'PARTIAL' WHERE status = 'DEGRADED'")
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_column("stats")
        batch.drop_column("links_reached")
        batch.alter_column(
            "status", existing_type=_status(_AFTER), type_=_status(_BEFORE), nullable=False
        )
