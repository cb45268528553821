"""/healthz says the process answers; /readyz that the database is there and migrated."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL

from service.catalogue.readiness import NEVER_IMPORTED
from service.config import Settings
from service.db.engine import create_sessionmaker
from service.db.migrate import head_revision
from tests.databases import BACKENDS, migrated_database, settings_for
from tests.factories import make_faq_revision
from tests.service.web.conftest import serve


async def test_healthz_answers_without_a_database(offline_client: httpx.AsyncClient) -> None:
    response = await offline_client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "alive"})


@pytest.mark.parametrize("backend", BACKENDS)
async def test_readyz_is_503_until_the_first_import_then_200_at_the_head_revision(
    backend: str, tmp_path: Path
) -> None:
    async with migrated_database(backend, tmp_path) as db, serve(db.settings) as client:
        response = await client.get("/readyz")
        assert (response.status_code, response.json()) == (
            503,
            {"status": "not ready", "reason": NEVER_IMPORTED},
        )
        async with create_sessionmaker(db.engine)() as session:
            await make_faq_revision(session)
            await session.commit()
        response = await client.get("/readyz")
        assert (response.status_code, response.json()) == (
            200,
            {"status": "ready", "revision": head_revision()},
        )


async def test_readyz_is_503_on_an_unmigrated_database(
    offline_client: httpx.AsyncClient,
) -> None:
    response = await offline_client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "not ready",
        "reason": f"the database is at revision empty, not {head_revision()}",
    }


async def test_readyz_is_503_when_the_database_is_unreachable(tmp_path: Path) -> None:
    settings: Settings = settings_for(
        URL.create(
            "postgresql+asyncpg", username="postgres", host="127.0.0.1", port=1, database="x"
        )
    ).model_copy(update={"db_connect_timeout": 2.0})
    async with serve(settings) as api:
        response = await api.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "reason": "the database cannot be reached"}


async def test_graphql_on_an_unmigrated_database_is_503_not_a_traceback(
    offline_client: httpx.AsyncClient,
) -> None:
    response = await offline_client.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 503
    assert response.json()["errors"][0]["message"] == "The database is unavailable."
    assert (
        response.json()["errors"][0]["extensions"]["requestId"] == response.headers["x-request-id"]
    )
