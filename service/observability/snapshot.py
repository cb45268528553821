"""What the database says about the service, read when Prometheus scrapes ``/metrics``.

The API process serves the metrics, but syncs and imports happen in the scheduler process, so
their outcome is read from the database at scrape time rather than counted in memory. Tables
that other parts of the service own (link health, sync runs) are reached through query functions
passed in, so that this module depends only on what it reads itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.db import SchedulerState
from service.operations import count_job_requests_by_status, count_webhook_deliveries_by_status

CountQuery = Callable[[AsyncSession], Awaitable[Mapping[str, int]]]
TimesQuery = Callable[[AsyncSession], Awaitable[Mapping[str, datetime]]]


@dataclass(frozen=True, slots=True)
class MetricsSnapshot:
    """Counts by label value and times by job name, as read from the database."""

    links_by_health: Mapping[str, int] = field(default_factory=dict)
    sync_runs_by_status: Mapping[str, int] = field(default_factory=dict)
    #: Current scraped values by freshness: ``fresh``, or ``stale`` (the last sync could not
    #: confirm them).
    school_facts_by_freshness: Mapping[str, int] = field(default_factory=dict)
    job_requests_by_status: Mapping[str, int] = field(default_factory=dict)
    webhook_deliveries_by_status: Mapping[str, int] = field(default_factory=dict)
    #: Last successful run per job ("sync", "import_faq").
    last_success_at: Mapping[str, datetime] = field(default_factory=dict)
    #: When the scheduler plans to run each job next.
    next_run_at: Mapping[str, datetime] = field(default_factory=dict)


async def last_scheduled_successes(session: AsyncSession) -> dict[str, datetime]:
    """Last success per job as the scheduler recorded it."""
    rows = await session.execute(
        select(SchedulerState.job, SchedulerState.last_success_at).where(
            SchedulerState.last_success_at.is_not(None)
        )
    )
    return {job: at for job, at in rows if at is not None}


async def planned_next_runs(session: AsyncSession) -> dict[str, datetime]:
    rows = await session.execute(
        select(SchedulerState.job, SchedulerState.next_run_at).where(
            SchedulerState.next_run_at.is_not(None)
        )
    )
    return {job: at for job, at in rows if at is not None}


@dataclass(frozen=True, slots=True)
class SnapshotQueries:
    """Where the snapshot's figures come from; absent queries leave their figures empty.

    ``last_success_at`` defaults to the scheduler's record; pass a query over the sync-run and
    import tables to count runs started by hand too.
    """

    links_by_health: CountQuery | None = None
    sync_runs_by_status: CountQuery | None = None
    school_facts_by_freshness: CountQuery | None = None
    last_success_at: TimesQuery = last_scheduled_successes


async def read_metrics_snapshot(
    session: AsyncSession, queries: SnapshotQueries | None = None
) -> MetricsSnapshot:
    """Read every figure in one session (a handful of small aggregate queries)."""
    queries = queries or SnapshotQueries()
    return MetricsSnapshot(
        links_by_health=await queries.links_by_health(session) if queries.links_by_health else {},
        sync_runs_by_status=(
            await queries.sync_runs_by_status(session) if queries.sync_runs_by_status else {}
        ),
        school_facts_by_freshness=(
            await queries.school_facts_by_freshness(session)
            if queries.school_facts_by_freshness
            else {}
        ),
        job_requests_by_status=await count_job_requests_by_status(session),
        webhook_deliveries_by_status=await count_webhook_deliveries_by_status(session),
        last_success_at=await queries.last_success_at(session),
        next_run_at=await planned_next_runs(session),
    )


def snapshot_reader(
    sessions: async_sessionmaker[AsyncSession],
    queries: SnapshotQueries | None = None,
    *,
    timeout: float = 5.0,
) -> Callable[[], Awaitable[MetricsSnapshot]]:
    """A zero-argument reader for :func:`service.observability.metrics.metrics_endpoint`."""

    async def read() -> MetricsSnapshot:
        async with asyncio.timeout(timeout), sessions() as session:
            return await read_metrics_snapshot(session, queries)

    return read
