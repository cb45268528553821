"""Executing GraphQL documents against the test session, without HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import ExecutionResult

from service.catalogue.search_index import SearchIndexCache
from service.config import Settings
from service.db.serialized import SerializedSession
from service.db.versioning import read_data_version
from service.graphql.context import build_context
from service.graphql.schema import CatalogueSchema, build_schema

Execute = Callable[..., Awaitable[ExecutionResult]]
MAX_PAGE_SIZE = 100


@pytest.fixture(scope="session")
def schema() -> CatalogueSchema:
    return build_schema(Settings(_env_file=None))


@pytest.fixture
def execute(session: AsyncSession, schema: CatalogueSchema) -> Execute:
    """``await execute(query, variables)``: the result, on the test's session."""
    return executor(session, schema)


def executor(session: AsyncSession, schema: CatalogueSchema) -> Execute:
    """``await execute(query, variables)``: the result, on ``session`` (bench/ runs it too)."""
    search_indexes = SearchIndexCache()

    async def run(query: str, variables: dict[str, Any] | None = None) -> ExecutionResult:
        version = await read_data_version(session)
        context = build_context(
            request_id="test-request",
            db=SerializedSession(session),
            data_version=version,
            max_page_size=MAX_PAGE_SIZE,
            search_indexes=search_indexes,
        )
        return await schema.execute(query, variable_values=variables, context_value=context)

    return run


async def data_of(execute: Execute, query: str, variables: dict[str, Any] | None = None) -> Any:
    """The data of a query that must succeed."""
    result = await execute(query, variables)
    assert result.errors is None, [error.formatted for error in result.errors or []]
    return result.data
