"""A compiled read on PostgreSQL is one statement outside a transaction (decision 0150)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text

from service.db.alone import fetch_alone
from service.graphql.compiler import run as run_module
from service.web.runtime import Runtime
from tests.databases import TestDatabase
from tests.service.web.conftest import serve_with_runtime

PAGE = """query Page($codes: [String!]) {
  schools(filter: {countryCodes: $codes}, first: 2) {
    totalCount nodes { slug name programmes { name offers { kind } } } } }"""
TWO_ROOTS = "{ countries { code } schools(first: 1) { nodes { slug } } }"
DEADLINE_WALK = """{ offersConnection(filter: {homeTrack: "ISEM"}, orderBy: DEADLINE, first: 7) {
  totalCount edges { cursor node { kind school { slug } homeTracks { code } } } } }"""
DEADLINE_SECONDS = 7.5


@asynccontextmanager
async def _served(database: TestDatabase) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    settings = database.settings.model_copy(
        update={
            "response_cache_bytes": 0,
            # The version clock reads nothing during the test: every statement seen is a request's.
            "data_version_max_age_seconds": 3600.0,
            "request_deadline_seconds": DEADLINE_SECONDS,
        }
    )
    async with serve_with_runtime(settings) as served:
        yield served


class _Sent:
    """The statements an engine sends, and whether each ran outside a transaction."""

    def __init__(self, runtime: Runtime) -> None:
        self.statements: list[tuple[str, bool]] = []
        self.sent: list[tuple[str, Any]] = []  # each statement with its parameters
        event.listen(runtime.engine.sync_engine, "before_cursor_execute", self._seen)

    def _seen(self, connection: Any, *_args: Any) -> None:
        statement: str = _args[1]
        self.sent.append((statement, _args[2]))
        adapted = connection.connection.dbapi_connection
        self.statements.append((statement, bool(getattr(adapted, "autocommit", False))))


async def _post(client: httpx.AsyncClient, query: str, **variables: Any) -> httpx.Response:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    assert "errors" not in response.json()
    return response


async def test_a_repeated_compiled_read_is_one_statement_outside_a_transaction(
    served_database: TestDatabase,
) -> None:
    async with _served(served_database) as (client, runtime):
        first = await _post(client, PAGE, codes=["FI"])
        sent = _Sent(runtime)
        again = await _post(client, PAGE, codes=["FI"])
        other = await _post(client, PAGE, codes=["CA"])
    assert again.json() == first.json()
    assert again.headers["etag"] == first.headers["etag"]
    assert other.json() != first.json()
    if served_database.backend != "postgres":
        # SQLite answers in its session's transaction, as before.
        assert not runtime.statement_timeout_set
        assert not any(alone for _sql, alone in sent.statements)
        return
    # The page's statement alone: no timeout set, no data-version read, no BEGIN/ROLLBACK.
    assert len(sent.statements) == 2
    assert all(alone for _sql, alone in sent.statements)
    assert all("data_version" in sql for sql, _alone in sent.statements)


async def test_several_roots_share_one_snapshot_in_a_transaction(
    served_database: TestDatabase,
) -> None:
    async with _served(served_database) as (client, runtime):
        first = await _post(client, TWO_ROOTS)
        sent = _Sent(runtime)
        again = await _post(client, TWO_ROOTS)
    assert again.json() == first.json()
    assert len(sent.statements) > 2
    assert not any(alone for _sql, alone in sent.statements)


async def test_server_connections_stop_statements_at_the_deadline_and_plan_once(
    served_database: TestDatabase,
) -> None:
    if served_database.backend != "postgres":
        return  # SQLite's deadline is the progress handler of each request (service.db.deadline)
    async with (
        _served(served_database) as (_client, runtime),
        runtime.engine.connect() as connection,
    ):
        timeout = await connection.scalar(text("SELECT current_setting('statement_timeout')"))
        mode = await connection.scalar(text("SELECT current_setting('plan_cache_mode')"))
        jit = await connection.scalar(text("SELECT current_setting('jit')"))
    assert runtime.statement_timeout_set
    assert timeout == "7500ms"
    assert mode == "force_generic_plan"
    assert jit == "off"


async def _explained(connection: Any, statement: str, parameters: Any) -> list[str]:
    rows = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
    return [line for (line,) in rows]


async def test_server_connections_never_jit_compile_the_deadline_walk(
    served_database: TestDatabase,
) -> None:
    """A track filter in the deadline order: its generic plan's estimate passed JIT's costs at
    10,000 schools and each page compiled 1,114 functions, 15 s (decision 0420). Whatever the
    estimate (``jit_above_cost = 0``), the server's connections run it uncompiled."""
    if served_database.backend != "postgres":
        return  # no JIT
    async with _served(served_database) as (client, runtime):
        await _post(client, DEADLINE_WALK)  # the cost estimate, in a session
        sent = _Sent(runtime)
        await _post(client, DEADLINE_WALK)
        (statement, parameters), *_ = sorted(sent.sent, key=lambda pair: -len(pair[0]))
        assert "offer_home_track" in statement
        async with runtime.engine.connect() as connection:
            await connection.exec_driver_sql("SET jit_above_cost = 0")
            served = await _explained(connection, statement, parameters)
            await connection.exec_driver_sql("SET jit = on")
            available = await connection.scalar(text("SELECT pg_jit_available()"))
            jitted = await _explained(connection, statement, parameters)
            await connection.rollback()
    assert not any(line.startswith("JIT:") for line in served)
    if available:  # the same connection with PostgreSQL's default compiles it
        assert any(line.startswith("JIT:") for line in jitted)


async def test_without_statement_listeners_asyncpg_sends_the_one_statement(
    served_database: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    if served_database.backend != "postgres":
        return  # SQLite answers in its session's transaction
    sent: list[str] = []

    async def counted(engine: Any, sql: str, values: Any) -> Any:
        sent.append(sql)
        return await fetch_alone(engine, sql, values)

    monkeypatch.setattr(run_module, "fetch_alone", counted)
    async with _served(served_database) as (client, runtime):
        first = await _post(client, PAGE, codes=["FI"])  # the cost estimate, in a session
        assert sent == []
        again = await _post(client, PAGE, codes=["FI"])
        assert len(sent) == 1
        assert "data_version" in sent[0]
        # With a listener (statement counts, tracing) SQLAlchemy's Connection sends it.
        listened = _Sent(runtime)
        heard = await _post(client, PAGE, codes=["FI"])
    assert len(sent) == 1
    assert len(listened.statements) == 1
    assert again.json() == first.json() == heard.json()
    assert again.headers["etag"] == first.headers["etag"] == heard.headers["etag"]
