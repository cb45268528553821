"""Issue 13's second acceptance: a first start serves the catalogue (decision 0054).

On a fresh database, `mobility schedule --once` (the contact URL set, no FAQ_SOURCE) imports the
packaged seed and runs a first sync, instead of only planning them for the next cron time; the
API then answers the 16 partners and `/readyz` turns 200. The process is offline
(:func:`tests.processes.run_offline`): the first sync reaches no site and says so, and nothing
leaves the machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from service.catalogue.readiness import NEVER_IMPORTED
from service.web.app import create_app
from tests.databases import TestDatabase
from tests.processes import run_offline
from tests.scrapers.sync.conftest import fresh
from tests.scrapers.sync.test_cli import environment

__all__ = ["fresh"]  # the sync tests' fixture: a database of its own, both backends

QUERY = """{ schools(first: 100) { totalCount nodes { slug } }
    syncRuns(last: 5) { status error } }"""


async def _served(db: TestDatabase) -> tuple[int, dict[str, Any], dict[str, Any]]:
    app = create_app(db.settings.model_copy(update={"response_cache_bytes": 0}))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
            ready = await client.get("/readyz")
            body = (await client.post("/graphql", json={"query": QUERY})).json()
    assert "errors" not in body, body
    return ready.status_code, ready.json(), body["data"]


async def test_schedule_once_on_a_fresh_database_imports_the_seed_and_runs_a_first_sync(
    fresh: TestDatabase, tmp_path: Path
) -> None:
    status, ready, data = await _served(fresh)
    assert (status, ready["reason"], data["schools"]["totalCount"]) == (503, NEVER_IMPORTED, 0)

    code, out = await run_offline(tmp_path, environment(fresh), "schedule", "--once")

    assert code == 0, out
    status, ready, data = await _served(fresh)
    assert (status, ready["status"]) == (200, "ready")
    assert data["schools"]["totalCount"] == 16
    assert {"phelma", "ense3", "aalto-university"} <= {n["slug"] for n in data["schools"]["nodes"]}
    (run,) = data["syncRuns"]
    assert run["status"] == "FAILED"
    assert run["error"].startswith("0 of 16 partner sites reached: is this machine online?")

    # Nothing is due any more: a second pass imports nothing and runs no sync.
    code, out = await run_offline(tmp_path, environment(fresh), "schedule", "--once")
    assert code == 0, out
    assert len((await _served(fresh))[2]["syncRuns"]) == 1
