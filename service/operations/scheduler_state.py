"""What the scheduler last did for each job and when it runs it next (the admin query reads it).

Rows are created on first use with ``INSERT … ON CONFLICT DO NOTHING``, so two schedulers
starting together cannot trip over each other's first write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import RunStatus, SchedulerState, utcnow


async def _ensure_row(session: AsyncSession, job: str) -> None:
    insert: Any = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    await session.execute(
        insert(SchedulerState)
        .values(job=job, updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=[SchedulerState.job])
    )


async def _update(session: AsyncSession, job: str, **values: object) -> None:
    await _ensure_row(session, job)
    await session.execute(
        update(SchedulerState)
        .where(SchedulerState.job == job)
        .values(**values, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


async def read_scheduler_states(session: AsyncSession) -> list[SchedulerState]:
    """Every job the scheduler has planned or run, by name."""
    return list(
        await session.scalars(
            select(SchedulerState)
            .order_by(SchedulerState.job)
            .execution_options(populate_existing=True)
        )
    )


async def record_next_run(session: AsyncSession, job: str, *, next_run_at: datetime) -> None:
    """The time the scheduler plans to run ``job`` next."""
    await _update(session, job, next_run_at=next_run_at)


async def record_run_started(session: AsyncSession, job: str, *, at: datetime) -> None:
    await _update(session, job, last_started_at=at)


async def record_run_finished(
    session: AsyncSession,
    job: str,
    *,
    at: datetime,
    status: RunStatus,
    summary: str | None = None,
    next_run_at: datetime | None = None,
) -> None:
    """How the run ended; a success also moves ``last_success_at``."""
    values: dict[str, object] = {
        "last_finished_at": at,
        "last_status": status,
        "last_summary": summary,
    }
    if status is RunStatus.SUCCEEDED:
        values["last_success_at"] = at
    if next_run_at is not None:
        values["next_run_at"] = next_run_at
    await _update(session, job, **values)
