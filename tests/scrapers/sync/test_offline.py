"""Issue 13's first acceptance: offline, ``mobility sync`` on the seed says so and fails.

The machine's edge is its resolver: the `mobility` process is started through a wrapper that
makes every name but loopback fail as an offline resolver does
(:func:`tests.processes.run_offline`), so every partner site of the seed fails DNS and nothing
leaves the machine. The database stays reachable (loopback, or a SQLite file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from service.web.app import create_app
from tests.databases import TestDatabase
from tests.processes import run_offline
from tests.scrapers.sync.conftest import fresh
from tests.scrapers.sync.test_cli import environment

__all__ = ["fresh"]  # the sync tests' fixture: a database of its own, both backends

RUNS = (
    "{ syncRuns(last: 1) { status error linksTotal linksChecked linksReached "
    "stats { requests answers { outcome count } } } }"
)


async def _sync_runs(db: TestDatabase) -> list[dict[str, Any]]:
    app = create_app(db.settings.model_copy(update={"response_cache_bytes": 0}))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            body = (await client.post("/graphql", json={"query": RUNS})).json()
    assert "errors" not in body, body
    runs: list[dict[str, Any]] = body["data"]["syncRuns"]
    return runs


async def test_an_offline_sync_of_the_seed_fails_and_says_the_sites_were_not_reached(
    fresh: TestDatabase, tmp_path: Path
) -> None:
    env = environment(fresh)
    code, out = await run_offline(tmp_path, env, "import-faq")
    assert code == 0, out

    code, out = await run_offline(tmp_path, env, "sync")

    assert code == 6, out
    verdict = out.splitlines()[-1]
    expected = "0 of 16 partner sites reached: is this machine online? first error: "
    assert expected in verdict, out
    assert verdict.startswith("run 1: FAILED, ")
    assert "does not resolve: Temporary failure in name resolution" in verdict
    # Every partner has its row, Phelma and Ense3 with their common programme's link.
    rows = {line.split()[0]: line.split()[1] for line in out.splitlines()[1:17]}
    assert len(rows) == 16, out
    assert rows["phelma"] == rows["ense3"] == "2/2"
    (run,) = await _sync_runs(fresh)
    assert run["status"] == "FAILED"
    assert run["error"] == verdict.split("; ", 1)[1]
    assert (run["linksChecked"], run["linksReached"]) == (run["linksTotal"], 0)
    # Nothing was sent: every host failed to resolve before a request. 16 links, 15 URLs: a URL
    # shared by two links is fetched once.
    assert run["linksTotal"] == 16
    assert run["stats"]["requests"] == 0
    assert run["stats"]["answers"] == [{"outcome": "DNS_ERROR", "count": 15}]
