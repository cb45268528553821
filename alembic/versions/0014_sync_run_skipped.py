"""sync_run: the partner schools a run skipped, and why ("no links")

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-02

Every partner school appears in a run's record (issue 13): one with no active link is not
visited, and ``skipped`` says so (slug → reason). Runs recorded before it get an empty object.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.add_column(sa.Column("skipped", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("sync_run") as batch:
        batch.drop_column("skipped")
