"""Bookkeeping of the running service: admin actions, queued jobs, webhooks, scheduler state.

None of these tables changes what the catalogue serves, so none bumps the data version
(``__versioned__ = False``, see :mod:`service.db.versioning`). Sync runs live in another table;
``JobRequest.run_id`` refers to one by its id without a foreign key, so this module stands alone.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.db.base import Base
from service.db.types import string_enum, utcnow


class AdminOutcome(enum.StrEnum):
    """What became of an admin action that passed authentication."""

    APPLIED = "applied"
    QUEUED = "queued"
    REJECTED = "rejected"


class AdminAction(Base):
    """One admin action: who (a token fingerprint, never the token), what, on what, and why."""

    __tablename__ = "admin_action"
    __versioned__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, object]] = mapped_column(default=dict)
    outcome: Mapped[AdminOutcome] = mapped_column(
        string_enum(AdminOutcome, "admin_outcome", length=16)
    )


class JobKind(enum.StrEnum):
    """What a queued request asks the scheduler to do (also the scheduled jobs' names)."""

    SYNC = "sync"
    IMPORT_FAQ = "import_faq"


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobRequest(Base):
    """A request queued through the API and run by the scheduler, at most once at a time.

    ``dedupe_key`` is the SHA-256 of the kind and its normalized target, so that asking twice for
    the same thing while the first request still waits returns the first one.
    """

    __tablename__ = "job_request"
    __versioned__ = False
    __table_args__ = (Index("ix_job_request_status_requested_at", "status", "requested_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(string_enum(JobKind, "job_kind", length=16))
    #: School slugs a sync is limited to; empty: every school.
    schools: Mapped[list[str]] = mapped_column(default=list)
    #: The page an FAQ import reads; absent: the configured source.
    url: Mapped[str | None] = mapped_column(String(2048))
    dedupe_key: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[JobStatus] = mapped_column(string_enum(JobStatus, "job_status", length=16))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    finished_at: Mapped[datetime | None]
    result: Mapped[str | None] = mapped_column(Text)
    #: Id of the sync run (or import) the request produced; no foreign key (see module docstring).
    run_id: Mapped[int | None]


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookDelivery(Base):
    """One event for one receiving URL: an outbox row, then the record of its attempts.

    ``body`` is the exact JSON sent (and signed) on every attempt, so that a retry is the same
    message; ``event_id`` lets receivers drop a duplicate.
    """

    __tablename__ = "webhook_delivery"
    __versioned__ = False
    __table_args__ = (Index("ix_webhook_delivery_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), index=True)
    event: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2048))
    body: Mapped[str] = mapped_column(Text)
    body_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[DeliveryStatus] = mapped_column(
        string_enum(DeliveryStatus, "delivery_status", length=16)
    )
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None]


class RunStatus(enum.StrEnum):
    """How a run of a job ended."""

    SUCCEEDED = "succeeded"
    FAILED = "failed"
    #: Stopped between two schools by a shutdown request; what was committed stays.
    INTERRUPTED = "interrupted"
    #: Not run, e.g. because a sync started by hand holds the run lock.
    SKIPPED = "skipped"


class SchoolBackoff(Base):
    """A school whose sync keeps failing: how often in a row, and when to try it again."""

    __tablename__ = "school_backoff"
    __versioned__ = False

    school_id: Mapped[int] = mapped_column(
        ForeignKey("school.id", ondelete="CASCADE"), primary_key=True
    )
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[datetime] = mapped_column(index=True)


class SchedulerState(Base):
    """What the scheduler last did for one job, and when it will run it next."""

    __tablename__ = "scheduler_state"
    __versioned__ = False

    job: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_started_at: Mapped[datetime | None]
    last_finished_at: Mapped[datetime | None]
    last_status: Mapped[RunStatus | None] = mapped_column(
        string_enum(RunStatus, "run_status", length=16)
    )
    last_summary: Mapped[str | None] = mapped_column(Text)
    last_success_at: Mapped[datetime | None]
    next_run_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
