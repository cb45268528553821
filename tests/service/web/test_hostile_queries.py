"""Hostile documents get a 4xx or a GraphQL error, with the default limits, never a 5xx.

No timing is asserted; a hung worker would hang the test run instead.
"""

from __future__ import annotations

import httpx

GQL = "application/graphql-response+json"


async def _post(client: httpx.AsyncClient, query: str) -> httpx.Response:
    return await client.post("/graphql", json={"query": query}, headers={"Accept": GQL})


def _messages(response: httpx.Response) -> list[str]:
    return [error["message"] for error in response.json()["errors"]]


def _parents(depth: int) -> str:
    return '{ school(slug: "ensimag") { ' + "parent { " * depth + "slug" + " }" * (depth + 2)


async def test_a_query_a_thousand_levels_deep(client: httpx.AsyncClient) -> None:
    response = await _post(client, _parents(1_000))
    assert response.status_code == 400
    assert _messages(response) == ["Syntax Error: Document is nested too deeply. Parsing aborted."]


async def test_a_query_deeper_than_the_limit_but_parseable(client: httpx.AsyncClient) -> None:
    response = await _post(client, _parents(30))
    assert response.status_code == 400
    assert _messages(response) == ["The operation nests fields 32 deep; at most 15 are allowed."]


async def test_a_hundred_aliases(client: httpx.AsyncClient) -> None:
    # (A thousand are refused by the field limit first: web/test_query_cost.py.)
    query = "{ " + " ".join(f"a{n}: __typename" for n in range(100)) + " }"
    response = await _post(client, query)
    assert response.status_code == 400
    assert _messages(response) == ["The document has more than 30 aliases."]


async def test_a_ten_megabyte_body(client: httpx.AsyncClient) -> None:
    body = b'{"query": "{ __typename }", "padding": "' + b"x" * 10_000_000 + b'"}'
    response = await client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json", "Accept": GQL}
    )
    assert response.status_code == 413


async def test_circular_fragments(client: httpx.AsyncClient) -> None:
    query = """
      { school(slug: "ensimag") { ...A } }
      fragment A on School { parent { ...B } }
      fragment B on School { parent { ...A } }
    """
    response = await _post(client, query)
    assert response.status_code == 400
    assert _messages(response) == [
        "Cannot spread fragment 'A' within itself via 'B'.",
    ]


async def test_fragments_fanning_out_exponentially(client: httpx.AsyncClient) -> None:
    levels = 60
    fragments = " ".join(
        f"fragment F{n} on School {{ ...F{n + 1} ...F{n + 1} }}" for n in range(levels)
    )
    query = (
        '{ school(slug: "ensimag") { ...F0 } } '
        + fragments
        + f" fragment F{levels} on School {{ slug }}"
    )
    response = await _post(client, query)
    # Valid, and cheap once each fragment is measured once: graphql-core merges the fields.
    assert response.status_code == 200
    assert response.json() == {"data": {"school": {"slug": "ensimag"}}}


async def test_many_tokens_and_many_comments(client: httpx.AsyncClient) -> None:
    tokens = await _post(client, "{ " + "__typename " * 6_000 + "}")
    comments = await _post(client, "{ __typename }" + "\n#" * 6_000)
    assert tokens.status_code == comments.status_code == 400
    assert _messages(tokens) == [
        "Syntax Error: Document contains more than 5000 tokens. Parsing aborted."
    ]
    assert _messages(comments) == [
        "Syntax Error: Document contains more than 5000 comments. Parsing aborted."
    ]


async def test_a_huge_page_request(client: httpx.AsyncClient) -> None:
    response = await _post(client, "{ schools(first: 1000000) { totalCount } }")
    assert response.status_code == 200
    assert _messages(response) == ["`first` must be between 0 and 100."]
