"""A sync run on PostgreSQL, split into host partitions that procrastinate workers claim.

The process that starts a run (``mobility sync``, the scheduler) holds the run lock and is the
run's *coordinator*: it splits the plan into host partitions (:mod:`.partition`), writes one
``sync_partition`` row per partition and defers one procrastinate job per row (queue ``sync``).
Any worker listening on that queue claims jobs: every ``mobility worker`` process, and the
coordinator's own in-process worker (``SYNC_LOCAL_PARTITIONS`` at once; 0: none), so that a
run needs no other process.

A partition attempt (:class:`PartitionRunner`) names itself in the row's ``holder`` and writes
each school in one transaction that first checks, under ``FOR SHARE``, that it still holds the
row, and adds the school's report (``sync_partition_school``): no school is written by an attempt
that lost its partition, and a retried partition skips the schools already written. It also
probes its hold every ``SYNC_LOCK_CHECK_SECONDS`` and abandons the visits in flight once lost.

The coordinator follows the reports as they are committed (the run's summary, ``on_school``), and
gives back to the queue the jobs of workers whose heartbeat stopped for
``SYNC_WORKER_STALLED_SECONDS`` (procrastinate's stalled jobs): it first clears the partition's
holder, so that a worker thought dead but still running can no longer write, then retries the
job, which another worker claims. When the run ends (done, stopped, lock lost) every partition
still open is revoked.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from procrastinate import App, JobContext, PsycopgConnector
from procrastinate.types import JSONDict
from sqlalchemy import URL, func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from scrapers.fetch import Fetcher
from scrapers.reconcile import load_partner_sites
from scrapers.sync.conditional import load_request_state
from scrapers.sync.handler import FactCounts, RunScope, SchoolHandler
from scrapers.sync.lock import RunLock, _watch, runner_name
from scrapers.sync.partition import link_host, split_plan
from scrapers.sync.plan import PlannedSchool, load_plan
from scrapers.sync.run import (
    SchoolDone,
    _LeaseLostError,
    _Recorder,
    _then,
    _until_lost,
    plan_urls,
    school_budget,
)
from scrapers.sync.school_facts import read_school_facts
from scrapers.sync.visit import NoProgress, Progress, SchoolBudget, SchoolReport, Visit
from service.background import run_alongside
from service.config import Settings
from service.db import (
    DeferredVersion,
    LinkStatus,
    PartitionStatus,
    SyncPartition,
    SyncPartitionSchool,
    changed_here,
    create_sessionmaker,
    deferred_here_info,
    intend_writes,
    utcnow,
)

log = logging.getLogger(__name__)

JOB_QUEUE = "sync"
TASK_NAME = "sync_partition"
#: The worker's additional context: the :class:`PartitionRunner` its jobs run with.
RUNNER_KEY = "partitions"
PARTITION_TAKEN = "the partition was taken back (revoked, or given to another worker)"
#: How often the coordinator reads the reports committed since it last looked.
FOLLOW_SECONDS = 0.2

_OPEN = (PartitionStatus.QUEUED.value, PartitionStatus.RUNNING.value)


def libpq_conninfo(url: URL) -> str:
    """The libpq connection string of a PostgreSQL database URL, for procrastinate."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def job_conninfo(settings: Settings) -> str:
    """The libpq connection string of the configured PostgreSQL database, for procrastinate."""
    return libpq_conninfo(settings.database)


def create_job_app(settings: Settings, *, pool_size: int) -> App:
    """A procrastinate app on the configured database, with the partition task; open it with
    ``async with app.open_async()``."""
    connector = PsycopgConnector(
        conninfo=job_conninfo(settings), min_size=1, max_size=max(2, pool_size)
    )
    app = App(connector=connector)
    app.task(name=TASK_NAME, queue=JOB_QUEUE, pass_context=True)(_sync_partition)
    return app


async def _sync_partition(context: JobContext, partition_id: int) -> None:
    runner = context.additional_context[RUNNER_KEY]
    assert isinstance(runner, PartitionRunner)
    assert context.job.id is not None
    holder = f"{runner_name()}:job{context.job.id}"
    try:
        await runner.run(partition_id, holder=holder)
    except asyncio.CancelledError:
        # The worker is stopping (SIGTERM): its job ends aborted, so the partition, if still
        # ours, goes back to the queue as a new job at once rather than waiting to look stalled.
        if await _give_back(runner.engine, partition_id, holder):
            await context.app.configure_task(TASK_NAME, queue=JOB_QUEUE).defer_async(
                partition_id=partition_id
            )
        raise


async def _give_back(engine: AsyncEngine, partition_id: int, holder: str) -> bool:
    async with create_sessionmaker(engine)() as session, session.begin():
        given = await session.scalars(
            update(SyncPartition)
            .where(SyncPartition.id == partition_id, SyncPartition.holder == holder)
            .values(status=PartitionStatus.QUEUED.value, holder=None)
            .returning(SyncPartition.id)
        )
        return given.first() is not None


async def run_worker(
    app: App,
    runner: PartitionRunner,
    *,
    settings: Settings,
    concurrency: int,
    name: str,
    signals: bool,
) -> None:
    """Work on partitions until cancelled (or, with ``signals``, until SIGINT/SIGTERM)."""
    await app.run_worker_async(
        queues=[JOB_QUEUE],
        name=name,
        concurrency=concurrency,
        additional_context={RUNNER_KEY: runner},
        install_signal_handlers=signals,
        update_heartbeat_interval=settings.sync.worker_heartbeat_seconds,
        stalled_worker_timeout=settings.sync.worker_stalled_seconds,
        # A stopped worker abandons its partitions at once: their schools are not written and
        # the coordinator gives the jobs to another worker.
        shutdown_graceful_timeout=0,
        delete_jobs="successful",
    )


def report_as_json(report: SchoolReport) -> dict[str, Any]:
    """A school's report as JSON for ``sync_partition_school``."""
    facts = report.facts
    return {
        "slug": report.slug,
        "name": report.name,
        "links": report.links,
        "counts": {status.value: n for status, n in report.counts.items()},
        "seconds": report.seconds,
        "error": report.error,
        "recorded": report.recorded,
        "facts": None
        if facts is None
        else [facts.changed, facts.confirmed, facts.marked_stale, facts.findings],
        "findings": report.findings,
        "reached": report.reached,
        "site_answered": report.site_answered,
        "unreached_error": report.unreached_error,
        "verdicts": {str(k): [v.value, answered] for k, (v, answered) in report.verdicts.items()},
        "shared_links": sorted(report.shared_links),
    }


def report_from_json(data: Mapping[str, Any]) -> SchoolReport:
    """The inverse of :func:`report_as_json`."""
    facts = data["facts"]
    return SchoolReport(
        slug=data["slug"],
        name=data["name"],
        links=data["links"],
        counts=Counter({LinkStatus(status): n for status, n in data["counts"].items()}),
        seconds=data["seconds"],
        error=data["error"],
        recorded=data["recorded"],
        facts=None if facts is None else FactCounts(*facts),
        findings=data["findings"],
        reached=data["reached"],
        site_answered=data["site_answered"],
        unreached_error=data["unreached_error"],
        verdicts={
            int(k): (LinkStatus(status), bool(answered))
            for k, (status, answered) in data["verdicts"].items()
        },
        shared_links=frozenset(data.get("shared_links", ())),
    )


def _and(first: SchoolDone, then: SchoolDone) -> SchoolDone:
    async def both(school: PlannedSchool, report: SchoolReport) -> None:
        await first(school, report)
        await then(school, report)

    return both


class _Fence:
    """Writes a school's report only while the attempt still holds its partition."""

    def __init__(
        self,
        partition_id: int,
        holder: str,
        sessions: async_sessionmaker[AsyncSession],
        run_lock: RunLock | None,
    ) -> None:
        self._partition_id = partition_id
        self._holder = holder
        self._sessions = sessions
        self._run_lock = run_lock

    async def _check_and_add(
        self, session: AsyncSession, report: SchoolReport, school_id: int
    ) -> None:
        # FOR SHARE: the coordinator's revocation (an UPDATE of the row) waits for this school's
        # commit, and this school waits for a revocation in progress, then sees it.
        holder = await session.scalar(
            select(SyncPartition.holder)
            .where(SyncPartition.id == self._partition_id)
            .with_for_update(read=True)
        )
        if holder != self._holder:
            raise _LeaseLostError
        if self._run_lock is not None and not await self._run_lock.held_in(session):
            raise _LeaseLostError
        session.add(
            SyncPartitionSchool(
                partition_id=self._partition_id,
                school_id=school_id,
                holder=self._holder,
                report=report_as_json(report),
                # Read after the SELECT above, which flushed the school's own writes.
                changed=changed_here(session),
            )
        )
        await session.flush()

    async def in_transaction(
        self, session: AsyncSession, school: PlannedSchool, report: SchoolReport, findings: int
    ) -> None:
        """In the school's transaction, as its last statements: as it will be once committed."""
        recorded = SchoolReport(**{**report_fields(report), "recorded": True, "findings": findings})
        await self._check_and_add(session, recorded, school.id)

    async def after(self, school: PlannedSchool, report: SchoolReport) -> None:
        """A school not recorded is reported too (its own transaction), so that the run's
        totals count it; a retried partition does not visit it again."""
        if report.recorded:
            return
        async with self._sessions() as session, session.begin():
            await self._check_and_add(session, report, school.id)


def report_fields(report: SchoolReport) -> dict[str, Any]:
    return {name: getattr(report, name) for name in SchoolReport.__dataclass_fields__}


@dataclass(slots=True)
class PartitionRunner:
    """Runs partition attempts in one process with its fetcher (politeness per host lives in
    the fetcher: a host's partition is worked on by one attempt at a time)."""

    engine: AsyncEngine
    fetcher: Fetcher
    settings: Settings
    handler: SchoolHandler = read_school_facts
    refetch: bool = False
    #: Set: the attempts of this process stop between two schools (the coordinator's stop).
    stop: asyncio.Event | None = None
    #: The coordinator's own worker: told about each school as it is done (the others are told
    #: by the coordinator as it reads their reports), and its run lock, checked in each school's
    #: transaction (decision 0034: no school written without it).
    on_school: SchoolDone | None = None
    run_lock: RunLock | None = None
    outer_stop: asyncio.Event | None = None
    #: Schools of the attempts of this process (the coordinator tells no one twice).
    claimed: set[int] = field(default_factory=set)
    #: Attempts of this process in flight, and set when there are none.
    running: set[int] = field(default_factory=set)
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    #: The schools this process visits at once, shared by the attempts it runs at once: each
    #: attempt with a budget of its own let twelve partitions keep 12 times 256 schools in flight.
    budget: SchoolBudget | None = None
    #: What every school's second step reads (every partner's hosts), read once per run by
    #: the attempts of this process, not once per partition (decisions 0125, 0365): the run's
    #: only, an earlier run's let go. The coordinator's own worker starts with the run's.
    scopes: dict[int, RunScope] = field(default_factory=dict)
    _scoping: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def _scope(self, session: AsyncSession, run_id: int) -> RunScope:
        async with self._scoping:  # the partitions of a run start together: one reads
            scope = self.scopes.get(run_id)
            if scope is None:
                scope = RunScope(partner_sites=await load_partner_sites(session))
                self.scopes.clear()
                self.scopes[run_id] = scope
            return scope

    async def _tell(self, school: PlannedSchool, report: SchoolReport) -> None:
        assert self.on_school is not None
        await self.on_school(school, report)
        # A stop asked for by ``on_school`` (or meanwhile) ends the visits before their next
        # school, as in a run of one process.
        if self.outer_stop is not None and self.outer_stop.is_set() and self.stop is not None:
            self.stop.set()

    async def run(self, partition_id: int, *, holder: str) -> None:
        sessions = create_sessionmaker(intend_writes(self.engine))
        sessions.configure(info=deferred_here_info())
        claimed = await _claim(sessions, partition_id, holder)
        if claimed is None:
            return  # done, or revoked: the run it belonged to is over
        run_id, school_ids = claimed
        self.claimed.update(school_ids)
        async with sessions() as session:
            done = set(
                await session.scalars(
                    select(SyncPartitionSchool.school_id).where(
                        SyncPartitionSchool.partition_id == partition_id
                    )
                )
            )
            # Its own schools only: twelve attempts each reading the whole catalogue's plan at
            # once were most of a 5,000-site run's peak memory (decision 0365).
            plan = await load_plan(session, ids=set(school_ids) - done)
            urls = {url for school in plan for url in school.urls}
            known = await load_request_state(session, urls, refetch=self.refetch)
            scope = await self._scope(session, run_id)
        lock = RunLock(holder)
        lock.probe_with(_holds(sessions, partition_id, holder), PARTITION_TAKEN)
        lock.read_in_transaction_with(_holds_in(partition_id, holder), PARTITION_TAKEN)
        fence = _Fence(partition_id, holder, sessions, self.run_lock)
        school_recorder = _Recorder(
            sessions,
            run_id,
            self.handler,
            self.settings.sync.dead_link_runs,
            scope,
            lock,
            fence=fence.in_transaction,
            shared_urls=plan_urls(plan).shared,
        )
        recorder = _then(
            school_recorder,
            fence.after if self.on_school is None else _and(fence.after, self._tell),
        )
        if self.budget is None:
            self.budget = school_budget(self.fetcher, self.settings)
        # A school's pages go to the handler's extraction as soon as they are fetched.
        visit = Visit(
            self.fetcher,
            known,
            progress=NoProgress(),
            schools_in_flight=self.budget,
            read=school_recorder.read_ahead,
            read_page=school_recorder.read_page,
        )
        async with run_alongside(_watch(lock, self.settings.sync.lock_check_seconds)):
            self.running.add(partition_id)
            self.idle.clear()
            try:
                work = asyncio.create_task(visit.run(plan, recorder, stop=self.stop))
                await _until_lost(lock, work)
            except _LeaseLostError:
                log.warning("partition %s of run %s: %s", partition_id, run_id, PARTITION_TAKEN)
                return
            except Exception as exc:  # a defect: the run goes on without this partition's rest
                log.exception("partition %s of run %s failed", partition_id, run_id)
                await _close(sessions, partition_id, holder, PartitionStatus.FAILED, exc)
                return
            finally:
                self.running.discard(partition_id)
                if not self.running:
                    self.idle.set()
        if self.stop is not None and self.stop.is_set():
            return
        await _close(sessions, partition_id, holder, PartitionStatus.DONE)


async def _close(
    sessions: async_sessionmaker[AsyncSession],
    partition_id: int,
    holder: str,
    status: PartitionStatus,
    failure: Exception | None = None,
) -> None:
    error = None if failure is None else f"{type(failure).__name__}: {failure}"[:2000]
    async with sessions() as session, session.begin():
        await session.execute(
            update(SyncPartition)
            .where(SyncPartition.id == partition_id, SyncPartition.holder == holder)
            .values(status=status.value, finished_at=utcnow(), error=error)
        )


async def _claim(
    sessions: async_sessionmaker[AsyncSession], partition_id: int, holder: str
) -> tuple[int, list[int]] | None:
    async with sessions() as session, session.begin():
        row = (
            await session.execute(
                update(SyncPartition)
                .where(SyncPartition.id == partition_id, SyncPartition.status.in_(_OPEN))
                .values(
                    status=PartitionStatus.RUNNING.value,
                    holder=holder,
                    attempts=SyncPartition.attempts + 1,
                    claimed_at=utcnow(),
                )
                .returning(SyncPartition.run_id, SyncPartition.school_ids)
            )
        ).first()
    return None if row is None else (row.run_id, list(row.school_ids))


def _holds(
    sessions: async_sessionmaker[AsyncSession], partition_id: int, holder: str
) -> Callable[[], Awaitable[None]]:
    read = _holds_in(partition_id, holder)

    async def probe() -> None:
        async with sessions() as session:
            if not await read(session):
                raise LookupError(f"partition {partition_id} is held by another worker")

    return probe


def _holds_in(partition_id: int, holder: str) -> Callable[[AsyncSession], Awaitable[bool]]:
    async def read(session: AsyncSession) -> bool:
        current = await session.scalar(
            select(SyncPartition.holder).where(SyncPartition.id == partition_id)
        )
        return current == holder

    return read


@dataclass(slots=True)
class _Follower:
    """The coordinator's view of a run's partitions: reports as they are committed."""

    sessions: async_sessionmaker[AsyncSession]
    run_id: int
    by_id: Mapping[int, PlannedSchool]
    on_school: SchoolDone | None
    progress: Progress
    #: Schools whose ``on_school`` the coordinator's own worker calls.
    told_locally: set[int] = field(default_factory=set)
    #: Told each school's report once (the run folds it into its totals); none is kept.
    done: Callable[[SchoolReport], None] = lambda report: None
    #: Schools whose report was read.
    seen: set[int] = field(default_factory=set)
    last_id: int = 0
    #: Whether a committed school changed what the API serves.
    changed: bool = False

    async def read(self, *, everything: bool = False) -> None:
        """Reports committed since the last read (ids are taken before commit, so the final
        read, ``everything``, also catches the late committers of smaller ids)."""
        query = (
            select(
                SyncPartitionSchool.id,
                SyncPartitionSchool.school_id,
                SyncPartitionSchool.report,
                SyncPartitionSchool.changed,
            )
            .join(SyncPartition, SyncPartition.id == SyncPartitionSchool.partition_id)
            .where(SyncPartition.run_id == self.run_id)
            .order_by(SyncPartitionSchool.id)
        )
        if not everything:
            query = query.where(SyncPartitionSchool.id > self.last_id)
        async with self.sessions() as session:
            rows = (await session.execute(query)).all()
        for row_id, school_id, data, changed in rows:
            self.last_id = max(self.last_id, row_id)
            self.changed = self.changed or changed
            if school_id in self.seen or school_id not in self.by_id:
                continue
            report = report_from_json(data)
            self.seen.add(school_id)
            self.done(report)
            self.progress.advance(report.links)
            if self.on_school is not None and school_id not in self.told_locally:
                await self.on_school(self.by_id[school_id], report)

    async def open_partitions(self) -> int:
        async with self.sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(SyncPartition)
                .where(SyncPartition.run_id == self.run_id, SyncPartition.status.in_(_OPEN))
            )
        return int(count or 0)


async def revoke_open_partitions(
    sessions: async_sessionmaker[AsyncSession], *, run_id: int | None
) -> int:
    """Revoke the open partitions of ``run_id`` (``None``: of every run, as the next run does
    for those of a killed one). Their attempts write no further school."""
    query = update(SyncPartition).where(SyncPartition.status.in_(_OPEN))
    if run_id is not None:
        query = query.where(SyncPartition.run_id == run_id)
    async with sessions() as session, session.begin():
        revoked = await session.scalars(
            query.values(
                status=PartitionStatus.REVOKED.value, holder=None, finished_at=utcnow()
            ).returning(SyncPartition.id)
        )
        return len(revoked.all())


async def give_back_stalled(
    app: App, sessions: async_sessionmaker[AsyncSession], seconds: float
) -> int:
    """Retry the partition jobs of workers silent for ``seconds``; their holders are cleared
    first, so that such a worker, if it still runs, can no longer write."""
    stalled = list(
        await app.job_manager.get_stalled_jobs(
            seconds_since_heartbeat=seconds, queue=JOB_QUEUE, task_name=TASK_NAME
        )
    )
    for job in stalled:
        partition_id = job.task_kwargs.get("partition_id")
        if isinstance(partition_id, int):
            async with sessions() as session, session.begin():
                await session.execute(
                    update(SyncPartition)
                    .where(
                        SyncPartition.id == partition_id,
                        SyncPartition.status == PartitionStatus.RUNNING.value,
                    )
                    .values(status=PartitionStatus.QUEUED.value, holder=None)
                )
        log.warning("partition job %s: its worker stopped answering, retried", job.id)
        await app.job_manager.retry_job(job)
    return len(stalled)


async def visit_partitions(
    engine: AsyncEngine,
    fetcher: Fetcher,
    *,
    settings: Settings,
    plan: Sequence[PlannedSchool],
    run_id: int,
    handler: SchoolHandler,
    refetch: bool,
    progress: Progress,
    stop: asyncio.Event | None,
    on_school: SchoolDone | None,
    run_lock: RunLock,
    deferred: DeferredVersion,
    done: Callable[[SchoolReport], None],
    scope: RunScope | None = None,
) -> int:
    """Visit ``plan`` as host partitions through procrastinate; ``done`` is told each school's
    report as it is read (none is kept); returns how many were. ``scope``, read by the caller
    for the run, is what this process's own attempts use (others read their own).

    The caller holds the run lock and has opened run ``run_id``. Once ``stop`` is set the
    partitions are revoked and the reports are those of the schools written until then.
    """
    sessions = create_sessionmaker(intend_writes(engine))
    # Holding the run lock proves the partitions still open belong to runs that were killed.
    await revoke_open_partitions(sessions, run_id=None)
    count = min(settings.sync.partitions, max(1, len(plan) // settings.sync.partition_min_schools))
    partitions = split_plan(plan, count)
    async with sessions() as session, session.begin():
        rows = [
            SyncPartition(
                run_id=run_id,
                number=number,
                school_ids=[school.id for school in members],
                hosts=len({link_host(url) for school in members for url in school.urls}),
                links=sum(len(school.links) for school in members),
                status=PartitionStatus.QUEUED.value,
                attempts=0,
            )
            for number, members in enumerate(partitions)
        ]
        session.add_all(rows)
        await session.flush()
        ids = [row.id for row in rows]
    progress.start(sum(len(school.links) for school in plan))
    local_stop = asyncio.Event()
    runner = PartitionRunner(
        engine,
        fetcher,
        settings,
        handler,
        refetch,
        stop=local_stop,
        on_school=on_school,
        run_lock=run_lock,
        outer_stop=stop,
        scopes={} if scope is None else {run_id: scope},
    )
    by_id = {s.id: s for s in plan}
    follower = _Follower(sessions, run_id, by_id, on_school, progress, runner.claimed, done)
    app = create_job_app(settings, pool_size=settings.sync.local_partitions + 2)
    async with app.open_async():
        deferrer = app.configure_task(TASK_NAME, queue=JOB_QUEUE)
        jobs: list[JSONDict] = [{"partition_id": pid} for pid in ids]
        await deferrer.batch_defer_async(*jobs)
        worker: asyncio.Task[None] | None = None
        if settings.sync.local_partitions > 0:
            worker = asyncio.create_task(
                run_worker(
                    app,
                    runner,
                    settings=settings,
                    concurrency=settings.sync.local_partitions,
                    name=f"run-{run_id}",
                    signals=False,
                )
            )
        try:
            await _follow(app, follower, settings, stop, local_stop)
        finally:
            local_stop.set()
            if stop is not None and stop.is_set():
                await _drain(runner)
            await revoke_open_partitions(sessions, run_id=run_id)
            if worker is not None:
                worker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await worker
    await follower.read(everything=True)
    if follower.changed:
        deferred.changed = True  # the run moves the data version once, as it closes
    if stop is None or not stop.is_set():
        await _report_unvisited(sessions, run_id, plan, follower.seen, done)
    return len(follower.seen)


async def _report_unvisited(
    sessions: async_sessionmaker[AsyncSession],
    run_id: int,
    plan: Sequence[PlannedSchool],
    seen: set[int],
    done: Callable[[SchoolReport], None],
) -> None:
    """The schools of failed partitions that no attempt wrote: reported, not recorded."""
    async with sessions() as session:
        failed = (
            await session.execute(
                select(SyncPartition.number, SyncPartition.school_ids, SyncPartition.error).where(
                    SyncPartition.run_id == run_id,
                    SyncPartition.status == PartitionStatus.FAILED.value,
                )
            )
        ).all()
    why = {sid: f"partition {n} failed: {error}" for n, ids, error in failed for sid in ids}
    for school in plan:
        if school.id not in seen and school.id in why:
            seen.add(school.id)
            done(SchoolReport(school.slug, school.name, len(school.links), error=why[school.id]))


async def _drain(runner: PartitionRunner) -> None:
    """Let this process's attempts finish the school each is recording (a stop request)."""
    if runner.running:
        await runner.idle.wait()


async def _follow(
    app: App,
    follower: _Follower,
    settings: Settings,
    stop: asyncio.Event | None,
    local_stop: asyncio.Event,
) -> None:
    loop = asyncio.get_running_loop()
    sweep_every = max(settings.sync.worker_heartbeat_seconds, 0.5)
    next_sweep = loop.time() + sweep_every
    stopping = stop or asyncio.Event()
    while True:
        await follower.read()
        if await follower.open_partitions() == 0:
            return
        if stopping.is_set():
            # The coordinator's own attempts finish the school they record; the others are
            # revoked by the caller's ``finally``.
            local_stop.set()
            return
        if loop.time() >= next_sweep:
            await give_back_stalled(app, follower.sessions, settings.sync.worker_stalled_seconds)
            next_sweep = loop.time() + sweep_every
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), FOLLOW_SECONDS)
