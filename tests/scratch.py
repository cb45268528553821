"""A second migrated database per backend for tests whose code under test commits.

The ``session`` fixture rolls everything back, which is right for query functions but cannot
show what two connections see (two schedulers claiming one request, a scheduler loop that
commits after every step). Tests that need that use ``sessions``: a session factory on a
separate database, emptied after each test. Import the fixtures in the conftest of the
directories that use them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.db.base import Base
from service.db.engine import create_sessionmaker
from service.db.versioning import DataVersion
from tests.databases import BACKENDS, TestDatabase, migrated_database

_KEPT = {DataVersion.__tablename__}
#: procrastinate's tables on PostgreSQL (not in the models' metadata), emptied in this order.
_JOB_ENGINE_TABLES = (
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)


@pytest.fixture(scope="session", params=BACKENDS)
async def scratch_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[TestDatabase]:
    """A migrated database of its own, once per test run and backend."""
    backend: str = request.param
    async with migrated_database(backend, tmp_path_factory.mktemp(f"scratch-{backend}")) as db:
        yield db


@pytest.fixture
async def sessions(
    scratch_database: TestDatabase,
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions whose commits are real; every table is emptied after the test."""
    yield create_sessionmaker(scratch_database.engine)
    async with scratch_database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in _KEPT:
                await connection.execute(delete(table))
        if connection.dialect.name == "postgresql":
            for name in _JOB_ENGINE_TABLES:
                await connection.execute(text(f"DELETE FROM {name}"))
