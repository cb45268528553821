"""Requests queued through the API (a sync, an FAQ import) and picked up by the scheduler.

A request is claimed by exactly one scheduler, however many run: the claim is one
``UPDATE … WHERE id = (SELECT … LIMIT 1) AND status = 'queued' RETURNING`` statement. PostgreSQL
adds ``FOR UPDATE SKIP LOCKED`` to the inner select, so that two claimers take two different
requests instead of waiting on the same row. SQLite has one writer at a time; the statement must
open its transaction (call it first in a fresh session) so that SQLite waits for the other
writer instead of failing on a stale snapshot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import JobKind, JobRequest, JobStatus
from service.db.types import utcnow


@dataclass(frozen=True, slots=True)
class Enqueued:
    """The queued request, and whether this call created it (``False``: an identical one waits)."""

    request: JobRequest
    created: bool


def job_dedupe_key(kind: JobKind, schools: Sequence[str], url: str | None) -> str:
    """Identical requests share a key: same kind, same set of schools, same URL."""
    identity = orjson.dumps([kind.value, sorted(set(schools)), url])
    return hashlib.sha256(identity).hexdigest()


async def enqueue_job(
    session: AsyncSession,
    *,
    kind: JobKind,
    requested_by: str,
    schools: Sequence[str] = (),
    url: str | None = None,
    now: datetime | None = None,
) -> Enqueued:
    """Queue a request, or return the identical one still waiting.

    ``schools`` (slugs; empty: all) is for a sync, ``url`` (absent: the configured source) for an
    FAQ import; check them first with :mod:`service.admin.validation`.
    """
    if kind is JobKind.SYNC and url is not None:
        raise ValueError("a sync request has no URL")
    if kind is JobKind.IMPORT_FAQ and schools:
        raise ValueError("an FAQ import request has no schools")
    key = job_dedupe_key(kind, schools, url)
    waiting = await session.scalar(
        select(JobRequest)
        .where(JobRequest.dedupe_key == key, JobRequest.status == JobStatus.QUEUED)
        .order_by(JobRequest.id)
        .limit(1)
    )
    if waiting is not None:
        return Enqueued(waiting, created=False)
    request = JobRequest(
        kind=kind,
        schools=sorted(set(schools)),
        url=url,
        dedupe_key=key,
        status=JobStatus.QUEUED,
        requested_at=now or utcnow(),
        requested_by=requested_by,
    )
    session.add(request)
    await session.flush()
    return Enqueued(request, created=True)


async def claim_next_job(
    session: AsyncSession, *, worker: str, now: datetime | None = None
) -> JobRequest | None:
    """Mark the oldest queued request running for ``worker`` and return it (``None``: empty).

    Commit right after, before running the request, so that the claim is visible to others.
    """
    oldest = (
        select(JobRequest.id)
        .where(JobRequest.status == JobStatus.QUEUED)
        .order_by(JobRequest.requested_at, JobRequest.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claimed = await session.scalars(
        update(JobRequest)
        .where(JobRequest.id == oldest, JobRequest.status == JobStatus.QUEUED)
        .values(status=JobStatus.RUNNING, claimed_at=now or utcnow(), claimed_by=worker[:120])
        .returning(JobRequest),
        execution_options={"populate_existing": True},
    )
    return claimed.one_or_none()


async def finish_job(
    session: AsyncSession,
    request_id: int,
    *,
    succeeded: bool,
    result: str | None = None,
    run_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Record how a running request ended."""
    await session.execute(
        update(JobRequest)
        .where(JobRequest.id == request_id)
        .values(
            status=JobStatus.DONE if succeeded else JobStatus.FAILED,
            finished_at=now or utcnow(),
            result=result,
            run_id=run_id,
        )
    )


async def requeue_job(session: AsyncSession, request_id: int, *, note: str) -> None:
    """Put a running request back in the queue (it was interrupted or could not start)."""
    await session.execute(
        update(JobRequest)
        .where(JobRequest.id == request_id, JobRequest.status == JobStatus.RUNNING)
        .values(status=JobStatus.QUEUED, claimed_at=None, claimed_by=None, result=note)
    )


async def list_job_requests(
    session: AsyncSession, *, status: JobStatus | None = None, limit: int = 50
) -> list[JobRequest]:
    """The newest requests first, optionally of one status."""
    query = select(JobRequest).order_by(JobRequest.id.desc()).limit(max(1, min(limit, 200)))
    if status is not None:
        query = query.where(JobRequest.status == status)
    return list(await session.scalars(query))


async def count_job_requests_by_status(session: AsyncSession) -> dict[str, int]:
    """How many requests are in each status (for the metrics)."""
    rows = await session.execute(
        select(JobRequest.status, func.count()).group_by(JobRequest.status)
    )
    return {JobStatus(status).value: count for status, count in rows}
