"""GraphiQL in a real headless Chromium, with the network cut off, against `mobility serve`.

The whole path a person takes on a fresh clone: migrate, import the packaged seed, serve, open
http://127.0.0.1:PORT/graphql, run the catalogue query, read the answer off the page.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from service.errors import UserError
from service.web.graphiql_assets import DEFAULT_ASSETS_DIR, load_assets
from tests.browser import headless_chromium
from tests.processes import MOBILITY, process_env, serving

pytestmark = pytest.mark.browser

CATALOGUE_QUERY = (
    "{ countries { code name schools { name programmes { name offers "
    "{ kind places academicYear homeTracks { code } } } } } }"
)


def _require_assets() -> None:
    try:
        load_assets(DEFAULT_ASSETS_DIR)
    except UserError as exc:
        reason = f"{exc}: run `mobility graphiql-assets install` (make install does)"
        if os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}:
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def served_seed(tmp_path: Path) -> Iterator[str]:
    """`mobility serve` on the seed catalogue, as `make run` leaves it."""
    env = process_env(DATABASE_URL=f"sqlite:///{tmp_path / 'catalogue.sqlite3'}")
    for step in (["db", "upgrade"], ["import-faq"]):
        subprocess.run([*MOBILITY, *step], env=env, cwd=tmp_path, check=True, capture_output=True)
    with serving(env, tmp_path, ready_path="/readyz") as base:
        yield base


async def test_graphiql_runs_the_catalogue_query_offline(served_seed: str, tmp_path: Path) -> None:
    _require_assets()
    async with headless_chromium() as browser:
        page = await browser.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        failures: list[str] = []
        page.on("requestfailed", lambda request: failures.append(request.url))

        await page.goto(f"{served_seed}/graphql?q={quote(CATALOGUE_QUERY)}")
        run = page.locator(".graphiql-execute-button")
        await run.wait_for(timeout=20_000)
        await run.click()
        await page.wait_for_function(
            "() => (document.querySelector('.result-window')?.textContent ?? '')"
            ".includes('Aalto University')",
            timeout=20_000,
        )
        result = await page.locator(".result-window").inner_text()
        await page.screenshot(path=str(tmp_path / "graphiql.png"))

    assert '"code": "FI"' in result
    assert '"name": "Master of Science in Technology"' in result
    assert '"places": 2' in result
    assert '"academicYear": "2019/2020"' in result
    assert failures == []
    hosts = {urlsplit(url).hostname or "" for url in requested if not url.startswith("data:")}
    assert hosts == {"127.0.0.1"}, f"the page reached beyond this machine: {sorted(hosts)}"
