"""A sync that finds nothing new leaves the API's cached answers valid; the visit log stays live."""

from __future__ import annotations

import httpx

from tests.databases import TestDatabase
from tests.scrapers.faults import healthy_html
from tests.scrapers.fixture_server import FixtureServer, Page
from tests.scrapers.sync.conftest import seed, sync_once, sync_settings
from tests.scrapers.sync.test_run import HOSTS
from tests.service.web.conftest import serve

SCHOOL = '{ school(slug: "aalto") { slug name } }'
RUNS = "{ syncRunsConnection(last: 5) { totalCount } }"


async def _get(client: httpx.AsyncClient, query: str, etag: str | None = None) -> httpx.Response:
    headers = {"if-none-match": etag} if etag else {}
    return await client.get("/graphql", params={"query": query}, headers=headers)


async def test_an_unchanged_sync_keeps_the_cached_answers_and_the_runs_are_never_cached(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    web.site("aalto.test").page("/", healthy_html("Aalto"), etag='"a1"')
    await seed(fresh.engine, {"aalto": [web.url("aalto.test")]})
    settings = sync_settings(fresh).model_copy(update={"data_version_max_age_seconds": 0.0})
    await sync_once(fresh, HOSTS, settings=settings)
    async with serve(settings) as client:
        first = await _get(client, SCHOOL)
        etag = first.headers["etag"]
        runs = await _get(client, RUNS)
        assert runs.json() == {"data": {"syncRunsConnection": {"totalCount": 1}}}
        assert runs.headers["cache-control"] == "private, no-store"

        second = await sync_once(fresh, HOSTS, settings=settings)  # answered 304
        assert second.facts.changed == 0

        assert (await _get(client, SCHOOL, etag)).status_code == 304
        runs = await _get(client, RUNS)
        assert runs.json() == {"data": {"syncRunsConnection": {"totalCount": 2}}}

        # Gone for two runs: a dead-link finding, a change the version tells.
        web.site("aalto.test").route("/", Page(b"gone", 404))
        for _ in range(2):
            await sync_once(fresh, HOSTS, settings=settings)
        again = await _get(client, SCHOOL, etag)
        assert again.status_code == 200
        assert again.headers["etag"] != etag
