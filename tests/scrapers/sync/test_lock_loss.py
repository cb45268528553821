"""A run that loses its lock stops before its next school and is recorded ABORTED (issue 17)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from scrapers.fetch import Fetcher, MappingResolver
from scrapers.sync.command import EXIT_ABORTED
from scrapers.sync.lock import ADVISORY_KEY, LEASE_LOST, hold_run_lock, holder_is_gone
from scrapers.sync.lock import LOCK_CONNECTION_LOST as CONNECTION_LOST
from scrapers.sync.plan import PlannedSchool
from scrapers.sync.run import SchoolDone, SyncReport, run_sync
from scrapers.sync.visit import SchoolReport
from service.db.engine import create_sessionmaker
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
