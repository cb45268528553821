"""Shared fixtures: a migrated database per backend, and a rolled-back session per test."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.versioning import VersionedSession
from tests.databases import BACKENDS, TestDatabase, drop_templates, migrated_database

# The tests' sync runs extract their pages in their own process (one thread), as the embedded
# default did: a pool of processes spawned per run would cost seconds per test. The pool is pinned
# by tests/scrapers/sync/test_page_reader.py and the pooled run of test_school_facts.py.
os.environ.setdefault("SYNC_EXTRACT_PROCESSES", "1")


@pytest.fixture(scope="session", params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[TestDatabase]:
    """A database migrated to head, once per test run and backend."""
    backend: str = request.param
    async with migrated_database(backend, tmp_path_factory.mktemp(backend)) as db:
        yield db


@pytest.fixture
async def session(database: TestDatabase) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction that is rolled back after the test.

    Code under test may commit: commits become savepoint releases inside the outer transaction.
    """
    async with database.engine.connect() as connection:
        transaction = await connection.begin()
        db_session = AsyncSession(
            bind=connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
            autoflush=False,
            sync_session_class=VersionedSession,
        )
        try:
            yield db_session
        finally:
            await db_session.close()
            await transaction.rollback()


# Counting what ran on which backend, for the summary at the end of the run.

_OUTCOMES: dict[str, Counter[str]] = {backend: Counter() for backend in BACKENDS}


def _backend_of(nodeid: str) -> str | None:
    params = nodeid.rpartition("[")[2].rstrip("]").split("-") if nodeid.endswith("]") else []
    return next((backend for backend in BACKENDS if backend in params), None)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    backend = _backend_of(report.nodeid)
    if backend is None:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _OUTCOMES[backend][report.outcome] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.section("database tests by backend")
    for backend, outcomes in _OUTCOMES.items():
        counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
        terminalreporter.write_line(f"{backend}: {counts or 'none ran'}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _backend_of(item.nodeid) == "postgres":
            item.add_marker(pytest.mark.postgres)
    # The longest tests first: xdist hands tests out in this order as workers free up, so the run
    # ends on short ones instead of one worker finishing a 30 s test while the other waits.
    # A stable sort: everything else keeps pytest's order (grouped by fixture parameters).
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture
def repo_root() -> Path:
    return Path(__file__).resolve().parents[1]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the migrated templates this process made (tests.databases)."""
    asyncio.run(drop_templates())
