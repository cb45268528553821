"""A `mobility worker` extracts its partitions' pages in a process pool, as a one-process sync.

The run's coordinator works on no partition itself (``SYNC_LOCAL_PARTITIONS=0``): a worker
(:func:`scrapers.sync.worker.work_on_partitions`, in this test's process) works on all of them
with ``SYNC_EXTRACT_PROCESSES=2``. One school's page kills the process that extracts it: had the
worker extracted in its own thread, this test's process would be dead. The page is tried once
more alone, then is that page's read failure (a ``fetch_failed`` finding that says why); the
other schools' pages are read, and every school is recorded (PostgreSQL).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from scrapers.fetch import Fetcher, MappingResolver
from scrapers.reconcile.findings import FETCH_FAILED
from scrapers.sync.run import run_sync
from scrapers.sync.worker import work_on_partitions
from service.db.engine import create_sessionmaker
from service.db.models import Finding, SyncRunStatus
from tests.databases import TestDatabase, migrated_database
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.faults import healthy_html
from tests.scrapers.fixture_server import FixtureServer
from tests.scrapers.sync.conftest import seed, sync_settings
from tests.scrapers.sync.crashing_reader import KILLER, read_or_die

SCHOOLS = ("aalto", "esisar", "unical", "killer")
#: What each page says, so that reading it changes the school's facts.
FACTS = (
    "<p>La date limite de candidature est fixée au 15 mars 2027, et le niveau B2 en anglais "
    "est demandé.</p>"
)


@pytest.fixture
async def pg(tmp_path: Path) -> AsyncIterator[TestDatabase]:
    async with migrated_database("postgres", tmp_path) as db:
        yield db


def _loopback_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """``*.test`` resolves to 127.0.0.1 for the worker's fetcher (the system resolver)."""
    real = socket.getaddrinfo

    def loopback(host: object, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".test"):
            return real("127.0.0.1", *args, **kwargs)
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", loopback)


@pytest.mark.long
async def test_a_worker_extracts_in_a_pool_and_a_dead_process_fails_only_its_page(
    pg: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    _loopback_names(monkeypatch)
    async with FixtureServer() as web:
        for slug in SCHOOLS:
            page = healthy_html(slug.title()).replace("</body>", f"{FACTS}</body>")
            if slug == "killer":
                page = page.replace("</body>", f"{KILLER}</body>")
            web.site(f"{slug}.test").page("/", page)
        await seed(pg.engine, {slug: [web.url(f"{slug}.test")] for slug in SCHOOLS})
        settings = sync_settings(
            pg,
            sync_partitions=2,
            sync_partition_min_schools=1,
            sync_local_partitions=0,
            sync_extract_processes=2,
            sync_worker_heartbeat_seconds=0.5,
        )
        resolver = MappingResolver({f"{slug}.test": ["127.0.0.1"] for slug in SCHOOLS})
        policy = LOOPBACK_POLICY
        worker = asyncio.create_task(
            work_on_partitions(settings, policy, 2, signals=False, read=read_or_die)
        )
        try:
            async with Fetcher(policy, resolver=resolver) as fetcher:
                report = await asyncio.wait_for(
                    run_sync(pg.engine, fetcher, settings=settings), 180
                )
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
    assert report.status is SyncRunStatus.OK, report.error
    assert sorted(s.slug for s in report.schools if s.recorded) == sorted(SCHOOLS)
    changed = {s.slug: s.facts.changed if s.facts else 0 for s in report.schools}
    assert all(changed[slug] > 0 for slug in SCHOOLS if slug != "killer")
    async with create_sessionmaker(pg.engine)() as session:
        failures = list(await session.scalars(select(Finding).where(Finding.kind == FETCH_FAILED)))
    assert [(f.detail["url"], f.detail["reason"]) for f in failures] == [
        (
            web.url("killer.test"),
            "page not read: its extraction process died (BrokenProcessPool)",
        )
    ]
