"""The scheduler's loop: run what is due, serve queued requests, deliver webhooks, sleep.

One pass of the loop:

1. runs every scheduled job whose time has come, one after the other (never two at once);
2. claims queued admin requests one by one and runs the matching job for each (from
   procrastinate's queue on PostgreSQL, the ``job_request`` table on SQLite:
   :mod:`scrapers.schedule.request_queue`);
3. runs the tick tasks (webhook delivery);
4. sleeps until the next planned run or the next poll, whichever is first, or until stopped, or
   (PostgreSQL) until the queue's NOTIFY says a request was committed.

Planning survives restarts: a job's next run is computed from its last recorded start, so a run
missed while the scheduler was down happens at start-up (once, not once per missed slot), and a
run that was interrupted, skipped or never finished is started again. A job whose work was never
done on this database (no FAQ page imported, no sync run) is due at start-up too (decision
0054), so a first start serves the catalogue at once, not after the next cron time. A scheduled
run skipped because a sync started by hand holds the run lock is tried again every
:data:`SKIPPED_RETRY`
(or poll interval, if longer) until it runs. Every start, end and plan is committed to
``scheduler_state`` at once, for the admin query and the metrics.

Stopping (:meth:`Scheduler.request_stop`, wired to SIGTERM/SIGINT by
:mod:`scrapers.schedule.signals`) sets an event the running job sees through its context; the
loop records the job's outcome and returns. An interrupted request goes back to the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.schedule.clock import Clock
from scrapers.schedule.jobs import Job, JobContext, JobOutcome, ScheduledJob
from scrapers.schedule.request_queue import RequestQueue, request_queue_for
from service.config import SyncSettings
from service.db import JobKind, RunStatus, SchedulerState
from service.observability import bind_log_fields
from service.operations import (
    read_scheduler_states,
    record_next_run,
    record_run_finished,
    record_run_started,
)

log = logging.getLogger(__name__)

TickTask = Callable[[], Awaitable[None]]

#: How soon a scheduled run that was skipped (the run lock was taken) is tried again.
SKIPPED_RETRY = timedelta(minutes=1)


#: The sync room's defaults, for a scheduler built without settings (tests).
_SYNC_DEFAULTS = SyncSettings()


def _needs_rerun(state: SchedulerState) -> bool:
    if state.last_status in (RunStatus.INTERRUPTED, RunStatus.SKIPPED):
        return True
    started, finished = state.last_started_at, state.last_finished_at
    return started is not None and (finished is None or finished < started)


class Scheduler:
    """Runs ``scheduled`` jobs on time and queued requests through ``handlers``."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Clock,
        scheduled: Sequence[ScheduledJob],
        handlers: Mapping[JobKind, Job],
        poll_interval: timedelta,
        worker: str,
        tick_tasks: Sequence[TickTask] = (),
        queue: RequestQueue | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._scheduled = list(scheduled)
        self._handlers = dict(handlers)
        self._poll_interval = poll_interval
        self._worker = worker
        self._tick_tasks = list(tick_tasks)
        self._next: dict[JobKind, datetime] = {}
        self.stop = asyncio.Event()
        self._queue = queue or request_queue_for(
            sessions,
            worker=worker,
            heartbeat_seconds=_SYNC_DEFAULTS.worker_heartbeat_seconds,
            stalled_seconds=_SYNC_DEFAULTS.worker_stalled_seconds,
        )

    def request_stop(self) -> None:
        """Finish the job in flight (between two schools), record it, and leave :meth:`run`."""
        self.stop.set()

    @property
    def next_runs(self) -> Mapping[JobKind, datetime]:
        return dict(self._next)

    async def run(self) -> None:
        """Loop until :meth:`request_stop`; errors of one pass are logged, and the loop goes on."""
        log.info("scheduler %s started", self._worker)
        async with self._queue.open():
            await self._plan()
            while not self.stop.is_set():
                # Cleared before the pass: a request committed during it wakes the next sleep.
                self._queue.wake.clear()
                failed = not await self._pass()
                if self.stop.is_set():
                    break
                wake = self._clock.now() + self._poll_interval
                if not failed:
                    wake = min([*self._next.values(), wake])
                await self._sleep_until(wake)
        log.info("scheduler %s stopped", self._worker)

    async def _sleep_until(self, deadline: datetime) -> None:
        """Sleep until ``deadline``, a stop request, or a request committed to the queue."""
        sleeping = asyncio.create_task(self._clock.sleep_until(deadline, self.stop))
        woken = asyncio.create_task(self._queue.wake.wait())
        try:
            await asyncio.wait({sleeping, woken}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            if not sleeping.done():
                sleeping.cancel()
            await asyncio.gather(woken, return_exceptions=True)
        if not sleeping.cancelled():
            with contextlib.suppress(asyncio.CancelledError):
                await sleeping

    async def run_once(self) -> bool:
        """Plan, make one pass (due jobs, queued requests, tick tasks) and return.

        For ``mobility schedule --once``: what is due (missed, interrupted or skipped runs, a
        cron time already past, or work never done) and what is queued runs now; ``False`` if
        the pass failed.
        """
        log.info("scheduler %s started for one pass", self._worker)
        async with self._queue.open():
            await self._plan()
            passed = await self._pass()
        log.info("scheduler %s stopped", self._worker)
        return passed

    async def _pass(self) -> bool:
        """One pass of the loop; ``False`` (logged) if it failed."""
        try:
            await self._run_due_jobs()
            await self._serve_queue()
            await self._run_tick_tasks()
        except Exception:
            # The database may be restarting: log, wait a poll interval, try again (a due
            # job would otherwise be retried in a tight loop).
            log.exception("scheduler pass failed")
            return False
        return True

    async def _plan(self) -> None:
        now = self._clock.now()
        async with self._sessions() as session:
            states = {state.job: state for state in await read_scheduler_states(session)}
            for job in self._scheduled:
                state = states.get(job.kind.value)
                if state is not None and _needs_rerun(state):
                    planned = now
                elif job.never_ran is not None and await job.never_ran(session):
                    # A first start (decision 0054): not the next cron time, hours away.
                    planned = now
                elif state is not None and state.last_started_at is not None:
                    planned = max(now, job.schedule.next_fire(state.last_started_at))
                else:
                    planned = job.schedule.next_fire(now)
                self._next[job.kind] = planned
                await record_next_run(session, job.kind.value, next_run_at=planned)
                log.info("%s planned at %s", job.kind.value, planned.isoformat())
            await session.commit()

    async def _run_due_jobs(self) -> None:
        for job in sorted(self._scheduled, key=lambda job: self._next[job.kind]):
            if self.stop.is_set() or self._next[job.kind] > self._clock.now():
                continue
            started = self._clock.now()
            async with self._sessions() as session:
                await record_run_started(session, job.kind.value, at=started)
                await session.commit()
            outcome = await self._call(job.run, JobContext(job.kind, started, self.stop))
            if outcome.status is RunStatus.SKIPPED:
                retry = max(SKIPPED_RETRY, self._poll_interval)
                self._next[job.kind] = self._clock.now() + retry
            else:
                self._next[job.kind] = job.schedule.next_fire(self._clock.now())
            async with self._sessions() as session:
                await record_run_finished(
                    session,
                    job.kind.value,
                    at=self._clock.now(),
                    status=outcome.status,
                    summary=outcome.summary or None,
                    next_run_at=self._next[job.kind],
                )
                await session.commit()

    async def _serve_queue(self) -> None:
        while not self.stop.is_set():
            claimed = await self._queue.claim(self._clock.now())
            if claimed is None:
                return
            request = claimed.request
            handler = self._handlers.get(request.kind)
            if handler is None:
                outcome = JobOutcome(RunStatus.FAILED, f"this scheduler cannot run {request.kind}")
            else:
                context = JobContext(request.kind, self._clock.now(), self.stop, request)
                with bind_log_fields(job_request=request.id):
                    outcome = await self._call(handler, context)
            await self._queue.settle(claimed, outcome, self._clock.now())
            if outcome.status is RunStatus.SKIPPED:
                return  # waits again: try at the next poll, not in a tight loop

    async def _call(self, job: Job, context: JobContext) -> JobOutcome:
        with bind_log_fields(job=context.job.value):
            log.info("%s started", context.job.value)
            try:
                outcome = await job(context)
            except Exception as exc:
                log.exception("%s crashed", context.job.value)
                outcome = JobOutcome(RunStatus.FAILED, f"crashed: {type(exc).__name__}: {exc}")
            log.info("%s ended: %s %s", context.job.value, outcome.status.value, outcome.summary)
        return outcome

    async def _run_tick_tasks(self) -> None:
        for task in self._tick_tasks:
            if self.stop.is_set():
                return
            try:
                await task()
            except Exception:
                log.exception("scheduler tick task failed")
