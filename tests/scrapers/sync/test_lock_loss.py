"""A run that loses its lock stops before its next school and is recorded ABORTED (issue 17)."""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import random
import signal
import socket
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.fetch import Fetcher, FetchResult, MappingResolver
from scrapers.sync.command import EXIT_ABORTED
from scrapers.sync.handler import ApplySchool, FactCounts, RunScope
from scrapers.sync.lock import (
    ADVISORY_KEY,
    LEASE_EXPIRED,
    LEASE_LOST,
    RunLock,
    hold_run_lock,
    holder_is_gone,
)
from scrapers.sync.lock import LOCK_CONNECTION_LOST as CONNECTION_LOST
from scrapers.sync.plan import PlannedSchool
from scrapers.sync.run import SchoolDone, SyncReport, run_sync
from scrapers.sync.visit import SchoolReport
from service.db.engine import create_engine, create_sessionmaker
from service.db.models import LinkCheck, SyncLease, SyncRun, SyncRunStatus
from tests.databases import TestDatabase, migrated_database
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.faults import healthy_html
from tests.scrapers.fixture_server import FixtureServer, Request, head
from tests.scrapers.sync.conftest import RecordingHandler, seed, sync_settings
from tests.scrapers.sync.test_cli import LOCAL, LOOPBACK, environment, mobility
from tests.scrapers.sync.test_lock import start_holder

pytestmark = pytest.mark.reliability

SCHOOLS = [f"school{index}" for index in range(6)]


@pytest.fixture
async def pg(tmp_path: Path) -> AsyncIterator[TestDatabase]:
    async with migrated_database("postgres", tmp_path) as db:
        yield db


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[TestDatabase]:
    async with migrated_database("sqlite", tmp_path) as db:
        yield db


async def _terminate_lock_backend(db: TestDatabase) -> None:
    """Kill the session holding this database's run lock, as an operator or a failover would."""
    async with db.engine.connect() as connection:
        killed = await connection.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_locks "
                "WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "AND classid = :high AND objid = :low"
            ),
            {"high": ADVISORY_KEY >> 32, "low": ADVISORY_KEY & 0xFFFFFFFF},
        )
    assert killed == 1


def _catalogue(web: FixtureServer) -> dict[str, list[str]]:
    for slug in SCHOOLS:
        web.site(f"{slug}.test").page("/", healthy_html(slug.title()))
    return {slug: [web.url(f"{slug}.test")] for slug in SCHOOLS}


async def _run(db: TestDatabase, on_school: SchoolDone, **settings: object) -> SyncReport:
    resolver = MappingResolver({f"{slug}.test": ["127.0.0.1"] for slug in SCHOOLS})
    async with Fetcher(LOOPBACK_POLICY, resolver=resolver) as fetcher:
        return await run_sync(
            db.engine,
            fetcher,
            settings=sync_settings(db, **settings),
            handler=RecordingHandler(),
            on_school=on_school,
        )


async def test_a_lock_connection_killed_mid_hold_is_noticed_and_released_quietly(
    pg: TestDatabase,
) -> None:
    async with hold_run_lock(pg.engine, 30, check_seconds=0.05) as lock:
        await _terminate_lock_backend(pg)
        await lock.lost.wait()  # the watcher notices without a school to record
        assert lock.reason == CONNECTION_LOST
        assert not await lock.still_held()
    # Leaving the block did not raise over the dead connection; the lock is free again.
    async with hold_run_lock(pg.engine, 30) as again:
        assert await again.still_held()


@pytest.mark.parametrize("trial", range(4))
async def test_a_run_whose_lock_connection_is_killed_stops_before_its_next_school(
    pg: TestDatabase, web: FixtureServer, trial: int
) -> None:
    await seed(pg.engine, _catalogue(web))
    kill_after = random.Random(trial).randrange(1, len(SCHOOLS))  # schools recorded first
    recorded: list[str] = []

    async def kill_the_lock(school: PlannedSchool, report: SchoolReport) -> None:
        recorded.append(school.slug)
        if len(recorded) == kill_after:
            await _terminate_lock_backend(pg)

    # A long watcher period: only the probe before each school can stop this run.
    report = await _run(pg, kill_the_lock, sync_lock_check_seconds=600)

    assert len(recorded) == kill_after
    await _assert_aborted(pg, report, CONNECTION_LOST, schools=kill_after)
    # The lock went with the killed session: the next run takes it and runs to the end.
    again = await _run(pg, _ignore)
    assert again.status is SyncRunStatus.OK


async def _assert_aborted(
    db: TestDatabase, report: SyncReport, error: str, *, schools: int
) -> None:
    """The run stopped ABORTED with ``error``, and is so stored, with the link checks of the
    ``schools`` recorded before the loss: no school transaction after it."""
    assert (report.status, report.error) == (SyncRunStatus.ABORTED, error)
    async with create_sessionmaker(db.engine)() as session:
        run = (await session.scalars(select(SyncRun))).one()
        assert (run.status, run.error) == (SyncRunStatus.ABORTED, error)
        assert run.finished_at is not None
        assert len(list(await session.scalars(select(LinkCheck.url)))) == schools


async def _ignore(school: PlannedSchool, report: SchoolReport) -> None:
    return None


async def test_a_run_whose_lease_is_taken_over_is_aborted(
    lite: TestDatabase, web: FixtureServer
) -> None:
    await seed(lite.engine, _catalogue(web))
    kill_after = random.Random(7).randrange(1, len(SCHOOLS))
    recorded: list[str] = []

    async def steal_the_lease(school: PlannedSchool, report: SchoolReport) -> None:
        recorded.append(school.slug)
        if len(recorded) == kill_after:
            async with lite.engine.begin() as connection:
                await connection.execute(update(SyncLease).values(holder="thief:2:beef"))

    # A TTL far longer than the run: only the check before each school can stop it.
    report = await _run(lite, steal_the_lease, sync_lease_ttl=600)

    assert len(recorded) == kill_after
    await _assert_aborted(lite, report, LEASE_LOST, schools=kill_after)


async def test_a_killed_holder_on_this_host_frees_the_lease_at_once(lite: TestDatabase) -> None:
    child = await start_holder(lite, 600)
    assert child.stdout is not None
    assert await asyncio.wait_for(child.stdout.readline(), 60) == b"held\n"
    child.send_signal(signal.SIGKILL)
    await child.wait()
    async with create_sessionmaker(lite.engine)() as session:
        dead = await session.scalar(select(SyncLease.holder))
    assert dead is not None
    assert holder_is_gone(dead)
    # A 600 s lease, yet no wait: its holder's process is gone.
    async with hold_run_lock(lite.engine, 600) as lock:
        assert await lock.still_held()
        assert lock.holder != dead


def test_a_holder_elsewhere_or_alive_is_not_gone() -> None:
    assert not holder_is_gone(f"{socket.gethostname()}:{os.getpid()}:abc123")
    assert not holder_is_gone("another-host:1:abc123")
    assert not holder_is_gone("garbage")


async def test_a_real_sync_process_whose_lock_is_killed_exits_7_with_the_run_aborted(
    pg: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    """`mobility sync` as an operator runs it: its lock's session is killed while a page is held
    open, and the process itself must stop, say why, and exit with the documented code."""
    reached, release = asyncio.Event(), asyncio.Event()

    async def held_open(request: Request, writer: asyncio.StreamWriter) -> None:
        reached.set()
        await release.wait()
        body = healthy_html("Held").encode()
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
        writer.write(head(200, headers) + body)
        await writer.drain()

    site = web.site(LOCAL)
    catalogue = {}
    for slug in SCHOOLS:
        site.page(f"/{slug}", healthy_html(slug.title()))
        catalogue[slug] = [web.url(LOCAL, f"/{slug}")]
    site.route("/school3", held_open)
    await seed(pg.engine, catalogue)
    # A page timeout longer than the test: only the lost lock can end the held visit.
    env = environment(pg, **LOOPBACK, FETCH_PAGE_TIMEOUT="120", SYNC_LOCK_CHECK_SECONDS="0.2")
    process = asyncio.create_task(mobility("sync", env=env, cwd=tmp_path))
    try:
        await asyncio.wait_for(reached.wait(), 90)
        await _terminate_lock_backend(pg)
    finally:
        release.set()
    code, out, err = await process

    assert code == EXIT_ABORTED, (out, err)
    assert CONNECTION_LOST in out + err
    async with create_sessionmaker(pg.engine)() as session:
        run = (await session.scalars(select(SyncRun))).one()
    assert (run.status, run.error) == (SyncRunStatus.ABORTED, CONNECTION_LOST)
    assert run.finished_at is not None


class _ApplyingUntil(RecordingHandler):
    """Applies a school's pages only once ``until`` is set: its transaction stays open."""

    def __init__(self, until: asyncio.Event) -> None:
        super().__init__()
        self.until = until
        self.applied: list[str] = []

    async def __call__(
        self, school: PlannedSchool, results: Mapping[str, FetchResult]
    ) -> ApplySchool:
        async def apply(session: AsyncSession, scope: RunScope) -> FactCounts:
            self.applied.append(school.slug)
            await self.until.wait()
            return FactCounts()

        return apply


@pytest.mark.parametrize("loss", ["taken over", "expired mid-school"])
async def test_a_run_that_loses_its_lease_ends_its_transaction_and_leaves_no_stray_error(
    lite: TestDatabase,
    web: FixtureServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    loss: str,
) -> None:
    """However the lease is lost, the school's transaction ends by itself (no cancellation in
    its middle, which left the pool to invalidate a connection still holding SQLite's write
    lock), another writer can write at once, and no task is left with an exception nobody
    retrieved (the run's visit ends with the lost lease's error)."""
    await seed(lite.engine, _catalogue(web))
    lost = asyncio.Event()
    lose = RunLock.lose

    def note_the_loss(self: RunLock, reason: str) -> None:
        lose(self, reason)
        lost.set()

    monkeypatch.setattr(RunLock, "lose", note_the_loss)
    stray: list[dict[str, object]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: stray.append(context))
    resolver = MappingResolver({f"{slug}.test": ["127.0.0.1"] for slug in SCHOOLS})
    on_school = _ignore
    if loss == "taken over":
        # Found at the next school's transaction, which then rolls back.
        handler = RecordingHandler()
        settings = sync_settings(lite, sync_lease_ttl=600)
        expected, schools = LEASE_LOST, 1

        async def steal_the_lease(school: PlannedSchool, report: SchoolReport) -> None:
            async with lite.engine.begin() as connection:
                await connection.execute(update(SyncLease).values(holder="thief:2:beef"))

        on_school = steal_the_lease
    else:
        # A short lease whose renewals the open school transaction refuses (its write lock, a
        # short busy timeout): it expires while the first school's pages are being applied.
        handler = _ApplyingUntil(lost)
        settings = sync_settings(lite, sync_lease_ttl=0.3, sqlite_busy_timeout_ms=50)
        expected, schools = LEASE_EXPIRED, 1
    caplog.set_level(logging.ERROR)
    try:
        async with Fetcher(LOOPBACK_POLICY, resolver=resolver) as fetcher:
            report = await run_sync(
                lite.engine, fetcher, settings=settings, handler=handler, on_school=on_school
            )
        await _assert_aborted(lite, report, expected, schools=schools)
        # No transaction is left open: a writer with no patience writes at once.
        writer = create_engine(settings.model_copy(update={"sqlite_busy_timeout_ms": 0}))
        try:
            async with writer.begin() as connection:
                await connection.execute(update(SyncRun).values(error="written after"))
        finally:
            await writer.dispose()
        gc.collect()  # an unretrieved task exception is reported when its task is collected
    finally:
        loop.set_exception_handler(None)
    assert stray == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_a_cancelled_run_leaves_no_visit_behind(
    lite: TestDatabase, web: FixtureServer
) -> None:
    """A run cancelled from outside (a scheduler stopping) ends its visit before it ends: the
    visit left running went on to its next school, found the lease released, and ended with
    the lost lease's error, an exception no one retrieved."""
    await seed(lite.engine, _catalogue(web))
    first = asyncio.Event()

    async def note_the_first(school: PlannedSchool, report: SchoolReport) -> None:
        first.set()

    run = asyncio.create_task(_run(lite, note_the_first))
    await first.wait()
    run.cancel()
    with pytest.raises(asyncio.CancelledError):
        await run
    visits = [
        task
        for task in asyncio.all_tasks()
        if getattr(task.get_coro(), "__qualname__", "") == "Visit.run"
    ]
    assert visits == []
