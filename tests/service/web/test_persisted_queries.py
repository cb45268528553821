"""Persisted operations over HTTP: Apollo's automatic persisted queries and trusted documents."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from service.errors import UserError
from service.web.persisted_queries import PersistedQueryStore
from service.web.trusted_documents import (
    collect_operations,
    load_trusted_documents,
    manifest_json,
    read_documents,
)
from tests.service.web.conftest import ClientFactory

FINLAND_QUERY = 'query Finland { country(code: "FI") { code schools { slug } } }'
FINLAND = {"data": {"country": {"code": "FI", "schools": [{"slug": "aalto-university"}]}}}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _persisted(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


def _error(response: httpx.Response) -> tuple[str, str]:
    (error,) = response.json()["errors"]
    return error["message"], error["extensions"]["code"]


async def test_an_unknown_hash_asks_the_client_for_the_query(client: httpx.AsyncClient) -> None:
    sha = _sha("query Never { homeTracks { code } }")
    response = await client.post("/graphql", json={"extensions": _persisted(sha)})
    assert response.status_code == 404
    assert _error(response) == ("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
    assert response.headers["cache-control"] == "private, no-cache, must-revalidate"


async def test_hash_and_query_store_it_then_the_hash_alone_runs_it(
    client_for: ClientFactory,
) -> None:
    sha = _sha(FINLAND_QUERY)
    async with client_for() as client:
        first = await client.post(
            "/graphql", json={"query": FINLAND_QUERY, "extensions": _persisted(sha)}
        )
        assert (first.status_code, first.json()) == (200, FINLAND)
        by_post = await client.post("/graphql", json={"extensions": _persisted(sha)})
        by_get = await client.get(
            "/graphql",
            params={
                "operationName": "Finland",
                "extensions": orjson.dumps(_persisted(sha)).decode(),
            },
        )
    assert (by_post.status_code, by_post.json()) == (200, FINLAND)
    assert (by_get.status_code, by_get.json()) == (200, FINLAND)


async def test_a_hash_that_is_not_the_querys_is_refused_and_not_stored(
    client: httpx.AsyncClient,
) -> None:
    forged = _sha("query Other { homeTracks { code } }")
    response = await client.post(
        "/graphql", json={"query": FINLAND_QUERY, "extensions": _persisted(forged)}
    )
    assert response.status_code == 400
    assert _error(response) == (
        "The query's SHA-256 is not `extensions.persistedQuery.sha256Hash`.",
        "PERSISTED_QUERY_HASH_MISMATCH",
    )
    again = await client.post("/graphql", json={"extensions": _persisted(forged)})
    assert _error(again)[1] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        ({"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}}, "Only version 1"),
        ({"persistedQuery": {"version": 1, "sha256Hash": "abc"}}, "must be 64 hex digits"),
        ({"persistedQuery": "abc"}, "must be an object"),
    ],
)
async def test_a_malformed_persisted_query_is_a_bad_request(
    client: httpx.AsyncClient, extensions: dict[str, Any], message: str
) -> None:
    response = await client.post("/graphql", json={"extensions": extensions})
    assert response.status_code == 400
    text, code = _error(response)
    assert (message in text, code) == (True, "BAD_REQUEST")


async def test_with_no_store_the_protocol_is_declined(client_for: ClientFactory) -> None:
    async with client_for(persisted_queries_bytes=0) as client:
        response = await client.post(
            "/graphql", json={"extensions": _persisted(_sha(FINLAND_QUERY))}
        )
        plain = await client.post("/graphql", json={"query": FINLAND_QUERY})
    assert response.status_code == 400
    assert _error(response) == ("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
    assert plain.json() == FINLAND


def test_the_store_is_bounded_least_recently_used_out() -> None:
    store = PersistedQueryStore(max_bytes=3 * (100 + 64))
    texts = {name: f"query {name} {{ {'x' * (89 - len(name))} }}" for name in "ABCD"}
    assert {len(text) for text in texts.values()} == {100}
    for name in "ABC":
        store.put(name, texts[name])
    assert store.get("A") == texts["A"]  # A is now the most recent
    store.put("D", texts["D"])
    assert (len(store), store.get("B"), store.get("A"), store.get("D")) == (
        3,
        None,
        texts["A"],
        texts["D"],
    )
    store.put("E", "x" * 1_000)  # larger than the whole store: not kept
    assert store.get("E") is None


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "finland.graphql").write_text(
        'query Finland { country(code: "FI") { ...CountryParts } }\n'
    )
    (tmp_path / "ops" / "fragments.graphql").write_text(
        "fragment CountryParts on Country { code schools { slug } }\n"
    )
    path = tmp_path / "trusted.json"
    path.write_bytes(manifest_json(collect_operations(read_documents([tmp_path / "ops"]))))
    return path


def test_the_manifest_holds_each_operation_with_its_fragments(manifest: Path) -> None:
    (operation,) = orjson.loads(manifest.read_bytes())["operations"]
    body = (
        'query Finland {\n  country(code: "FI") {\n    ...CountryParts\n  }\n}\n\n'
        "fragment CountryParts on Country {\n  code\n  schools {\n    slug\n  }\n}"
    )
    assert operation == {"id": _sha(body), "name": "Finland", "type": "query", "body": body}
    assert load_trusted_documents(manifest).get(_sha(body)) == body


def test_a_manifest_whose_id_lies_is_refused_at_startup(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(
        orjson.dumps(
            {
                "format": "apollo-persisted-query-manifest",
                "version": 1,
                "operations": [{"id": "0" * 64, "name": "A", "type": "query", "body": "{ a }"}],
            }
        )
    )
    with pytest.raises(UserError, match="operation 1's `id` is not the SHA-256 of its body"):
        load_trusted_documents(path)


@pytest.fixture
def trusted_entry(manifest: Path) -> dict[str, str]:
    (entry,) = orjson.loads(manifest.read_bytes())["operations"]
    return dict(entry)


async def test_trusted_documents_only_run_what_the_manifest_holds(
    client_for: ClientFactory, manifest: Path, trusted_entry: dict[str, str]
) -> None:
    entry = trusted_entry
    async with client_for(trusted_documents_file=manifest) as client:
        by_hash = await client.post("/graphql", json={"extensions": _persisted(entry["id"])})
        by_text = await client.post("/graphql", json={"query": entry["body"]})
        other = await client.post("/graphql", json={"query": FINLAND_QUERY})
        registering = await client.post(
            "/graphql",
            json={"query": FINLAND_QUERY, "extensions": _persisted(_sha(FINLAND_QUERY))},
        )
        unknown = await client.post("/graphql", json={"extensions": _persisted("1" * 64)})
    assert (by_hash.status_code, by_hash.json()) == (200, FINLAND)
    assert (by_text.status_code, by_text.json()) == (200, FINLAND)
    assert (other.status_code, _error(other)[1]) == (400, "QUERY_NOT_IN_SAFELIST")
    assert (registering.status_code, _error(registering)[1]) == (400, "QUERY_NOT_IN_SAFELIST")
    assert (unknown.status_code, _error(unknown)[1]) == (400, "PERSISTED_QUERY_NOT_IN_LIST")
