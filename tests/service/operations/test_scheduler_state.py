"""The scheduler's record per job: last run, its status, last success, next run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.db.models import RunStatus
from service.operations.scheduler_state import (
    read_scheduler_states,
    record_next_run,
    record_run_finished,
    record_run_started,
)

T0 = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


async def test_a_run_moves_started_finished_status_and_next_run(session: AsyncSession) -> None:
    await record_next_run(session, "sync", next_run_at=T0)
    await record_run_started(session, "sync", at=T0)
    await record_run_finished(
        session,
        "sync",
        at=T0 + timedelta(minutes=9),
        status=RunStatus.SUCCEEDED,
        summary="31 schools synced",
        next_run_at=T0 + timedelta(days=7),
    )
    (state,) = await read_scheduler_states(session)
    assert (
        state.job,
        state.last_started_at,
        state.last_finished_at,
        state.last_status,
        state.last_summary,
        state.last_success_at,
        state.next_run_at,
    ) == (
        "sync",
        T0,
        T0 + timedelta(minutes=9),
        RunStatus.SUCCEEDED,
        "31 schools synced",
        T0 + timedelta(minutes=9),
        T0 + timedelta(days=7),
    )


async def test_a_failure_keeps_the_last_success(session: AsyncSession) -> None:
    await record_run_finished(session, "import_faq", at=T0, status=RunStatus.SUCCEEDED)
    await record_run_finished(
        session, "import_faq", at=T0 + timedelta(days=1), status=RunStatus.FAILED, summary="404"
    )
    (state,) = await read_scheduler_states(session)
    assert (state.last_status, state.last_success_at, state.last_summary) == (
        RunStatus.FAILED,
        T0,
        "404",
    )


async def test_jobs_are_listed_by_name(session: AsyncSession) -> None:
    await record_next_run(session, "sync", next_run_at=T0)
    await record_next_run(session, "import_faq", next_run_at=T0)
    assert [state.job for state in await read_scheduler_states(session)] == ["import_faq", "sync"]


async def test_two_schedulers_creating_the_same_row_do_not_collide(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as first, sessions() as second:
        await record_next_run(first, "sync", next_run_at=T0)
        await first.commit()
        await record_next_run(second, "sync", next_run_at=T0 + timedelta(hours=1))
        await second.commit()
        states = await read_scheduler_states(second)
    assert [(state.job, state.next_run_at) for state in states] == [
        ("sync", T0 + timedelta(hours=1))
    ]
