"""Requests queued through the API (a sync, an FAQ import) and run by the scheduler.

``job_request`` is the admin's record of a request: what was asked, by whom, how it ended, which
run it made. What waits to run, and who runs it, depends on the database:

- **PostgreSQL**: procrastinate's queue (decision 0170). :func:`enqueue_job` defers one job of
  :data:`ADMIN_QUEUE` per new request in the caller's transaction (``procrastinate_defer_jobs_v1``,
  so the job exists exactly when the request is committed, and its NOTIFY wakes the schedulers).
  The job's ``queueing_lock`` is the request's dedupe key (two identical requests never both
  wait, even when asked at the same instant: the second gets the first); a sync's ``lock`` is
  :data:`SYNC_LOCK` (two requested syncs never run at once, whichever scheduler takes them).
  Schedulers claim, retry and finish these jobs through procrastinate
  (:mod:`scrapers.schedule.request_queue`).
- **SQLite** (one process, no job engine): a request is claimed by one
  ``UPDATE … WHERE id = (SELECT … LIMIT 1) AND status = 'queued' RETURNING`` statement. SQLite
  has one writer at a time; the statement must open its transaction (call it first in a fresh
  session) so that SQLite waits for the other writer instead of failing on a stale snapshot.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from service.db import JobKind, JobRequest, JobStatus, SyncLease, utcnow

#: procrastinate's queue and task of the admin requests (PostgreSQL).
ADMIN_QUEUE = "admin"
ADMIN_TASK = "admin_request"
#: The procrastinate ``lock`` of every requested sync: one runs at a time.
SYNC_LOCK = "sync-run"

_DEFER = text(
    "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(:queue, :task, 0, :lock, :queueing_lock, "
    "CAST(:args AS jsonb), NULL)::procrastinate_job_to_defer_v1])"
)


def admin_job_locks(kind: JobKind, dedupe_key: str) -> tuple[str | None, str]:
    """The procrastinate ``lock`` and ``queueing_lock`` of a request's job."""
    return (SYNC_LOCK if kind is JobKind.SYNC else None), f"request:{dedupe_key}"


async def defer_admin_job(session: AsyncSession, request: JobRequest) -> None:
    """Defer the procrastinate job that runs ``request`` (PostgreSQL), in the session's
    transaction. Raises :class:`IntegrityError` when an identical request's job waits."""
    lock, queueing_lock = admin_job_locks(request.kind, request.dedupe_key)
    await session.execute(
        _DEFER,
        {
            "queue": ADMIN_QUEUE,
            "task": ADMIN_TASK,
            "lock": lock,
            "queueing_lock": queueing_lock,
            "args": orjson.dumps({"request_id": request.id}).decode(),
        },
    )


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
    if session.get_bind().dialect.name != "postgresql":
        session.add(request)
        await session.flush()
        return Enqueued(request, created=True)
    try:
        async with session.begin_nested():
            session.add(request)
            await session.flush()
            await defer_admin_job(session, request)
    except IntegrityError:
        # An identical request was committed meanwhile: its job holds the queueing lock.
        waiting = await session.scalar(
            select(JobRequest)
            .where(JobRequest.dedupe_key == key, JobRequest.status == JobStatus.QUEUED)
            .order_by(JobRequest.id)
            .limit(1)
        )
        if waiting is None:
            raise
        return Enqueued(waiting, created=False)
    return Enqueued(request, created=True)


async def claim_next_job(
    session: AsyncSession, *, worker: str, now: datetime | None = None
) -> JobRequest | None:
    """Mark the oldest queued request running for ``worker`` and return it (``None``: empty).

    The SQLite queue; on PostgreSQL procrastinate claims. Commit right after, before running the
    request, so that the claim is visible to others.
    """
    oldest = (
        select(JobRequest.id)
        .where(JobRequest.status == JobStatus.QUEUED)
        .order_by(JobRequest.requested_at, JobRequest.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    return await _mark_running(session, JobRequest.id == oldest, worker=worker, now=now)


async def mark_job_running(
    session: AsyncSession, request_id: int, *, worker: str, now: datetime | None = None
) -> JobRequest | None:
    """Record that ``worker`` runs a request (procrastinate handed over its job); ``None``: the
    request is gone or no longer waits."""
    return await _mark_running(session, JobRequest.id == request_id, worker=worker, now=now)


async def _mark_running(
    session: AsyncSession, which: ColumnElement[bool], *, worker: str, now: datetime | None
) -> JobRequest | None:
    claimed = await session.scalars(
        update(JobRequest)
        .where(which, JobRequest.status == JobStatus.QUEUED)
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


async def requeue_job(session: AsyncSession, request_id: int, *, note: str) -> bool:
    """Put a running request back in the queue (it was interrupted or could not start);
    ``False``: it was not running."""
    requeued = await session.scalars(
        update(JobRequest)
        .where(JobRequest.id == request_id, JobRequest.status == JobStatus.RUNNING)
        .values(status=JobStatus.QUEUED, claimed_at=None, claimed_by=None, result=note)
        .returning(JobRequest.id)
    )
    return requeued.first() is not None


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


#: SQLite: the lease a scheduler holds on a request it runs, a ``sync_lease`` row by this name.
def request_lease_name(request_id: int) -> str:
    return f"job_request:{request_id}"


async def lease_job(
    session: AsyncSession, request_id: int, *, holder: str, until: datetime
) -> None:
    """SQLite: ``holder`` (``host:pid:suffix``) holds running request ``request_id`` until
    ``until``; it renews the lease while it runs it (:func:`renew_job_lease`)."""
    name = request_lease_name(request_id)
    await session.execute(delete(SyncLease).where(SyncLease.name == name))
    session.add(SyncLease(name=name, holder=holder, acquired_at=utcnow(), expires_at=until))
    await session.flush()


async def renew_job_lease(
    session: AsyncSession, request_id: int, *, holder: str, until: datetime
) -> bool:
    """Push the lease back to ``until``; ``False``: it is no longer ``holder``'s."""
    renewed = await session.execute(
        update(SyncLease)
        .where(SyncLease.name == request_lease_name(request_id), SyncLease.holder == holder)
        .values(expires_at=until)
    )
    return bool(getattr(renewed, "rowcount", 0))


async def release_job_lease(session: AsyncSession, request_id: int) -> None:
    await session.execute(delete(SyncLease).where(SyncLease.name == request_lease_name(request_id)))


@dataclass(frozen=True, slots=True)
class AbandonedJob:
    """A running request whose scheduler is gone, and what became of it."""

    request_id: int
    requeued: bool
    note: str


#: A request whose scheduler died while running it a second time is not queued again.
DIED_PREFIX = "its scheduler died while running it"


async def settle_abandoned_jobs(
    session: AsyncSession, *, now: datetime, is_gone: Callable[[str], bool]
) -> list[AbandonedJob]:
    """SQLite: requeue the running requests whose scheduler is gone: its lease expired (it
    stopped renewing: killed, its machine gone), or ``is_gone(holder)`` (a process of this host
    that no longer exists), or no lease at all (a request claimed before leases were kept).

    A request abandoned this way a second time (its note says so) fails instead, so that a
    request that kills its scheduler does not do so forever. Commit right after.
    """
    running = (
        await session.execute(
            select(JobRequest.id, JobRequest.claimed_by, JobRequest.result).where(
                JobRequest.status == JobStatus.RUNNING
            )
        )
    ).all()
    abandoned: list[AbandonedJob] = []
    for request_id, claimed_by, result in running:
        lease = (
            await session.execute(
                select(SyncLease.holder, SyncLease.expires_at).where(
                    SyncLease.name == request_lease_name(request_id)
                )
            )
        ).first()
        if lease is None:
            why = "holds no lease on it"
        elif lease.expires_at < now:
            why = "stopped renewing its lease"
        elif is_gone(lease.holder):
            why = "is gone: its process no longer exists"
        else:
            continue
        who = f"its scheduler ({lease.holder if lease else claimed_by or 'unknown'}) {why}"
        requeued = result is None or not result.startswith(DIED_PREFIX)
        if requeued:
            note = f"{DIED_PREFIX} ({who}); queued again"
            await requeue_job(session, request_id, note=note)
        else:
            note = f"{DIED_PREFIX} twice ({who}): not queued again"
            await finish_job(session, request_id, succeeded=False, result=note, now=now)
        await release_job_lease(session, request_id)
        abandoned.append(AbandonedJob(request_id, requeued=requeued, note=note))
    return abandoned
