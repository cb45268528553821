"""The scheduler loop on a clock the test controls: on time, once, and stoppable between schools."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.schedule.cron import CronSchedule
from scrapers.schedule.jobs import Job, JobContext, JobOutcome, ScheduledJob
from scrapers.schedule.loop import Scheduler, TickTask
from service.db.models import JobKind, JobRequest, JobStatus, RunStatus, SchedulerState, School
from service.operations.job_queue import enqueue_job
from service.operations.scheduler_state import (
    read_scheduler_states,
    record_run_finished,
    record_run_started,
)
from tests.factories import make_school
from tests.scrapers.schedule.fake_clock import FakeClock

Sessions = async_sessionmaker[AsyncSession]
MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
OK = JobOutcome(RunStatus.SUCCEEDED, "done")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def _scheduler(
    sessions: Sessions,
    clock: FakeClock,
    *,
    scheduled: Sequence[ScheduledJob] = (),
    handlers: dict[JobKind, Job] | None = None,
    ticks: Sequence[TickTask] = (),
    worker: str = "scheduler-test",
    poll: timedelta = timedelta(hours=6),
) -> Scheduler:
    return Scheduler(
        sessions,
        clock=clock,
        scheduled=scheduled,
        handlers=handlers or {},
        poll_interval=poll,
        worker=worker,
        tick_tasks=ticks,
    )


class Recorder:
    """A job that notes when it ran, and stops the scheduler after ``stop_after`` runs."""

    def __init__(self, clock: FakeClock, stop_after: int | None = None) -> None:
        self.clock = clock
        self.times: list[datetime] = []
        self.stop_after = stop_after
        self.scheduler: Scheduler | None = None

    async def __call__(self, context: JobContext) -> JobOutcome:
        self.times.append(self.clock.now())
        if self.stop_after is not None and len(self.times) >= self.stop_after:
            assert self.scheduler is not None
            self.scheduler.request_stop()
        return OK


async def test_scheduled_jobs_fire_exactly_on_their_cron_times(sessions: Sessions) -> None:
    clock = FakeClock(MONDAY)
    faq, sync = Recorder(clock), Recorder(clock, stop_after=2)
    scheduler = _scheduler(
        sessions,
        clock,
        scheduled=[
            ScheduledJob(JobKind.IMPORT_FAQ, CronSchedule("0 3 * * *"), faq),
            ScheduledJob(JobKind.SYNC, CronSchedule("0 4 * * 1"), sync),
        ],
    )
    sync.scheduler = scheduler
    await scheduler.run()
    assert faq.times == [_at(day, 3) for day in range(2, 10)]
    assert sync.times == [_at(2, 4), _at(9, 4)]
    async with sessions() as session:
        states = {state.job: state for state in await read_scheduler_states(session)}
    assert (
        states["import_faq"].last_status,
        states["import_faq"].last_success_at,
        states["import_faq"].next_run_at,
    ) == (RunStatus.SUCCEEDED, _at(9, 3), _at(10, 3))
    assert (states["sync"].last_started_at, states["sync"].next_run_at) == (_at(9, 4), _at(16, 4))


async def _jittered_fires(sessions: Sessions, seed: int) -> list[datetime]:
    clock = FakeClock(MONDAY)
    faq = Recorder(clock, stop_after=5)
    schedule = CronSchedule("0 3 * * *", jitter=timedelta(minutes=15), rng=random.Random(seed))
    scheduler = _scheduler(
        sessions, clock, scheduled=[ScheduledJob(JobKind.IMPORT_FAQ, schedule, faq)]
    )
    faq.scheduler = scheduler
    await scheduler.run()
    async with sessions() as session:  # forget the runs, so that the next call starts afresh
        await session.execute(delete(SchedulerState))
        await session.commit()
    return faq.times


async def test_jitter_delays_each_run_within_its_window_repeatably(sessions: Sessions) -> None:
    first = await _jittered_fires(sessions, seed=3)
    for day, fire in zip(range(2, 7), first, strict=True):
        assert _at(day, 3) <= fire <= _at(day, 3, 15)
    assert len({fire.time() for fire in first}) == 5
    assert await _jittered_fires(sessions, seed=3) == first


async def _record_past_run(
    sessions: Sessions, job: str, started: datetime, finished: datetime | None
) -> None:
    async with sessions() as session:
        await record_run_started(session, job, at=started)
        if finished is not None:
            await record_run_finished(session, job, at=finished, status=RunStatus.SUCCEEDED)
        await session.commit()


async def _sync_times(sessions: Sessions, start: datetime, runs: int) -> list[datetime]:
    clock = FakeClock(start)
    sync = Recorder(clock, stop_after=runs)
    scheduler = _scheduler(
        sessions, clock, scheduled=[ScheduledJob(JobKind.SYNC, CronSchedule("0 4 * * 1"), sync)]
    )
    sync.scheduler = scheduler
    await scheduler.run()
    return sync.times


async def test_runs_missed_while_down_happen_once_at_start_up(sessions: Sessions) -> None:
    await _record_past_run(sessions, "sync", _at(2, 4), _at(2, 4, 10))
    # Down from Monday 2 to Friday 20: the runs of the 9th and the 16th were missed.
    assert await _sync_times(sessions, _at(20, 12), runs=2) == [_at(20, 12), _at(23, 4)]


async def test_a_run_that_never_finished_starts_again(sessions: Sessions) -> None:
    await _record_past_run(sessions, "sync", _at(2, 4), None)
    assert await _sync_times(sessions, _at(2, 5), runs=1) == [_at(2, 5)]


async def test_a_restart_does_not_repeat_a_recent_run(sessions: Sessions) -> None:
    await _record_past_run(sessions, "sync", _at(2, 4), _at(2, 4, 10))
    assert await _sync_times(sessions, _at(3, 12), runs=1) == [_at(9, 4)]


async def test_a_crashing_job_is_recorded_as_failed_and_runs_again_next_time(
    sessions: Sessions,
) -> None:
    clock = FakeClock(MONDAY)
    seen: list[tuple[RunStatus | None, str | None]] = []

    async def flaky(_context: JobContext) -> JobOutcome:
        async with sessions() as session:
            (state,) = await read_scheduler_states(session)
            seen.append((state.last_status, state.last_summary))
        if len(seen) == 1:
            raise RuntimeError("FAQ page moved")
        scheduler.request_stop()
        return OK

    scheduler = _scheduler(
        sessions,
        clock,
        scheduled=[ScheduledJob(JobKind.IMPORT_FAQ, CronSchedule("0 3 * * *"), flaky)],
    )
    await scheduler.run()
    assert seen == [(None, None), (RunStatus.FAILED, "crashed: RuntimeError: FAQ page moved")]
    assert clock.now() == _at(3, 3)


async def test_a_stop_during_a_run_finishes_the_school_in_flight_only(sessions: Sessions) -> None:
    async with sessions() as session:
        for slug in ("a-school", "b-school", "c-school"):
            await make_school(session, slug=slug)
        await session.commit()
    clock = FakeClock(MONDAY)

    async def sync(context: JobContext) -> JobOutcome:
        slugs = ["a-school", "b-school", "c-school"]
        for done, slug in enumerate(slugs):
            if context.stopping:
                return JobOutcome(RunStatus.INTERRUPTED, f"{done} of {len(slugs)} schools")
            async with sessions() as session:
                school = await session.scalar(select(School).where(School.slug == slug))
                assert school is not None
                school.city = "synced"
                scheduler.request_stop()  # SIGTERM arrives while this school is in flight
                await session.commit()
        return OK

    scheduler = _scheduler(
        sessions, clock, scheduled=[ScheduledJob(JobKind.SYNC, CronSchedule("0 4 * * 1"), sync)]
    )
    await scheduler.run()
    async with sessions() as session:
        cities = dict((await session.execute(select(School.slug, School.city))).all())
        (state,) = await read_scheduler_states(session)
    assert cities == {"a-school": "synced", "b-school": None, "c-school": None}
    assert (state.last_status, state.last_summary) == (RunStatus.INTERRUPTED, "1 of 3 schools")


async def _queue(sessions: Sessions, count: int) -> list[int]:
    async with sessions() as session:
        ids = [
            (
                await enqueue_job(
                    session, kind=JobKind.SYNC, requested_by="token:a", schools=[f"s{n}"]
                )
            ).request.id
            for n in range(count)
        ]
        await session.commit()
    return ids


async def _requests(sessions: Sessions) -> list[JobRequest]:
    async with sessions() as session:
        return list(await session.scalars(select(JobRequest).order_by(JobRequest.id)))


async def test_queued_requests_are_each_picked_up_once_by_two_schedulers(
    sessions: Sessions,
) -> None:
    ids = await _queue(sessions, 3)
    clock = FakeClock(MONDAY)
    handled: list[tuple[str, int, tuple[str, ...]]] = []
    # Passes each scheduler made once every request was handled: stopping on a pass count
    # alone raced on PostgreSQL, where syncs share one procrastinate lock, so a scheduler that
    # polls while the other runs a sync finds nothing (the queue is not empty yet).
    passes_after = {"a": 0, "b": 0}
    schedulers: dict[str, Scheduler] = {}

    def handler_for(worker: str) -> Job:
        async def handle(context: JobContext) -> JobOutcome:
            assert context.request is not None
            handled.append((worker, context.request.id, context.request.schools))
            return JobOutcome(RunStatus.SUCCEEDED, "synced", run_id=100 + context.request.id)

        return handle

    def tick_for(worker: str) -> TickTask:
        async def tick() -> None:
            if len(handled) < len(ids):
                return
            passes_after[worker] += 1
            if min(passes_after.values()) >= 3:  # several polls after the queue emptied
                for scheduler in schedulers.values():
                    scheduler.request_stop()

        return tick

    for worker in passes_after:
        schedulers[worker] = _scheduler(
            sessions,
            clock,
            handlers={JobKind.SYNC: handler_for(worker)},
            ticks=[tick_for(worker)],
            worker=worker,
            # No time travel between polls: a fake clock racing ahead while the other scheduler
            # runs a request would expire that request's lease and queue it again.
            poll=timedelta(0),
        )
    # A bound, not a synchronisation: a request left unclaimed fails here instead of hanging.
    async with asyncio.timeout(60):
        await asyncio.gather(*(scheduler.run() for scheduler in schedulers.values()))
    assert sorted(request_id for _, request_id, _ in handled) == ids
    rows = await _requests(sessions)
    assert [(row.status, row.run_id, row.result) for row in rows] == [
        (JobStatus.DONE, 100 + request_id, "synced") for request_id in ids
    ]
    assert {row.claimed_by: row.id for row in rows}.keys() <= {"a", "b"}
    assert [schools for _, _, schools in sorted(handled, key=lambda item: item[1])] == [
        ("s0",),
        ("s1",),
        ("s2",),
    ]


async def test_an_interrupted_request_is_queued_again_and_finished_later(
    sessions: Sessions,
) -> None:
    (request_id,) = await _queue(sessions, 1)
    clock = FakeClock(MONDAY)
    calls: list[int] = []

    async def handle(context: JobContext) -> JobOutcome:
        calls.append(len(calls))
        scheduler.request_stop()
        if len(calls) == 1:
            return JobOutcome(RunStatus.INTERRUPTED, "2 of 5 schools")
        return JobOutcome(RunStatus.SUCCEEDED, "5 schools", run_id=8)

    scheduler = _scheduler(sessions, clock, handlers={JobKind.SYNC: handle})
    await scheduler.run()
    (row,) = await _requests(sessions)
    assert (row.status, row.result, row.claimed_by) == (
        JobStatus.QUEUED,
        "interrupted: 2 of 5 schools; queued again",
        None,
    )
    scheduler = _scheduler(sessions, clock, handlers={JobKind.SYNC: handle})
    await scheduler.run()
    (row,) = await _requests(sessions)
    assert (row.id, row.status, row.run_id, len(calls)) == (request_id, JobStatus.DONE, 8, 2)


async def test_a_skipped_request_waits_for_the_next_poll(sessions: Sessions) -> None:
    await _queue(sessions, 1)
    clock = FakeClock(MONDAY)
    calls: list[datetime] = []

    async def handle(_context: JobContext) -> JobOutcome:
        calls.append(clock.now())
        if len(calls) == 1:
            return JobOutcome(RunStatus.SKIPPED, "a sync started by hand holds the run lock")
        scheduler.request_stop()
        return OK

    scheduler = _scheduler(
        sessions, clock, handlers={JobKind.SYNC: handle}, poll=timedelta(seconds=10)
    )
    await scheduler.run()
    assert calls == [MONDAY, MONDAY + timedelta(seconds=10)]
    (row,) = await _requests(sessions)
    assert row.status is JobStatus.DONE


async def test_a_request_nobody_can_run_fails_with_the_reason(sessions: Sessions) -> None:
    async with sessions() as session:
        await enqueue_job(session, kind=JobKind.IMPORT_FAQ, requested_by="token:a")
        await session.commit()
    clock = FakeClock(MONDAY)

    async def stop() -> None:
        scheduler.request_stop()

    scheduler = _scheduler(sessions, clock, ticks=[stop])
    await scheduler.run()
    (row,) = await _requests(sessions)
    assert (row.status, row.result) == (JobStatus.FAILED, "this scheduler cannot run import_faq")


async def test_a_failing_tick_task_does_not_stop_the_loop(sessions: Sessions) -> None:
    clock = FakeClock(MONDAY)
    passes: list[datetime] = []

    async def deliver() -> None:
        passes.append(clock.now())
        if len(passes) == 3:
            scheduler.request_stop()
        raise ConnectionError("webhook receiver down")

    scheduler = _scheduler(sessions, clock, ticks=[deliver], poll=timedelta(seconds=10))
    await scheduler.run()
    assert passes == [MONDAY + timedelta(seconds=10 * n) for n in range(3)]
