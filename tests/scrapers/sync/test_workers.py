"""Three `mobility worker` processes share a run; one is killed mid-partition (PostgreSQL).

The fixture site watches every page request per host: two requests of one host in flight at
once, or two starting closer than the per-host delay, are politeness violations. One school's
first page request is held until the worker holding its partition has been killed (SIGKILL), once
the other schools of that partition are written: the partition must be retried by another
worker, which writes the one school left, and every link is checked once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select

from scrapers.fetch import Fetcher
from scrapers.sync.plan import PlannedSchool
from scrapers.sync.run import run_sync
from scrapers.sync.visit import SchoolReport
from service.db.engine import create_sessionmaker
from service.db.models import LinkCheck, SyncPartition, SyncPartitionSchool, SyncRunStatus
from tests.databases import TestDatabase, migrated_database
from tests.processes import LOOPBACK_WRAPPER, process_env
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.faults import healthy_html
from tests.scrapers.fixture_server import FixtureServer, Request, head
from tests.scrapers.sync.conftest import seed, sync_settings

pytestmark = pytest.mark.reliability

SCHOOLS = 24
HOST_DELAY = 0.2
TRAP = "school00"


class HostWatch:
    """Page requests per host: in flight at once, and too soon after the previous one."""

    def __init__(self) -> None:
        self.in_flight: dict[str, int] = defaultdict(int)
        self.starts: dict[str, list[float]] = defaultdict(list)
        self.overlaps: list[str] = []
        self.too_soon: list[tuple[str, float]] = []

    def enter(self, request: Request) -> None:
        host = request.host
        self.in_flight[host] += 1
        if self.in_flight[host] > 1:
            self.overlaps.append(host)
        starts = self.starts[host]
        if starts and request.received_at - starts[-1] < HOST_DELAY * 0.95:
            self.too_soon.append((host, request.received_at - starts[-1]))
        starts.append(request.received_at)

    def leave(self, request: Request) -> None:
        self.in_flight[request.host] -= 1


class Trap:
    """Holds the first request of the trap school's home page until released."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.released = asyncio.Event()


def _page_route(watch: HostWatch, body: bytes, trap: Trap | None = None):  # type: ignore[no-untyped-def]
    async def answer(request: Request, writer: asyncio.StreamWriter) -> None:
        watch.enter(request)
        try:
            if trap is not None and not trap.reached.is_set():
                trap.reached.set()
                await trap.released.wait()  # its worker is dead by then: nobody reads this
                return
            headers = [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Connection", "close"),
            ]
            writer.write(head(200, headers) + body)
            await writer.drain()
        finally:
            watch.leave(request)

    return answer


@pytest.fixture
async def pg(tmp_path: Path) -> AsyncIterator[TestDatabase]:
    async with migrated_database("postgres", tmp_path) as db:
        yield db


@contextmanager
def workers(
    db: TestDatabase, directory: Path, count: int
) -> Iterator[list[subprocess.Popen[bytes]]]:
    wrapper = directory / "worker.py"
    wrapper.write_text(LOOPBACK_WRAPPER, encoding="utf-8")
    env = process_env(
        DATABASE_URL=db.settings.database.render_as_string(hide_password=False),
        FETCH_CONTACT_URL="https://mobility.example/crawler",
        FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
        FETCH_HOST_DELAY=str(HOST_DELAY),
        FETCH_PAGE_TIMEOUT="120",  # the trapped request lasts until its worker is killed
        SYNC_WORKER_CONCURRENCY="2",
        SYNC_WORKER_HEARTBEAT_SECONDS="0.5",
        SYNC_WORKER_STALLED_SECONDS="6",
        SYNC_LOCK_CHECK_SECONDS="0.5",
        # Extraction in each worker's own thread, as the suite runs it (the pool a worker
        # extracts in is test_worker_pool.py's): three pools of spawned processes would be
        # six more processes importing the extractors on two cores.
        SYNC_EXTRACT_PROCESSES="1",
    )
    processes = []
    for number in range(count):
        with (directory / f"worker{number}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, str(wrapper), "worker"],
                    env=env,
                    cwd=directory,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _pid(holder: str) -> int:
    return int(holder.split(":")[1])


@pytest.mark.long
async def test_a_killed_worker_loses_no_row_and_its_partition_is_retried_elsewhere(
    pg: TestDatabase, tmp_path: Path
) -> None:
    watch, trap = HostWatch(), Trap()
    async with FixtureServer() as web:
        catalogue: dict[str, list[str]] = {}
        for number in range(SCHOOLS):
            slug = f"school{number:02d}"
            host = f"{slug}.test"
            site = web.site(host)
            home = healthy_html(slug.title()).encode()
            site.route("/", _page_route(watch, home, trap if slug == TRAP else None))
            site.route("/more", _page_route(watch, healthy_html(f"{slug} more").encode()))
            catalogue[slug] = [web.url(host, "/"), web.url(host, "/more")]
        schools = await seed(pg.engine, catalogue)
        settings = sync_settings(
            pg,
            sync_partitions=6,
            sync_partition_min_schools=1,
            sync_local_partitions=0,
            sync_worker_heartbeat_seconds=0.5,
            sync_worker_stalled_seconds=6.0,
            sync_lock_check_seconds=0.5,
        )
        sessions = create_sessionmaker(pg.engine)
        trap_id = schools[TRAP].id
        told: set[int] = set()
        killed: list[int] = []
        held_by_killed: set[int] = set()
        killing = asyncio.Lock()

        async def kill_when_the_rest_is_written() -> None:
            async with killing:
                if killed or not trap.reached.is_set():
                    return
                async with sessions() as session:
                    partition = next(
                        p
                        for p in await session.scalars(
                            select(SyncPartition).order_by(SyncPartition.id.desc())
                        )
                        if trap_id in p.school_ids
                    )
                if not set(partition.school_ids) - {trap_id} <= told or partition.holder is None:
                    return
                pid = _pid(partition.holder)
                async with sessions() as session:
                    held = await session.scalars(
                        select(SyncPartition).where(SyncPartition.status == "RUNNING")
                    )
                    held_by_killed.update(p.id for p in held if p.holder and _pid(p.holder) == pid)
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                trap.released.set()

        async def on_school(school: PlannedSchool, report: SchoolReport) -> None:
            told.add(school.id)
            await kill_when_the_rest_is_written()

        async def when_trapped() -> None:
            await trap.reached.wait()
            await kill_when_the_rest_is_written()

        with workers(pg, tmp_path, 3) as processes:
            trapped = asyncio.create_task(when_trapped())
            async with Fetcher(LOOPBACK_POLICY) as fetcher:
                report = await asyncio.wait_for(
                    run_sync(pg.engine, fetcher, settings=settings, on_school=on_school), 240
                )
            trapped.cancel()
            alive = {p.pid for p in processes if p.poll() is None}

    assert report.status is SyncRunStatus.OK, report.error
    assert len(killed) == 1
    assert killed[0] not in alive
    assert len(alive) == 2
    assert sorted(s.slug for s in report.schools if s.recorded) == sorted(catalogue)
    async with sessions() as session:
        checks = await session.scalar(
            select(func.count()).select_from(LinkCheck).where(LinkCheck.run_id == report.run_id)
        )
        partitions = list(
            await session.scalars(
                select(SyncPartition).where(SyncPartition.run_id == report.run_id)
            )
        )
        written = {
            row.school_id: row.holder
            for row in await session.scalars(
                select(SyncPartitionSchool)
                .join(SyncPartition)
                .where(SyncPartition.run_id == report.run_id)
            )
        }
    assert checks == 2 * SCHOOLS  # every link once: no row lost, none written twice
    assert len(partitions) == 6
    assert all(p.status == "DONE" for p in partitions)
    retried = next(p for p in partitions if trap_id in p.school_ids)
    assert retried.attempts == 2
    mates = set(retried.school_ids) - {trap_id}
    assert mates
    assert {_pid(written[s]) for s in mates} == {killed[0]}
    assert _pid(written[trap_id]) in alive
    # The killed worker's other partition (it works on two at once) is retried as well, unless
    # it finished between the read of what the worker held and the kill: then the killed
    # worker closed it itself, once (the read and the kill cannot be one step).
    retried_ids = {p.id for p in partitions if p.attempts == 2}
    assert retried.id in retried_ids
    assert retried_ids <= held_by_killed
    assert all(
        p.attempts == 1 and p.holder is not None and _pid(p.holder) == killed[0]
        for p in partitions
        if p.id in held_by_killed - retried_ids
    )
    assert all(p.attempts == 1 for p in partitions if p.id not in held_by_killed)
    assert len(watch.starts) == SCHOOLS
    assert all(len(s) >= 2 for s in watch.starts.values())
    assert watch.overlaps == []
    assert watch.too_soon == []
