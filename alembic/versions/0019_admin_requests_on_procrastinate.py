"""Admin requests on PostgreSQL are procrastinate jobs: move the waiting ones over

Revision ID: 0019
Revises: 0015
Create Date: 2026-12-02

On PostgreSQL the scheduler now claims admin requests from procrastinate's queue ``admin``
(decision 0170), no longer from ``job_request``. Upgrade defers one job per request still
waiting, with the locks the API gives a new one (``queueing_lock`` ``request:<dedupe key>``; a
sync's ``lock`` ``sync-run``). A request marked running belonged to a scheduler stopped for the
upgrade (it could not record its end): it waits again, with a note, and gets a job too.
Downgrade deletes the admin queue's open jobs and puts their running requests back to
``queued`` for the table queue of the previous code. SQLite keeps the table queue: nothing to do.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STOPPED_NOTE = "its scheduler stopped for the upgrade to procrastinate; queued again"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        sa.text(
            "UPDATE job_request SET status = 'queued', claimed_at = NULL, claimed_by = NULL, "
            "result = :note WHERE status = 'running'"
        ).bindparams(note=STOPPED_NOTE)
    )
    # Identical waiting requests (the table allowed them in a race) share one queueing lock:
    # the oldest gets the job, the others are recorded as merged into it.
    op.execute(
        sa.text(
            "UPDATE job_request AS later SET status = 'failed', finished_at = now(), "
            "result = 'merged into request ' || earlier.id "
            "FROM job_request AS earlier "
            "WHERE later.status = 'queued' AND earlier.status = 'queued' "
            "AND later.dedupe_key = earlier.dedupe_key AND earlier.id < later.id"
        )
    )
    op.execute(
        sa.text(
            "SELECT procrastinate_defer_jobs_v1(array_agg(ROW('admin', 'admin_request', 0, "
            "CASE WHEN kind = 'sync' THEN 'sync-run' END, 'request:' || dedupe_key, "
            "jsonb_build_object('request_id', id), NULL)::procrastinate_job_to_defer_v1 "
            "ORDER BY id)) FROM job_request WHERE status = 'queued' HAVING count(*) > 0"
        )
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        sa.text(
            "UPDATE job_request SET status = 'queued', claimed_at = NULL, claimed_by = NULL "
            "WHERE status = 'running' AND id IN (SELECT (args->>'request_id')::bigint "
            "FROM procrastinate_jobs WHERE queue_name = 'admin' AND status = 'doing')"
        )
    )
    op.execute(
        sa.text(
            "DELETE FROM procrastinate_jobs WHERE queue_name = 'admin' "
            "AND status IN ('todo', 'doing')"
        )
    )
