"""Identical anonymous queries at one data version share one execution, which outlives callers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from service.graphql.compiler import ReadCompiler
from service.web.graphql_endpoint import GraphQLEndpoint
from tests.service.web.conftest import ClientFactory

QUERY = {"query": "{ countries { code name } }"}


@dataclass
class Flights:
    """Schema executions held until released, and the callers and executions seen."""

    executions: list[float] = field(default_factory=list)
    callers: int = 0
    release_at_callers: int = 0  # 0: not released by the callers' count
    release_at_executions: int = 0  # 0: not released by the executions' count
    released: asyncio.Event = field(default_factory=asyncio.Event)
    landed: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
def flights(monkeypatch: pytest.MonkeyPatch) -> Flights:
    """Each execution waits until released, so that others arrive while it is in flight."""
    seen = Flights()
    # Every query starts in the compiler (which answers it, or hands it to the resolvers).
    execute = ReadCompiler.execute
    single_flight = GraphQLEndpoint._single_flight
    landed = GraphQLEndpoint._landed

    async def held_execute(self: ReadCompiler, *args: Any, **kwargs: Any) -> Any:
        seen.executions.append(asyncio.get_running_loop().time())
        if len(seen.executions) == seen.release_at_executions:
            seen.released.set()
        await seen.released.wait()
        return await execute(self, *args, **kwargs)

    async def counted_single_flight(
        self: GraphQLEndpoint, flight: Any, run: Callable[[], Awaitable[Any]]
    ) -> Any:
        seen.callers += 1
        if seen.callers == seen.release_at_callers:
            seen.released.set()  # the last caller joins before the execution can resume
        return await single_flight(self, flight, run)

    def noted_landed(self: GraphQLEndpoint, flight: Any, task: asyncio.Future[Any]) -> None:
        landed(self, flight, task)
        seen.landed.set()

    monkeypatch.setattr(ReadCompiler, "execute", held_execute)
    monkeypatch.setattr(GraphQLEndpoint, "_single_flight", counted_single_flight)
    monkeypatch.setattr(GraphQLEndpoint, "_landed", noted_landed)
    return seen


async def _post_many(client: httpx.AsyncClient, count: int, **headers: str) -> list[httpx.Response]:
    return list(
        await asyncio.gather(
            *(client.post("/graphql", json=QUERY, headers=headers) for _ in range(count))
        )
    )


async def test_identical_cold_queries_run_once(client_for: ClientFactory, flights: Flights) -> None:
    flights.release_at_callers = 6
    async with client_for() as client:
        responses = await asyncio.wait_for(_post_many(client, 6), 30)
    assert flights.callers == 6
    assert len(flights.executions) == 1
    assert {response.status_code for response in responses} == {200}
    assert len({response.content for response in responses}) == 1
    assert "FI" in responses[0].text


async def test_callers_with_a_token_are_never_shared(
    client_for: ClientFactory, flights: Flights
) -> None:
    token = "single-flight-admin-token"
    flights.release_at_executions = 3  # held until all three run at once: none waits on another
    async with client_for(admin_token=SecretStr(token)) as client:
        await asyncio.wait_for(_post_many(client, 3, authorization=f"Bearer {token}"), 30)
    assert flights.callers == 0
    assert len(flights.executions) == 3


async def test_a_caller_stopped_at_its_deadline_leaves_the_answer_for_the_next(
    client_for: ClientFactory, flights: Flights
) -> None:
    # The execution is held until released, so the caller always meets its deadline in flight;
    # the deadline only has to leave time to reach the execution on a loaded machine.
    async with client_for(request_deadline_seconds=2) as client:
        first = await client.post("/graphql", json=QUERY)
        assert first.status_code == 503
        assert (flights.callers, len(flights.executions)) == (1, 1)
        flights.released.set()
        await asyncio.wait_for(flights.landed.wait(), 30)  # it finished and filled the cache
        second = await client.post("/graphql", json=QUERY)
    assert second.status_code == 200
    assert len(flights.executions) == 1
