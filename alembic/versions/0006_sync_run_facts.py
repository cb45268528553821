"""sync_run.facts: what each run did to the scraped facts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

A JSON object per run (changed, confirmed, marked_stale, findings); runs recorded before it
get an empty object.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_column("facts")
