"""Executing GraphQL documents against the test session, without HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import ExecutionResult

from service.catalogue.search_index import SearchIndexCache
from service.config import Settings
from service.db.serialized import SerializedSession
from service.db.versioning import read_data_version
from service.graphql.compiler import ReadCompiler
from service.graphql.context import build_context
from service.graphql.schema import CatalogueSchema, build_schema

Execute = Callable[..., Awaitable[ExecutionResult]]
MAX_PAGE_SIZE = 100


@pytest.fixture(scope="session")
def schema() -> CatalogueSchema:
    # These tests pin answers and statement counts up to 10,000 schools, far over the default
    # cost budget; the budget itself is tested in test_cost.py and web/test_query_cost.py.
    return build_schema(Settings(_env_file=None, graphql_cost_budget=100_000_000))


@pytest.fixture(scope="session")
def compiler(schema: CatalogueSchema) -> ReadCompiler:
    return ReadCompiler(schema)


def _resolver(
    session: AsyncSession, schema: CatalogueSchema, db: SerializedSession | None = None
) -> Callable[..., Any]:
    search_indexes = SearchIndexCache()
    serialized = db or SerializedSession(session)

    async def run(query: str, variables: dict[str, Any] | None, version: int) -> ExecutionResult:
        context = build_context(
            request_id="test-request",
            db=serialized,
            data_version=version,
            max_page_size=MAX_PAGE_SIZE,
            search_indexes=search_indexes,
        )
        return await schema.execute(query, variable_values=variables, context_value=context)

    return run


@pytest.fixture
def resolve(session: AsyncSession, schema: CatalogueSchema) -> Execute:
    """``await resolve(query, variables)``: the result through the resolvers only."""
    resolver = _resolver(session, schema)

    async def run(query: str, variables: dict[str, Any] | None = None) -> ExecutionResult:
        result: ExecutionResult = await resolver(query, variables, await read_data_version(session))
        return result

    return run


@pytest.fixture
def execute(session: AsyncSession, schema: CatalogueSchema, compiler: ReadCompiler) -> Execute:
    """``await execute(query, variables)``: the result as the endpoint gives it, on the test's
    session: compiled when the compiler covers the operation, through the resolvers otherwise."""
    return executor(session, schema, compiler)


def executor(
    session: AsyncSession,
    schema: CatalogueSchema,
    compiler: ReadCompiler | None = None,
    db: SerializedSession | None = None,
) -> Execute:
    """``await execute(query, variables)`` on ``session``, as the endpoint answers it (bench/
    runs it too). Pass ``db`` to close it as the endpoint does (waiting for loader batches)."""
    db = db or SerializedSession(session)
    resolver = _resolver(session, schema, db)
    compiler = compiler or ReadCompiler(schema)

    async def run(query: str, variables: dict[str, Any] | None = None) -> ExecutionResult:
        # The endpoint reads the data version first, whichever path answers.
        version = await read_data_version(session)
        compiled = await compiler.execute(
            db,
            query,
            variables,
            None,
            max_page_size=MAX_PAGE_SIZE,
            data_version=version,
        )
        if compiled is None:
            result: ExecutionResult = await resolver(query, variables, version)
            return result
        # Decoded again here only, to compare with plain values.
        return ExecutionResult(data=orjson.loads(orjson.dumps(compiled)), errors=None)

    return run


async def data_of(execute: Execute, query: str, variables: dict[str, Any] | None = None) -> Any:
    """The data of a query that must succeed."""
    result = await execute(query, variables)
    assert result.errors is None, [error.formatted for error in result.errors or []]
    return result.data
