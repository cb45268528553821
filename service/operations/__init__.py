"""The service's own bookkeeping, beside the catalogue: queries of the admin log, the job queue,
the scheduler's state, the schools' sync back-off and the webhook outbox.

Like every query module, these take an ``AsyncSession`` and never commit: the edge (a request
handler, a scheduler step, a command) owns the transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from service.operations.admin_log import (
        AdminActionKind,
        list_admin_actions,
        record_admin_action,
    )
    from service.operations.job_queue import (
        ADMIN_QUEUE,
        AbandonedJob,
        claim_next_job,
        count_job_requests_by_status,
        enqueue_job,
        finish_job,
        lease_job,
        list_job_requests,
        mark_job_running,
        release_job_lease,
        renew_job_lease,
        requeue_job,
        settle_abandoned_jobs,
    )
    from service.operations.scheduler_state import (
        read_scheduler_states,
        record_next_run,
        record_run_finished,
        record_run_started,
    )
    from service.operations.school_backoff import (
        BackoffPolicy,
        list_school_backoffs,
        record_school_outcome,
    )
    from service.operations.webhook_outbox import (
        WebhookEvent,
        count_webhook_deliveries_by_status,
        due_webhook_deliveries,
        enqueue_webhook_event,
        lease_webhook_delivery,
        record_webhook_attempt,
    )

__all__ = [
    "ADMIN_QUEUE",
    "AbandonedJob",
    "AdminActionKind",
    "BackoffPolicy",
    "WebhookEvent",
    "claim_next_job",
    "count_job_requests_by_status",
    "count_webhook_deliveries_by_status",
    "due_webhook_deliveries",
    "enqueue_job",
    "enqueue_webhook_event",
    "finish_job",
    "lease_job",
    "lease_webhook_delivery",
    "list_admin_actions",
    "list_job_requests",
    "list_school_backoffs",
    "mark_job_running",
    "read_scheduler_states",
    "record_admin_action",
    "record_next_run",
    "record_run_finished",
    "record_run_started",
    "record_school_outcome",
    "record_webhook_attempt",
    "release_job_lease",
    "renew_job_lease",
    "requeue_job",
    "settle_abandoned_jobs",
]

__getattr__ = lazy_face(__name__, __file__)
