"""Every request a client can send gets a deliberate answer: a 4xx with a clear message, or
503 with Retry-After under overload; never a 500 (issue 17)."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
import pytest

from tests.service.web.conftest import ClientFactory

pytestmark = pytest.mark.reliability

GQL = "application/graphql-response+json"


def _error(response: httpx.Response) -> dict[str, object]:
    [error] = response.json()["errors"]
    assert isinstance(error, dict)
    return error


async def test_a_subscription_by_post_or_get_is_refused_with_400(
    client: httpx.AsyncClient,
) -> None:
    query = "subscription Watch { changes { nodes { field } } }"
    by_post = await client.post("/graphql", json={"query": query}, headers={"Accept": GQL})
    by_get = await client.get("/graphql", params={"query": query}, headers={"Accept": GQL})
    for response in (by_post, by_get):
        assert response.status_code == 400
        assert _error(response) == {
            "message": "Subscriptions are not served: this API answers queries and mutations "
            "only (poll `changes` for what changed).",
            "extensions": {"code": "SUBSCRIPTIONS_NOT_SUPPORTED"},
        }


@pytest.mark.parametrize("depth", [21, 300, 900])
async def test_deeply_nested_variables_are_refused_before_anything_walks_them(
    client: httpx.AsyncClient, depth: int
) -> None:
    nested: object = 1
    for _ in range(depth - 1):
        nested = [nested]
    response = await client.post(
        "/graphql",
        json={"query": "query Q($v: Int) { __typename }", "variables": {"v": nested}},
        headers={"Accept": GQL},
    )
    assert response.status_code == 400
    assert _error(response) == {
        "message": "`variables` nest more than 20 levels deep.",
        "extensions": {"code": "BAD_REQUEST"},
    }


async def test_variables_with_too_many_values_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "query Q($v: [Int]) { __typename }", "variables": {"v": [0] * 2_000}},
        headers={"Accept": GQL},
    )
    assert response.status_code == 400
    assert _error(response)["message"] == "`variables` hold more than 2000 values."


async def test_head_is_get_without_the_body(client: httpx.AsyncClient) -> None:
    params = {"query": "{ homeTracks { code } }"}
    get = await client.get("/graphql", params=params, headers={"Accept": GQL})
    head = await client.head("/graphql", params=params, headers={"Accept": GQL})
    assert (head.status_code, head.content) == (200, b"")
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers["content-length"] == str(len(get.content))


async def test_head_without_a_query(client_for: ClientFactory) -> None:
    async with client_for() as client:
        page = await client.head("/graphql")
    async with client_for(graphiql_enabled=False) as client:
        bare = await client.head("/graphql")
    assert (page.status_code, page.content) == (200, b"")
    assert page.headers["content-type"].startswith("text/html")
    assert (bare.status_code, bare.headers["allow"]) == (405, "GET, POST")


async def test_a_syntax_error_and_an_unknown_operation_carry_codes(
    client: httpx.AsyncClient,
) -> None:
    syntax = await client.post("/graphql", json={"query": "{ countries {"}, headers={"Accept": GQL})
    unknown = await client.post(
        "/graphql",
        json={"query": "query A { __typename }", "operationName": "B"},
        headers={"Accept": GQL},
    )
    assert _error(syntax)["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    assert _error(unknown)["extensions"] == {"code": "OPERATION_RESOLUTION_FAILURE"}


async def _burst(client: httpx.AsyncClient, count: int) -> list[httpx.Response]:
    # Distinct documents: every one misses the response cache and needs an execution.
    queries = [f"{{ schools(first: 3) {{ nodes {{ slug }} }} }} # {n}" for n in range(count)]
    return await asyncio.gather(
        *(client.post("/graphql", json={"query": query}) for query in queries)
    )


async def test_two_hundred_cold_queries_get_200_or_503_with_retry_after(
    client_for: ClientFactory,
) -> None:
    async with client_for(graphql_max_concurrent=2, graphql_max_queued=4) as client:
        responses = await _burst(client, 200)
    outcomes = Counter(response.status_code for response in responses)
    assert set(outcomes) == {200, 503}, outcomes
    for response in responses:
        if response.status_code == 503:
            assert response.headers["retry-after"] == "1"
            assert _error(response)["extensions"]["code"] == "OVERLOADED"  # type: ignore[index]
        else:
            assert response.json()["data"]["schools"]["nodes"][0]["slug"] == "aalto-university"


async def test_with_the_default_limits_a_burst_has_no_500_and_no_timeout(
    client: httpx.AsyncClient,
) -> None:
    responses = await _burst(client, 200)
    outcomes = Counter(response.status_code for response in responses)
    assert set(outcomes) <= {200, 503}, outcomes
    assert outcomes[200] >= 4
    assert all(r.headers.get("retry-after") == "1" for r in responses if r.status_code == 503)


async def test_validation_limit_and_variable_errors_carry_codes(
    client: httpx.AsyncClient,
) -> None:
    async def code_of(body: dict[str, object]) -> object:
        response = await client.post("/graphql", json=body, headers={"Accept": GQL})
        assert response.status_code == 400
        return {error["extensions"]["code"] for error in response.json()["errors"]}

    assert await code_of({"query": "{ nowhere }"}) == {"GRAPHQL_VALIDATION_FAILED"}
    deep = '{ school(slug: "x") { ' + "parent { " * 20 + "slug" + " }" * 22
    assert await code_of({"query": deep}) == {"QUERY_TOO_COMPLEX"}
    typed = {"query": "query Q($n: Int!) { schools(first: $n) { totalCount } }"}
    assert await code_of({**typed, "variables": {"n": "ten"}}) == {"BAD_USER_INPUT"}
