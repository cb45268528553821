"""Mutations and caching: no stale answer after a write, no cached answer that depends on a token,
and a mutation that fails half-way keeps nothing."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from service.config import Settings
from service.graphql.resolvers import admin_mutations
from tests.databases import TestDatabase
from tests.service.web.admin_api import BEARER, MUTATIONS, QUERIES, TOKEN, post, table_rows
from tests.service.web.conftest import ClientFactory, serve

PHELMA_CITY = '{ school(slug: "phelma") { city } }'
CANADA = '{ country(code: "CA") { schools { slug } } }'


def _settings(database: TestDatabase) -> Settings:
    # A clock that would trust the data version it read for a minute: only the mutation's
    # own invalidation can make the next answer fresh.
    return database.settings.model_copy(
        update={"admin_token": SecretStr(TOKEN), "data_version_max_age_seconds": 60.0}
    )


async def test_the_next_query_after_a_mutation_is_not_served_stale(
    fresh_database: TestDatabase,
) -> None:
    async with serve(_settings(fresh_database)) as client:
        for _ in range(2):  # the second answer comes from the cache
            assert await post(client, PHELMA_CITY) == {"school": {"city": "Grenoble"}}
            assert await post(client, CANADA) == {
                "country": {"schools": [{"slug": "universite-de-sherbrooke"}]}
            }
        await post(client, MUTATIONS["overrideSchoolField"], BEARER)
        assert await post(client, PHELMA_CITY) == {"school": {"city": "Saint-Martin-d'Hères"}}
        await post(client, MUTATIONS["retireSchool"], BEARER)
        assert await post(client, CANADA) == {"country": {"schools": []}}


async def test_answers_that_depend_on_the_token_are_never_cached(
    client_for: ClientFactory,
) -> None:
    async with client_for(admin_token=SecretStr(TOKEN)) as client:
        allowed = await client.post(
            "/graphql", json={"query": QUERIES["jobRequests"]}, headers=BEARER
        )
        refused = await client.post("/graphql", json={"query": QUERIES["jobRequests"]})
        catalogue = await client.post("/graphql", json={"query": PHELMA_CITY})
    assert allowed.json() == {
        "data": {"jobRequests": {"__typename": "JobRequestList", "nodes": []}}
    }
    assert refused.json()["data"]["jobRequests"]["__typename"] == "AdminRefused"
    assert (
        allowed.headers["cache-control"] == refused.headers["cache-control"] == "private, no-store"
    )
    assert "etag" not in allowed.headers
    assert "etag" not in refused.headers
    assert catalogue.headers["cache-control"] == "public, max-age=30"


async def _broken_retire(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("the disk is full")


async def test_a_mutation_failing_half_way_keeps_nothing_and_returns_no_data(
    fresh_database: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Where the mutation reads it (it imports the admin room's face, service.admin).
    monkeypatch.setattr(admin_mutations, "retire_school", _broken_retire)
    before = await table_rows(fresh_database.engine)
    document = """mutation {
        sync: requestSync(schools: ["phelma"]) { __typename }
        retire: retireSchool(slug: "phelma", reason: "ended") { __typename }
    }"""
    async with serve(_settings(fresh_database)) as client:
        response = await client.post("/graphql", json={"query": document}, headers=BEARER)
    body = response.json()
    assert (response.status_code, body["data"]) == (200, None)
    assert [error["message"] for error in body["errors"]] == ["Unexpected error."]
    assert await table_rows(fresh_database.engine) == before
