"""The application over httpx.ASGITransport, on a committed sample catalogue per backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import select
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.fetch import MappingResolver, Resolver
from service.config import Settings
from service.db.engine import create_sessionmaker
from service.db.models import School
from service.web.app import create_app
from service.web.runtime import Runtime
from tests.databases import BACKENDS, TestDatabase, migrated_database, settings_for
from tests.sample_catalogue import build_sample_catalogue

ClientFactory = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


async def sample_school(session: AsyncSession, slug: str) -> School:
    """The school ``slug`` of the sample catalogue."""
    return (await session.scalars(select(School).where(School.slug == slug))).one()


#: No name resolves: an FAQ URL's host is never looked up in DNS by these tests.
OFFLINE_RESOLVER = MappingResolver({})


@asynccontextmanager
async def serve(
    settings: Settings, *, resolver: Resolver = OFFLINE_RESOLVER
) -> AsyncIterator[httpx.AsyncClient]:
    """A client talking to ``create_app(settings)``, lifespan included."""
    async with serve_with_runtime(settings, resolver=resolver) as (client, _runtime):
        yield client


@asynccontextmanager
async def serve_with_runtime(
    settings: Settings, *, resolver: Resolver = OFFLINE_RESOLVER
) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    """:func:`serve`, and the application's runtime (its engine, caches, compiler)."""
    app = create_app(settings, resolver=resolver)
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://api.test") as client,
    ):
        runtime = app.state.runtime
        assert isinstance(runtime, Runtime)
        yield client, runtime


@pytest.fixture(scope="session", params=BACKENDS)
async def served_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[TestDatabase]:
    """A migrated database holding the committed sample catalogue (read-only for tests)."""
    backend: str = request.param
    async with migrated_database(backend, tmp_path_factory.mktemp(f"served-{backend}")) as db:
        async with create_sessionmaker(db.engine)() as session:
            await build_sample_catalogue(session)
            await session.commit()
        yield db


@pytest.fixture
def client_for(served_database: TestDatabase) -> ClientFactory:
    """``async with client_for(**settings) as client``: the app on the sample catalogue."""

    def make(**overrides: object) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        return serve(served_database.settings.model_copy(update=overrides))

    return make


@pytest.fixture
async def client(client_for: ClientFactory) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for() as api:
        yield api


@pytest.fixture
def offline_settings(tmp_path: Path) -> Settings:
    """Settings for requests refused before any database work (an empty SQLite file)."""
    return settings_for(URL.create("sqlite+aiosqlite", database=str(tmp_path / "empty.sqlite3")))


@pytest.fixture
async def offline_client(offline_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(offline_settings) as api:
        yield api


@pytest.fixture(params=BACKENDS)
async def fresh_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[TestDatabase]:
    """A migrated database of its own, with the sample catalogue, for tests that write."""
    backend: str = request.param
    async with migrated_database(backend, tmp_path) as db:
        async with create_sessionmaker(db.engine)() as session:
            await build_sample_catalogue(session)
            await session.commit()
        yield db
