"""The API's connection pool holds its concurrency: steady load opens no new database sessions."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import event, text

from tests.databases import TestDatabase
from tests.service.web.conftest import serve_with_runtime

CONCURRENCY = 8
QUERY = {"query": "{ countries { code schools { slug programmes { name offers { kind } } } } }"}


async def _round(client: httpx.AsyncClient) -> None:
    """CONCURRENCY clients, each sending requests back to back (what wrk does)."""

    async def one_client() -> None:
        for _ in range(5):
            response = await client.post("/graphql", json=QUERY)
            assert response.status_code == 200
            assert "errors" not in response.json()

    await asyncio.gather(*(one_client() for _ in range(CONCURRENCY)))


async def _backend_pids(database: TestDatabase) -> set[int]:
    """Sessions connected to the test database right now (pg_stat_activity), except ours."""
    async with database.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        return {pid for (pid,) in rows}


async def test_steady_load_reuses_the_pools_connections(served_database: TestDatabase) -> None:
    # Every request executes (no response cache), so every request checks a connection out.
    # Shedding is off the table: every client gets an execution slot (GRAPHQL_MAX_CONCURRENT).
    settings = served_database.settings.model_copy(
        update={"response_cache_bytes": 0, "graphql_max_concurrent": CONCURRENCY}
    )
    assert settings.db.pool_size >= CONCURRENCY + 1  # the requests, and the data-version read
    postgres = served_database.backend == "postgres"
    async with serve_with_runtime(settings) as (client, runtime):
        engine = runtime.engine
        opened: list[object] = []

        def count(*_args: Any) -> None:
            opened.append(None)

        event.listen(engine.sync_engine, "connect", count)
        try:
            await _round(client)  # warm-up: the pool fills up to the concurrency
            assert 2 <= len(opened) <= settings.db.pool_size
            before = await _backend_pids(served_database) if postgres else set()
            opened.clear()
            for _ in range(3):
                await _round(client)
            assert opened == []
            if postgres:
                assert await _backend_pids(served_database) == before
        finally:
            event.remove(engine.sync_engine, "connect", count)
