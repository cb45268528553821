"""GraphQL over HTTP: methods, content types, media types and status codes."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import orjson
import pytest

from tests.service.web.conftest import ClientFactory

GQL = "application/graphql-response+json"
JSON = "application/json"
COUNTRY = '{ country(code: "FI") { code schools { slug } } }'
FINLAND = {"data": {"country": {"code": "FI", "schools": [{"slug": "aalto-university"}]}}}


def _media_type(response: httpx.Response) -> str:
    return response.headers["content-type"].split(";")[0]


async def test_post_json_answers_graphql_response_json(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": COUNTRY}, headers={"Accept": GQL})
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GQL}; charset=utf-8"
    assert response.json() == FINLAND


async def test_legacy_clients_asking_for_json_get_json(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": COUNTRY}, headers={"Accept": JSON})
    assert (response.status_code, _media_type(response)) == (200, JSON)
    assert response.json() == FINLAND


async def test_get_runs_queries_with_json_variables(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": "query C($code: String!) { country(code: $code) { code } }",
            "variables": '{"code": "CA"}',
            "operationName": "C",
        },
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"country": {"code": "CA"}}}


async def test_get_never_runs_a_mutation(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "mutation { retire }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["message"] == "A mutation is only executed over POST."


async def test_a_mutation_over_post_is_validated_like_anything_else(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "mutation { retire }"})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": "Cannot query field 'retire' on type 'Mutation'.",
                "locations": [{"line": 1, "column": 12}],
                "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"},
            }
        ]
    }


@pytest.mark.parametrize(("accept", "status"), [(GQL, 400), (JSON, 200)])
async def test_request_errors_are_4xx_only_for_graphql_response_json(
    client: httpx.AsyncClient, accept: str, status: int
) -> None:
    cases = {
        "{ countries { code }": "Syntax Error: Expected Name, found <EOF>.",
        "{ countries { population } }": "Cannot query field 'population' on type 'Country'.",
    }
    for query, message in cases.items():
        response = await client.post("/graphql", json={"query": query}, headers={"Accept": accept})
        assert (response.status_code, _media_type(response)) == (status, accept)
        body = response.json()
        assert "data" not in body  # a request error: the operation never ran
        assert [error["message"] for error in body["errors"]] == [message]


async def test_bad_variables_are_a_request_error(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={
            "query": "query($first: Int!) { schools(first: $first) { totalCount } }",
            "variables": {"first": "ten"},
        },
    )
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert [error["message"] for error in body["errors"]] == [
        "Variable '$first' has invalid value: Int cannot represent non-integer value: 'ten'"
    ]


async def test_an_unknown_or_missing_operation_name_is_a_request_error(
    client: httpx.AsyncClient,
) -> None:
    two = "query A { homeTracks { code } } query B { countries { code } }"
    missing = await client.post("/graphql", json={"query": two})
    unknown = await client.post("/graphql", json={"query": two, "operationName": "C"})
    chosen = await client.post("/graphql", json={"query": two, "operationName": "A"})
    assert missing.status_code == unknown.status_code == 400
    assert missing.json()["errors"][0]["message"] == (
        "The document has several operations: say which in `operationName`."
    )
    assert unknown.json()["errors"][0]["message"] == "Unknown operation named 'C'."
    assert chosen.status_code == 200
    assert chosen.json() == {"data": {"homeTracks": [{"code": "IEL"}, {"code": "ISEM"}]}}


async def test_field_errors_keep_data_and_status_200(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        json={"query": '{ school(slug: "ensimag") { slug } schools(first: -1) { totalCount } }'},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None  # schools is non-null, so its error nulls the response
    assert body["errors"][0]["message"] == "`first` must be between 0 and 100."
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


@pytest.mark.parametrize(
    ("content", "content_type", "status", "message"),
    [
        (b'{"query": ', JSON, 400, "The request body is not valid JSON."),
        (b"[]", JSON, 400, "The request body must be a JSON object."),
        (b"{}", JSON, 400, "The request has no `query` string."),
        (b'{"query": 42}', JSON, 400, "The request has no `query` string."),
        (b'{"query": "{ __typename }", "variables": []}', JSON, 400,
         "`variables` must be an object or null."),
        (b'{"query": "{ __typename }", "operationName": 1}', JSON, 400,
         "`operationName` must be a string or null."),
        (b"query={__typename}", "application/x-www-form-urlencoded", 415,
         "POST requests must have Content-Type: application/json."),
        (b"{ __typename }", "application/graphql", 415,
         "POST requests must have Content-Type: application/json."),
        (b'{"query": "{ __typename }"}', "application/json; charset=latin-1", 415,
         "The request body must be encoded in UTF-8."),
        (b'{"query": "{ __typename }"}', None, 415,
         "POST requests must have Content-Type: application/json."),
    ],
)  # fmt: skip
async def test_malformed_requests_get_4xx_never_5xx(
    offline_client: httpx.AsyncClient,
    content: bytes,
    content_type: str | None,
    status: int,
    message: str,
) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    for accept in (GQL, JSON):
        response = await offline_client.post(
            "/graphql", content=content, headers={**headers, "Accept": accept}
        )
        assert (response.status_code, _media_type(response)) == (status, accept)
        assert [error["message"] for error in response.json()["errors"]] == [message]


async def test_get_without_a_query_or_with_bad_variables_is_400(
    offline_client: httpx.AsyncClient,
) -> None:
    missing = await offline_client.get("/graphql")
    bad = await offline_client.get("/graphql", params={"query": "{ a }", "variables": "{nope"})
    assert (missing.status_code, bad.status_code) == (400, 400)
    assert bad.json()["errors"][0]["message"] == "The `variables` parameter is not valid JSON."


async def test_a_client_accepting_no_graphql_type_gets_406(
    offline_client: httpx.AsyncClient,
) -> None:
    response = await offline_client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Accept": "text/xml"}
    )
    assert response.status_code == 406


async def test_other_methods_are_405(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.put("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


async def test_a_body_over_the_limit_is_refused_with_413(
    client_for: ClientFactory,
) -> None:
    async with client_for(max_body_bytes=2_048) as api:
        small = await api.post("/graphql", json={"query": "{ __typename }"})
        big = await api.post("/graphql", json={"query": "{ __typename }" + " " * 2_048})
    assert small.status_code == 200
    assert big.status_code == 413
    assert big.json()["errors"][0]["message"] == "The request body is larger than 2048 bytes."


async def test_a_chunked_oversized_body_is_refused_too(offline_client: httpx.AsyncClient) -> None:
    sent: list[int] = []

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ __typename }", "pad": "'
        for _ in range(10_000):
            sent.append(1)
            yield b"x" * 1_024
        yield b'"}'

    response = await offline_client.post(
        "/graphql", content=chunks(), headers={"Content-Type": JSON}
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    # Reading stopped at the limit (100,000 bytes), not at the end of the 10 MB body.
    assert len(sent) < 200


async def test_request_ids_are_echoed_or_made_up(offline_client: httpx.AsyncClient) -> None:
    given = await offline_client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    insane = await offline_client.get("/healthz", headers={"X-Request-ID": "a b\tc"})
    made_up = await offline_client.get("/healthz")
    assert given.headers["x-request-id"] == "abc-123"
    assert insane.headers["x-request-id"] != "a b\tc"
    assert re.fullmatch(r"[0-9a-f]{16}", made_up.headers["x-request-id"])


async def test_responses_are_orjson_bytes(client_for: ClientFactory) -> None:
    # Through the resolvers: the compiled path splices the database's JSON text, which
    # PostgreSQL writes with spaces (docs/decisions/0081-json-built-in-the-database.md).
    async with client_for(compiled_reads=False) as client:
        response = await client.post("/graphql", json={"query": COUNTRY})
    assert response.content == orjson.dumps(FINLAND)


async def test_compiled_responses_carry_the_same_data(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": COUNTRY})
    assert orjson.loads(response.content) == FINLAND


async def test_head_is_answered_like_get_without_a_body(client: httpx.AsyncClient) -> None:
    response = await client.head("/graphql", params={"query": COUNTRY})
    assert response.status_code == 200
    assert response.content == b""
    got = await client.get("/graphql", params={"query": COUNTRY})
    assert orjson.loads(got.content) == FINLAND
    assert int(response.headers["content-length"]) == len(got.content)
