"""Browsers asking for /graphql get GraphiQL, when it is enabled."""

from __future__ import annotations

from pathlib import Path

import httpx

from service.config import Settings
from tests.service.web.conftest import serve

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


async def test_a_browser_gets_the_graphiql_page(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.get("/graphql", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "graphiql" in response.text.lower()


async def test_graphiql_can_be_switched_off(offline_settings: Settings, tmp_path: Path) -> None:
    async with serve(offline_settings.model_copy(update={"graphiql_enabled": False})) as api:
        response = await api.get("/graphql", headers={"Accept": BROWSER})
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "The request has no `query` string."


async def test_a_browser_with_a_query_gets_the_result(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ homeTracks { code } }"}, headers={"Accept": BROWSER}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"homeTracks": [{"code": "IEL"}, {"code": "ISEM"}]}}
