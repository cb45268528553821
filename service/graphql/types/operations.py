"""What admins read about the running service: the admin log, queued jobs, the scheduler."""

from __future__ import annotations

import enum
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from service.db import AdminAction as AdminActionRow
from service.db import JobRequest as JobRequestRow
from service.db import SchedulerState as SchedulerStateRow
from service.db import SchoolBackoff as SchoolBackoffRow
from service.graphql.context import GraphQLInfo
from service.graphql.types.catalogue import School, existing_school


@strawberry.enum(description="What a queued request asks the scheduler to do.")
class JobKind(enum.Enum):
    SYNC = strawberry.enum_value("sync", description="Visit the partners' pages.")
    IMPORT_FAQ = strawberry.enum_value("import_faq", description="Import the FAQ page.")


@strawberry.enum(description="Where a queued request is.")
class JobStatus(enum.Enum):
    QUEUED = strawberry.enum_value("queued", description="Waiting for the scheduler.")
    RUNNING = strawberry.enum_value("running", description="Claimed by a scheduler, running.")
    DONE = strawberry.enum_value("done", description="Finished.")
    FAILED = strawberry.enum_value("failed", description="Ended with an error (see `result`).")


@strawberry.enum(description="How the scheduler's last run of a job ended.")
class JobRunStatus(enum.Enum):
    SUCCEEDED = strawberry.enum_value("succeeded", description="It did its work.")
    FAILED = strawberry.enum_value("failed", description="It failed (see the summary).")
    INTERRUPTED = strawberry.enum_value(
        "interrupted", description="Stopped by a shutdown; what it committed stays."
    )
    SKIPPED = strawberry.enum_value("skipped", description="Not run (another run held the lock).")


@strawberry.enum(description="How an admin action ended.")
class AdminOutcome(enum.Enum):
    APPLIED = strawberry.enum_value("applied", description="It took effect.")
    QUEUED = strawberry.enum_value("queued", description="Queued for the scheduler.")
    REJECTED = strawberry.enum_value("rejected", description="Refused for its input.")


@strawberry.type(description="One entry of the admin log.")
class AdminAction:
    id: int = strawberry.field(description="Increasing with time.")
    at: datetime = strawberry.field(description="When.")
    actor: str = strawberry.field(
        description='Who: the fingerprint of the token used ("token:<12 hex>"), never the token.'
    )
    action: str = strawberry.field(description='What: "override_school_field", "request_sync", …')
    target: str = strawberry.field(description="On what: a school slug, the schools, a URL.")
    reason: str | None = strawberry.field(description="Why, as the admin wrote it.")
    payload: JSON = strawberry.field(
        description="The details: the value set and the one it replaced, the queued request, "
        "or the error of a rejected action."
    )
    outcome: AdminOutcome = strawberry.field(description="How it ended.")

    @classmethod
    def from_model(cls, row: AdminActionRow) -> AdminAction:
        return cls(
            id=row.id,
            at=row.at,
            actor=row.actor,
            action=row.action,
            target=row.target,
            reason=row.reason,
            payload=JSON(row.payload),
            outcome=AdminOutcome(row.outcome.value),
        )


@strawberry.type(description="A sync or an FAQ import queued through the API.")
class JobRequest:
    id: int = strawberry.field(description="The request's number.")
    kind: JobKind = strawberry.field(description="What it asks for.")
    schools: list[str] = strawberry.field(
        description="The school slugs a sync is limited to; empty: every school."
    )
    url: str | None = strawberry.field(
        description="The page an FAQ import reads; null: the configured source."
    )
    status: JobStatus = strawberry.field(description="Where it is.")
    requested_at: datetime = strawberry.field(description="When it was queued.")
    requested_by: str = strawberry.field(description="Who queued it (a token fingerprint).")
    claimed_at: datetime | None = strawberry.field(description="When a scheduler took it.")
    claimed_by: str | None = strawberry.field(description="Which scheduler took it.")
    finished_at: datetime | None = strawberry.field(description="When it ended.")
    result: str | None = strawberry.field(description="How it ended, in a sentence.")
    run_id: int | None = strawberry.field(description="The sync run it produced, if any.")

    @classmethod
    def from_model(cls, row: JobRequestRow) -> JobRequest:
        return cls(
            id=row.id,
            kind=JobKind(row.kind.value),
            schools=list(row.schools),
            url=row.url,
            status=JobStatus(row.status.value),
            requested_at=row.requested_at,
            requested_by=row.requested_by,
            claimed_at=row.claimed_at,
            claimed_by=row.claimed_by,
            finished_at=row.finished_at,
            result=row.result,
            run_id=row.run_id,
        )


@strawberry.type(description="What the scheduler last did for one job, and when it runs it next.")
class ScheduledJob:
    job: str = strawberry.field(description='"sync" or "import_faq".')
    last_started_at: datetime | None = strawberry.field(description="When the last run started.")
    last_finished_at: datetime | None = strawberry.field(description="When it ended.")
    last_status: JobRunStatus | None = strawberry.field(description="How it ended.")
    last_summary: str | None = strawberry.field(description="What it did, in a sentence.")
    last_success_at: datetime | None = strawberry.field(description="When a run last succeeded.")
    next_run_at: datetime | None = strawberry.field(description="When it is planned to run next.")
    updated_at: datetime = strawberry.field(description="When the scheduler last wrote this.")

    @classmethod
    def from_model(cls, row: SchedulerStateRow) -> ScheduledJob:
        return cls(
            job=row.job,
            last_started_at=row.last_started_at,
            last_finished_at=row.last_finished_at,
            last_status=None if row.last_status is None else JobRunStatus(row.last_status.value),
            last_summary=row.last_summary,
            last_success_at=row.last_success_at,
            next_run_at=row.next_run_at,
            updated_at=row.updated_at,
        )


@strawberry.type(description="A school whose sync keeps failing, left alone for a while.")
class SchoolBackoff:
    school_id: strawberry.Private[int]
    consecutive_failures: int = strawberry.field(description="Failures in a row.")
    last_failure_at: datetime = strawberry.field(description="When it last failed.")
    last_error: str | None = strawberry.field(description="Why it last failed.")
    next_attempt_at: datetime = strawberry.field(
        description="Scheduled syncs leave it alone until then (an admin's request does not)."
    )

    @strawberry.field(description="The school.")
    async def school(self, info: GraphQLInfo) -> School:
        return await existing_school(info, self.school_id)

    @classmethod
    def from_model(cls, row: SchoolBackoffRow) -> SchoolBackoff:
        return cls(
            school_id=row.school_id,
            consecutive_failures=row.consecutive_failures,
            last_failure_at=row.last_failure_at,
            last_error=row.last_error,
            next_attempt_at=row.next_attempt_at,
        )


@strawberry.type(description="Entries of the admin log, newest first.")
class AdminActionList:
    nodes: list[AdminAction] = strawberry.field(description="The entries.")


@strawberry.type(description="Queued requests, newest first.")
class JobRequestList:
    nodes: list[JobRequest] = strawberry.field(description="The requests.")


@strawberry.type(description="The scheduler's state: its jobs and the schools it backs off.")
class SchedulerStatus:
    jobs: list[ScheduledJob] = strawberry.field(
        description="Every job the scheduler has planned or run, by name."
    )
    backoffs: list[SchoolBackoff] = strawberry.field(
        description="Schools with failures on record, the next attempt soonest first."
    )
