"""The record of each sync run: opened when it starts, closed with its counts when it ends."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import SyncRun, SyncRunStatus, utcnow

INTERRUPTED = "interrupted: the process ended before the run finished"


async def close_interrupted_runs(session: AsyncSession) -> int:
    """Mark runs still RUNNING as failed; call only while holding the run lock.

    Holding the lock proves no other run is alive, so a RUNNING row belongs to a run that was
    killed. What it committed school by school stays as it is.
    """
    result = await session.execute(
        update(SyncRun)
        .where(SyncRun.status == SyncRunStatus.RUNNING)
        .values(status=SyncRunStatus.FAILED, error=INTERRUPTED)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def open_run(session: AsyncSession, *, schools: Sequence[str], runner: str) -> SyncRun:
    run = SyncRun(
        status=SyncRunStatus.RUNNING, schools=list(schools), runner=runner, started_at=utcnow()
    )
    session.add(run)
    await session.flush()
    return run


async def close_run(
    session: AsyncSession,
    run_id: int,
    *,
    status: SyncRunStatus,
    links_total: int,
    links_checked: int,
    counts: Mapping[str, int],
    errors: Mapping[str, str],
    facts: Mapping[str, int] | None = None,
    skipped: Mapping[str, str] | None = None,
    error: str | None = None,
    links_reached: int = 0,
    stats: Mapping[str, object] | None = None,
) -> None:
    await session.execute(
        update(SyncRun)
        .where(SyncRun.id == run_id)
        .values(
            status=status,
            finished_at=utcnow(),
            links_total=links_total,
            links_checked=links_checked,
            counts=dict(sorted(counts.items())),
            errors=dict(sorted(errors.items())),
            skipped=dict(sorted((skipped or {}).items())),
            facts=dict(facts or {}),
            error=error,
            links_reached=links_reached,
            stats=dict(stats or {}),
        )
    )
