"""Admin requests on PostgreSQL are procrastinate jobs (decision 0170): claimed once, merged
when identical, one requested sync at a time, woken by NOTIFY, retried when their scheduler dies.

(The SQLite queue is the ``job_request`` table: tests/service/operations/test_job_queue.py.)
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.schedule.jobs import JobOutcome
from scrapers.schedule.request_queue import (
    STALLED_NOTE,
    Claimed,
    EngineQueue,
    request_queue_for,
)
from service.db.models import JobKind, JobRequest, JobStatus, RunStatus
from service.operations.job_queue import ADMIN_QUEUE, Enqueued, enqueue_job

Sessions = async_sessionmaker[AsyncSession]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADMIN = "token:0123456789ab"


@pytest.fixture
def pg_sessions(sessions: Sessions) -> Sessions:
    if sessions.kw["bind"].dialect.name != "postgresql":
        pytest.skip("procrastinate's queue is PostgreSQL's; SQLite's is the job_request table")
    return sessions


@contextlib.asynccontextmanager
async def _queue(
    sessions: Sessions, worker: str, *, heartbeat: float = 0.2
) -> AsyncIterator[EngineQueue]:
    queue = request_queue_for(
        sessions, worker=worker, heartbeat_seconds=heartbeat, stalled_seconds=1
    )
    assert isinstance(queue, EngineQueue)
    async with queue.open():
        yield queue


async def _request(
    sessions: Sessions, kind: JobKind = JobKind.SYNC, schools: list[str] | None = None
) -> Enqueued:
    async with sessions() as session:
        queued = await enqueue_job(session, kind=kind, requested_by=ADMIN, schools=schools or [])
        await session.commit()
    return queued


async def _jobs(sessions: Sessions) -> list[tuple[str, str | None, str]]:
    async with sessions() as session:
        rows = await session.execute(
            text(
                "SELECT status::text, lock, queueing_lock FROM procrastinate_jobs "
                "WHERE queue_name = :queue ORDER BY id"
            ),
            {"queue": ADMIN_QUEUE},
        )
        return [(row[0], row[1], row[2]) for row in rows]


async def _row(sessions: Sessions, request_id: int) -> JobRequest:
    async with sessions() as session:
        row = await session.scalar(select(JobRequest).where(JobRequest.id == request_id))
    assert row is not None
    return row


async def test_a_request_is_a_job_claimed_by_exactly_one_of_two_schedulers(
    pg_sessions: Sessions,
) -> None:
    queued = await _request(pg_sessions)
    ((status, lock, queueing_lock),) = await _jobs(pg_sessions)
    assert (status, lock) == ("todo", "sync-run")
    assert queueing_lock == f"request:{queued.request.dedupe_key}"
    async with _queue(pg_sessions, "a") as first, _queue(pg_sessions, "b") as second:
        claims = await asyncio.gather(first.claim(T0), second.claim(T0))
        taken = [claim for claim in claims if claim is not None]
        assert [claim.request.id for claim in taken] == [queued.request.id]
        row = await _row(pg_sessions, queued.request.id)
        assert (row.status, row.claimed_at) == (JobStatus.RUNNING, T0)
        assert row.claimed_by in {"a", "b"}
        winner = first if claims[0] is not None else second
        await winner.settle(taken[0], JobOutcome(RunStatus.SUCCEEDED, "3 schools", 7), T0)
    row = await _row(pg_sessions, queued.request.id)
    assert (row.status, row.result, row.run_id) == (JobStatus.DONE, "3 schools", 7)
    assert await _jobs(pg_sessions) == []  # finished jobs are deleted: the row is the record


async def test_identical_requests_asked_at_once_are_one_request(pg_sessions: Sessions) -> None:
    async with pg_sessions() as first, pg_sessions() as second:
        one = await enqueue_job(first, kind=JobKind.SYNC, requested_by=ADMIN, schools=["a"])
        # The second waits on the first's queueing lock, then finds the committed request.
        other = asyncio.create_task(
            enqueue_job(second, kind=JobKind.SYNC, requested_by="token:b", schools=["a"])
        )
        await first.commit()
        two = await other
        await second.commit()
    assert (one.created, two.created, two.request.id) == (True, False, one.request.id)
    assert len(await _jobs(pg_sessions)) == 1


async def test_two_requested_syncs_never_run_at_once(pg_sessions: Sessions) -> None:
    first = await _request(pg_sessions, schools=["a"])
    second = await _request(pg_sessions, schools=["b"])
    imported = await _request(pg_sessions, JobKind.IMPORT_FAQ)
    async with _queue(pg_sessions, "a") as one, _queue(pg_sessions, "b") as two:
        running = await one.claim(T0)
        assert running is not None
        assert running.request.id == first.request.id
        # The other sync waits on the lock "sync-run"; the import has no such lock.
        other = await two.claim(T0)
        assert other is not None
        assert other.request.id == imported.request.id
        assert await two.claim(T0) is None
        await one.settle(running, JobOutcome(RunStatus.SUCCEEDED), T0)
        after = await two.claim(T0)
        assert after is not None
        assert after.request.id == second.request.id


async def _until_listening(sessions: Sessions) -> None:
    """Wait for the queue's LISTEN to be in place (its task runs it after ``open``)."""
    listening = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND query LIKE 'LISTEN %procrastinate_queue_v1#admin%'"
    )
    async with asyncio.timeout(30):
        while True:
            async with sessions() as session:
                if await session.scalar(listening):
                    return
            await asyncio.sleep(0.05)


async def test_a_committed_request_wakes_a_listening_scheduler(pg_sessions: Sessions) -> None:
    async with _queue(pg_sessions, "a") as queue:
        await _until_listening(pg_sessions)
        queue.wake.clear()
        await _request(pg_sessions)
        await asyncio.wait_for(queue.wake.wait(), timeout=30)
        assert await queue.claim(T0) is not None


async def test_an_interrupted_request_waits_again_for_any_scheduler(pg_sessions: Sessions) -> None:
    queued = await _request(pg_sessions)
    async with _queue(pg_sessions, "a") as queue:
        claimed = await queue.claim(T0)
        assert claimed is not None
        await queue.settle(claimed, JobOutcome(RunStatus.INTERRUPTED, "2 of 5 schools"), T0)
    row = await _row(pg_sessions, queued.request.id)
    assert (row.status, row.result) == (
        JobStatus.QUEUED,
        "interrupted: 2 of 5 schools; queued again",
    )
    assert [status for status, _, _ in await _jobs(pg_sessions)] == ["todo"]
    async with _queue(pg_sessions, "b") as queue:
        again = await queue.claim(T0)
    assert again is not None
    assert again.request.id == queued.request.id


async def test_the_request_of_a_dead_scheduler_goes_to_another(pg_sessions: Sessions) -> None:
    queued = await _request(pg_sessions)
    # The first scheduler beats once, at registration, then never again (as if killed).
    async with _queue(pg_sessions, "dead", heartbeat=3_600) as dead:
        claimed: Claimed | None = await dead.claim(T0)
        assert claimed is not None
        async with pg_sessions() as session:
            await session.execute(
                text("UPDATE procrastinate_workers SET last_heartbeat = now() - interval '1 hour'")
            )
            await session.commit()
        async with _queue(pg_sessions, "alive") as alive:
            taken = await alive.claim(T0)
        assert taken is not None
        assert taken.request.id == queued.request.id
    row = await _row(pg_sessions, queued.request.id)
    assert (row.status, row.claimed_by, row.result) == (JobStatus.RUNNING, "alive", STALLED_NOTE)
