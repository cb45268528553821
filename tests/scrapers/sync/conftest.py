"""Fixtures of the sync tests: a fresh database per test (runs commit), seeded catalogues."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from scrapers.fetch import Fetcher, FetchPolicy, FetchResult, MappingResolver
from scrapers.sync.handler import ApplySchool, FactCounts, RunScope, SchoolHandler
from scrapers.sync.lock import RunInProgressError, hold_run_lock
from scrapers.sync.plan import PlannedSchool
from scrapers.sync.run import SyncReport, run_sync
from scrapers.sync.school_facts import read_school_facts
from service.config import Settings
from service.db.engine import create_sessionmaker
from service.db.models import LinkCheck, School, UrlHealth
from tests.databases import BACKENDS, TestDatabase, migrated_database
from tests.factories import make_link, make_school
from tests.scrapers.conftest import LOOPBACK_POLICY


@pytest.fixture(params=BACKENDS)
async def fresh(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[TestDatabase]:
    """A database of its own for a test whose code commits (a sync run does)."""
    async with migrated_database(request.param, tmp_path_factory.mktemp("sync")) as db:
        yield db


def sync_settings(db: TestDatabase, **overrides: object) -> Settings:
    values: dict[str, object] = {"sync_dead_link_runs": 2, "sync_lease_ttl": 30.0}
    return db.settings.model_copy(update=values | overrides)


async def seed(engine: AsyncEngine, catalogue: Mapping[str, Sequence[str]]) -> dict[str, School]:
    """Schools (by slug) with one link per URL, committed."""
    schools: dict[str, School] = {}
    async with create_sessionmaker(engine)() as session:
        for slug, urls in catalogue.items():
            school = await make_school(session, slug=slug, name=slug.title())
            for url in urls:
                await make_link(session, url=url, school=school)
            schools[slug] = school
        await session.commit()
    return schools


@dataclass(slots=True)
class RecordingHandler:
    """A school handler that remembers the pages it was given in full.

    It can be told to fail while reading (``fail_reading``) or while applying (``fail_for``)
    the pages of some schools; applying writes nothing.
    """

    calls: list[tuple[str, str, str]] = field(default_factory=list)
    fail_for: set[str] = field(default_factory=set)
    fail_reading: set[str] = field(default_factory=set)

    async def __call__(
        self, school: PlannedSchool, results: Mapping[str, FetchResult]
    ) -> ApplySchool:
        if school.slug in self.fail_reading:
            raise ValueError(f"cannot parse {school.slug}'s page")
        for url in school.urls:
            page = results[url].page
            if page is not None:
                self.calls.append((school.slug, url, page.text))

        async def apply(session: AsyncSession, scope: RunScope) -> FactCounts:
            if school.slug in self.fail_for:
                raise ValueError(f"cannot read {school.slug}'s page")
            return FactCounts()

        return apply


async def sync_once(
    db: TestDatabase,
    resolver: MappingResolver,
    *,
    settings: Settings | None = None,
    policy: FetchPolicy = LOOPBACK_POLICY,
    slugs: Sequence[str] = (),
    dry_run: bool = False,
    refetch: bool = False,
    handler: SchoolHandler | None = read_school_facts,
    ssl_context: ssl.SSLContext | None = None,
) -> SyncReport:
    async with Fetcher(policy, resolver=resolver, ssl_context=ssl_context) as fetcher:
        return await run_sync(
            db.engine,
            fetcher,
            settings=settings or sync_settings(db),
            slugs=slugs,
            dry_run=dry_run,
            refetch=refetch,
            handler=handler,
        )


async def health_of(engine: AsyncEngine, url: str) -> UrlHealth:
    async with create_sessionmaker(engine)() as session:
        return await session.get_one(UrlHealth, await _health_id(session, url))


async def _health_id(session: AsyncSession, url: str) -> int:
    found = await session.scalar(select(UrlHealth.id).where(UrlHealth.url == url))
    assert found is not None, f"no health recorded for {url}"
    return found


async def checks_of(engine: AsyncEngine, url: str) -> list[LinkCheck]:
    async with create_sessionmaker(engine)() as session:
        rows = await session.scalars(
            select(LinkCheck).where(LinkCheck.url == url).order_by(LinkCheck.run_id)
        )
        return list(rows)


async def count_rows(engine: AsyncEngine, model: type[object]) -> int:
    async with create_sessionmaker(engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def until_free(db: TestDatabase, seconds: float) -> None:
    """Wait until the run lock can be taken (a killed holder's lock or lease is gone)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        try:
            async with hold_run_lock(db.engine, 30):
                return
        except RunInProgressError:
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.1)
