"""HTTP caching of query answers: ETag, Cache-Control, Vary and 304 on If-None-Match."""

from __future__ import annotations

import re

import httpx
from pydantic import SecretStr

from service.web.http_cache import etag_of, matches
from service.web.response_cache import cache_key
from tests.service.web.conftest import ClientFactory

TRACKS = "query Tracks { homeTracks { code } }"
TOKEN = "an-admin-token-long-enough"


async def test_a_get_answer_is_public_and_revalidates_to_304(client: httpx.AsyncClient) -> None:
    first = await client.get("/graphql", params={"query": TRACKS})
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert re.fullmatch(r'W/"[0-9]+-[0-9a-f]{32}"', etag)
    assert first.headers["cache-control"] == "public, max-age=30"
    assert first.headers["vary"] == "Accept, Accept-Encoding, Authorization"
    again = await client.get("/graphql", params={"query": TRACKS}, headers={"If-None-Match": etag})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "public, max-age=30"


async def test_post_answers_carry_the_same_etag_but_never_304(client: httpx.AsyncClient) -> None:
    got = await client.get("/graphql", params={"query": TRACKS})
    posted = await client.post(
        "/graphql", json={"query": TRACKS}, headers={"If-None-Match": got.headers["etag"]}
    )
    assert posted.status_code == 200
    assert posted.headers["etag"] == got.headers["etag"]
    assert posted.json() == got.json()


async def test_the_etag_depends_on_variables_and_operation(client: httpx.AsyncClient) -> None:
    query = "query C($code: String!) { country(code: $code) { code } }"
    tags = set()
    for variables in ('{"code": "FI"}', '{"code": "CA"}', '{ "code" : "FI" }'):
        response = await client.get("/graphql", params={"query": query, "variables": variables})
        tags.add(response.headers["etag"])
    # The last one is the first one's variables spelt differently: the same answer.
    assert len(tags) == 2
    stale = await client.get(
        "/graphql",
        params={"query": query, "variables": '{"code": "CA"}'},
        headers={"If-None-Match": etag_of(0, cache_key(query, {"code": "CA"}, None))},
    )
    assert stale.status_code == 200  # an ETag of another data version is not fresh


async def test_answers_with_a_token_or_errors_are_private(client_for: ClientFactory) -> None:
    async with client_for(admin_token=SecretStr(TOKEN)) as client:
        public = await client.get("/graphql", params={"query": TRACKS})
        with_token = await client.get(
            "/graphql",
            params={"query": TRACKS},
            headers={"Authorization": f"Bearer {TOKEN}", "If-None-Match": public.headers["etag"]},
        )
        failing = await client.get("/graphql", params={"query": "{ homeTracks { nope } }"})
    assert with_token.status_code == 200  # never 304: the token may change the answer
    assert with_token.headers["cache-control"] == "private, no-store"
    assert "etag" not in with_token.headers
    assert failing.headers["cache-control"] == "private, no-store"
    assert "etag" not in failing.headers


async def test_max_age_comes_from_the_settings(client_for: ClientFactory) -> None:
    async with client_for(http_cache_max_age_seconds=0, response_cache_bytes=0) as client:
        first = await client.get("/graphql", params={"query": TRACKS})
        again = await client.get(
            "/graphql", params={"query": TRACKS}, headers={"If-None-Match": first.headers["etag"]}
        )
    assert first.headers["cache-control"] == "public, no-cache"
    assert again.status_code == 304  # without the response cache too


def test_if_none_match_uses_weak_comparison_and_lists() -> None:
    assert matches('"a", W/"v-1"', 'W/"v-1"')
    assert matches('"v-1"', 'W/"v-1"')
    assert matches("*", 'W/"v-1"')
    assert not matches('W/"v-2"', 'W/"v-1"')
    assert not matches(None, 'W/"v-1"')
