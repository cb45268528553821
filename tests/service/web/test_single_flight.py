"""Identical anonymous queries at one data version share one execution, which outlives callers."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from service.graphql.compiler import ReadCompiler
from tests.service.web.conftest import ClientFactory

QUERY = {"query": "{ countries { code name } }"}


@pytest.fixture
def executions(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Counts query executions, each kept in flight a moment so that others can arrive.

    Every query starts in the compiler (which answers QUERY itself), so that is where an
    execution is counted.
    """
    calls: list[float] = []
    original = ReadCompiler.execute

    async def slow_execute(self: ReadCompiler, *args: Any, **kwargs: Any) -> Any:
        calls.append(asyncio.get_running_loop().time())
        await asyncio.sleep(0.3)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(ReadCompiler, "execute", slow_execute)
    return calls


async def _post_many(client: httpx.AsyncClient, count: int, **headers: str) -> list[httpx.Response]:
    return list(
        await asyncio.gather(
            *(client.post("/graphql", json=QUERY, headers=headers) for _ in range(count))
        )
    )


async def test_identical_cold_queries_run_once(
    client_for: ClientFactory, executions: list[float]
) -> None:
    async with client_for() as client:
        responses = await _post_many(client, 6)
    assert len(executions) == 1
    assert {response.status_code for response in responses} == {200}
    assert len({response.content for response in responses}) == 1
    assert "FI" in responses[0].text


async def test_callers_with_a_token_are_never_shared(
    client_for: ClientFactory, executions: list[float]
) -> None:
    token = "single-flight-admin-token"
    async with client_for(admin_token=SecretStr(token)) as client:
        await _post_many(client, 3, authorization=f"Bearer {token}")
    assert len(executions) == 3


async def test_a_caller_stopped_at_its_deadline_leaves_the_answer_for_the_next(
    client_for: ClientFactory, executions: list[float]
) -> None:
    async with client_for(request_deadline_seconds=0.1) as client:
        first = await client.post("/graphql", json=QUERY)
        assert first.status_code == 503
        await asyncio.sleep(0.5)  # the shared execution finishes and fills the cache
        second = await client.post("/graphql", json=QUERY)
    assert second.status_code == 200
    assert len(executions) == 1
