"""Issue 7's acceptance, end to end: an admin asks for a sync through the API, the scheduler runs
it, and the run shows up in `syncRuns`; without the token nothing is queued."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from pydantic import SecretStr

from service.web.app import create_app
from tests.databases import TestDatabase
from tests.processes import run_mobility
from tests.scrapers.fixture_server import FixtureServer
from tests.scrapers.sync.conftest import fresh, seed
from tests.scrapers.sync.test_cli import LOOPBACK, environment, local_site

__all__ = ["fresh"]  # the sync tests' fixture: a database of its own, both backends

TOKEN = "acceptance-admin-token-0123"
REQUEST_SYNC = """mutation { requestSync(schools: ["aalto"], reason: "new exchange page") {
    __typename ... on SyncRequested { request { id status } }
    ... on AdminRefused { outcome } } }"""
RUNS = "{ syncRuns(last: 5) { status schools linksChecked counts { status count } } }"
JOBS = """{ jobRequests { __typename
    ... on JobRequestList { nodes { id kind status schools runId } } } }"""


async def _graphql(
    client: httpx.AsyncClient, query: str, token: str | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


async def test_a_sync_requested_through_the_api_is_run_by_the_scheduler(
    fresh: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    await seed(fresh.engine, local_site(web))
    settings = fresh.settings.model_copy(
        update={"admin_token": SecretStr(TOKEN), "response_cache_bytes": 0}
    )
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            refused = await _graphql(client, REQUEST_SYNC, token="not-the-admin-token-xyz")
            assert refused["requestSync"] == {"__typename": "AdminRefused", "outcome": "WRONG"}
            asked = await _graphql(client, REQUEST_SYNC, token=TOKEN)
            assert asked["requestSync"]["__typename"] == "SyncRequested"
            request_id = asked["requestSync"]["request"]["id"]
            assert (await _graphql(client, RUNS))["syncRuns"] == []

            # A real process: the scheduler installs its signal handlers (main thread only).
            code, _, err = await run_mobility(
                "schedule", "--once", env=environment(fresh, **LOOPBACK), cwd=tmp_path
            )
            assert code == 0, err

            runs = (await _graphql(client, RUNS))["syncRuns"]
            # Newest first: the request, after the first sync a fresh database gets (0054).
            assert runs == [
                {
                    "status": "OK",
                    "schools": ["aalto"],
                    "linksChecked": 1,
                    "counts": [{"status": "OK", "count": 1}],
                },
                {
                    "status": "OK",
                    "schools": [],
                    "linksChecked": 2,
                    "counts": [{"status": "OK", "count": 2}],
                },
            ]
            jobs = (await _graphql(client, JOBS, token=TOKEN))["jobRequests"]["nodes"]
            assert [(job["id"], job["kind"], job["status"], job["schools"]) for job in jobs] == [
                (request_id, "SYNC", "DONE", ["aalto"])
            ]
            assert jobs[0]["runId"] is not None
    # The first sync visits both schools (one robots.txt per run), the requested one Aalto only.
    assert sorted(request.path for request in web.requests) == [
        "/aalto", "/aalto", "/esisar", "/robots.txt", "/robots.txt"
    ]  # fmt: skip
