"""Where the scheduler finds the admin requests to run (decision 0170).

- **PostgreSQL**: procrastinate's queue :data:`~service.operations.job_queue.ADMIN_QUEUE`. The API
  defers one job per request (``queueing_lock``: identical requests never both wait; a sync's
  ``lock``: two requested syncs never run at once). The scheduler registers as a procrastinate
  worker (heartbeat every ``SYNC_WORKER_HEARTBEAT_SECONDS``), is woken by the queue's
  LISTEN/NOTIFY as soon as a request is committed, claims jobs with procrastinate's own fetch
  (``FOR UPDATE SKIP LOCKED``, honouring the locks), and finishes or retries them. The jobs of a
  scheduler silent for ``SYNC_WORKER_STALLED_SECONDS`` (killed, its machine gone) are retried:
  their requests go back to the queue and another scheduler runs them.
- **SQLite** (one process, no job engine): the ``job_request`` table is the queue
  (:func:`~service.operations.job_queue.claim_next_job`). A claimed request is leased to its
  scheduler, renewed every ``SYNC_WORKER_HEARTBEAT_SECONDS``; the request of a scheduler that is
  gone (its process no longer exists on this host, or its lease of
  ``SYNC_WORKER_STALLED_SECONDS`` expired) is queued again by the next claim, and failed if its
  scheduler dies a second time while running it.

Either way ``job_request`` keeps the admin's record of each request (status, result, run).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from procrastinate import App, PsycopgConnector
from procrastinate.jobs import Job as EngineJob
from procrastinate.jobs import Status
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from scrapers.schedule.jobs import JobOutcome, QueuedRequest
from scrapers.sync import holder_is_gone, libpq_conninfo, runner_name
from service.db import RunStatus, utcnow
from service.operations import (
    ADMIN_QUEUE,
    claim_next_job,
    finish_job,
    lease_job,
    mark_job_running,
    release_job_lease,
    renew_job_lease,
    requeue_job,
    settle_abandoned_jobs,
)

log = logging.getLogger(__name__)

#: The request's note when its scheduler stopped answering while running it.
STALLED_NOTE = "its scheduler stopped answering; queued again"


@dataclass(frozen=True, slots=True)
class Claimed:
    """A request this scheduler runs, with its procrastinate job (``None`` on SQLite)."""

    request: QueuedRequest
    job: EngineJob | None = None


class RequestQueue(Protocol):
    #: Set when a request may be waiting (a NOTIFY from the queue); the loop clears it.
    wake: asyncio.Event

    def open(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Connect for the duration of the block (the scheduler's run)."""
        ...

    async def claim(self, now: datetime) -> Claimed | None:
        """The next request, marked running for this scheduler; ``None``: none waits."""
        ...

    async def settle(self, claimed: Claimed, outcome: JobOutcome, now: datetime) -> None:
        """Record how a request ended; an interrupted or skipped one waits again."""
        ...


async def _record(
    session: AsyncSession, request: QueuedRequest, outcome: JobOutcome, now: datetime
) -> bool:
    """Write the outcome on the request's row; ``True`` when the request waits again."""
    if outcome.status in (RunStatus.INTERRUPTED, RunStatus.SKIPPED):
        note = f"{outcome.status.value}: {outcome.summary}".rstrip(": ") + "; queued again"
        await requeue_job(session, request.id, note=note)
        return True
    await finish_job(
        session,
        request.id,
        succeeded=outcome.status is RunStatus.SUCCEEDED,
        result=outcome.summary or None,
        run_id=outcome.run_id,
        now=now,
    )
    return False


class TableQueue:
    """SQLite: the ``job_request`` table is the queue, polled by the loop.

    A claimed request is leased to this scheduler (a ``sync_lease`` row naming its host and
    process, taken in the claim's transaction) for ``stalled_seconds``, renewed every
    ``heartbeat_seconds`` while it runs. Before each claim, the running requests of a scheduler
    that is gone (its process no longer exists on this host, or its lease expired) are queued
    again, or failed the second time (:func:`~service.operations.settle_abandoned_jobs`).
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        worker: str,
        heartbeat_seconds: float = 2.0,
        stalled_seconds: float = 10.0,
    ) -> None:
        self._sessions = sessions
        self._worker = worker
        #: The leases' holder: host, process id and a random suffix (process ids are reused).
        self.holder = runner_name()
        self._heartbeat = heartbeat_seconds
        self._lease = timedelta(seconds=stalled_seconds)
        self._renewals: dict[int, asyncio.Task[None]] = {}
        self.wake = asyncio.Event()

    @contextlib.asynccontextmanager
    async def open(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            for renewal in self._renewals.values():
                renewal.cancel()
            await asyncio.gather(*self._renewals.values(), return_exceptions=True)
            self._renewals.clear()

    async def claim(self, now: datetime) -> Claimed | None:
        async with self._sessions() as session:
            abandoned = await settle_abandoned_jobs(session, now=now, is_gone=holder_is_gone)
            await session.commit()
        for job in abandoned:
            log.warning("admin request %s: %s", job.request_id, job.note)
        async with self._sessions() as session:
            row = await claim_next_job(session, worker=self._worker, now=now)
            if row is not None:
                await lease_job(session, row.id, holder=self.holder, until=now + self._lease)
            await session.commit()
        if row is None:
            return None
        self._renewals[row.id] = asyncio.create_task(self._renew(row.id))
        return Claimed(QueuedRequest.from_row(row))

    async def _renew(self, request_id: int) -> None:
        while True:
            await asyncio.sleep(self._heartbeat)
            try:
                async with self._sessions() as session:
                    until = utcnow() + self._lease
                    await renew_job_lease(session, request_id, holder=self.holder, until=until)
                    await session.commit()
            except Exception as exc:  # the database is busy or away: the next beat tries again
                log.warning("could not renew the lease of admin request %s: %s", request_id, exc)

    async def settle(self, claimed: Claimed, outcome: JobOutcome, now: datetime) -> None:
        renewal = self._renewals.pop(claimed.request.id, None)
        if renewal is not None:
            renewal.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewal
        async with self._sessions() as session:
            await _record(session, claimed.request, outcome, now)
            await release_job_lease(session, claimed.request.id)
            await session.commit()


def _request_id(job: EngineJob) -> int | None:
    value = job.task_kwargs.get("request_id")
    return value if isinstance(value, int) else None


class EngineQueue:
    """PostgreSQL: procrastinate's admin queue; the scheduler is one of its workers."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        conninfo: str,
        worker: str,
        heartbeat_seconds: float,
        stalled_seconds: float,
    ) -> None:
        self._sessions = sessions
        self._worker = worker
        self._heartbeat = heartbeat_seconds
        self._stalled = stalled_seconds
        self._app = App(connector=PsycopgConnector(conninfo=conninfo, min_size=1, max_size=3))
        self._worker_id: int | None = None
        self.wake = asyncio.Event()

    @contextlib.asynccontextmanager
    async def open(self) -> AsyncIterator[None]:
        async with self._app.open_async():
            manager = self._app.job_manager
            self._worker_id = await manager.register_worker()
            tasks = [
                asyncio.create_task(self._beat(self._worker_id)),
                asyncio.create_task(
                    manager.listen_for_jobs(on_notification=self._notified, queues=[ADMIN_QUEUE])
                ),
            ]
            try:
                yield
            finally:
                for task in tasks:
                    task.cancel()
                for task in tasks:
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
                try:
                    await manager.unregister_worker(self._worker_id)
                except Exception as exc:  # gone with the database: it will look stalled
                    log.warning("could not unregister the scheduler's worker: %s", exc)
                self._worker_id = None

    async def _notified(self, *, channel: str, notification: Any) -> None:
        self.wake.set()

    async def _beat(self, worker_id: int) -> None:
        while True:
            await asyncio.sleep(self._heartbeat)
            try:
                await self._app.job_manager.update_heartbeat(worker_id)
            except Exception as exc:  # the database is away: the next beat tries again
                log.warning("scheduler heartbeat failed: %s", exc)

    async def _retry_stalled(self) -> None:
        manager = self._app.job_manager
        stalled = await manager.get_stalled_jobs(
            queue=ADMIN_QUEUE, seconds_since_heartbeat=self._stalled
        )
        for job in stalled:
            request_id = _request_id(job)
            requeued = False
            if request_id is not None:
                async with self._sessions() as session:
                    requeued = await requeue_job(session, request_id, note=STALLED_NOTE)
                    await session.commit()
            if requeued:
                log.warning("admin request %s: %s", request_id, STALLED_NOTE)
                await manager.retry_job(job)
            else:  # its scheduler recorded the end, then died before finishing the job
                await manager.finish_job(job, status=Status.ABORTED, delete_job=True)

    async def claim(self, now: datetime) -> Claimed | None:
        assert self._worker_id is not None, "open the queue first"
        await self._retry_stalled()
        manager = self._app.job_manager
        while True:
            job = await manager.fetch_job(queues=[ADMIN_QUEUE], worker_id=self._worker_id)
            if job is None:
                return None
            request_id = _request_id(job)
            row = None
            if request_id is not None:
                async with self._sessions() as session:
                    row = await mark_job_running(session, request_id, worker=self._worker, now=now)
                    await session.commit()
            if row is not None:
                return Claimed(QueuedRequest.from_row(row), job)
            # Its request is gone or already ended (a retry after its scheduler recorded it).
            log.warning("admin job %s has no waiting request (%s): dropped", job.id, request_id)
            await manager.finish_job(job, status=Status.ABORTED, delete_job=True)

    async def settle(self, claimed: Claimed, outcome: JobOutcome, now: datetime) -> None:
        assert claimed.job is not None
        async with self._sessions() as session:
            again = await _record(session, claimed.request, outcome, now)
            await session.commit()
        manager = self._app.job_manager
        if again:
            await manager.retry_job(claimed.job)
        else:
            status = Status.SUCCEEDED if outcome.status is RunStatus.SUCCEEDED else Status.FAILED
            await manager.finish_job(claimed.job, status=status, delete_job=True)


def request_queue_for(
    sessions: async_sessionmaker[AsyncSession],
    *,
    worker: str,
    heartbeat_seconds: float,
    stalled_seconds: float,
) -> RequestQueue:
    """The queue of the sessions' database: procrastinate on PostgreSQL, the table on SQLite."""
    engine = sessions.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    if engine.dialect.name != "postgresql":
        return TableQueue(
            sessions,
            worker=worker,
            heartbeat_seconds=heartbeat_seconds,
            stalled_seconds=stalled_seconds,
        )
    return EngineQueue(
        sessions,
        conninfo=libpq_conninfo(engine.url),
        worker=worker,
        heartbeat_seconds=heartbeat_seconds,
        stalled_seconds=stalled_seconds,
    )
