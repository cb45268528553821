"""/metrics on the application: parsed by Prometheus' own parser, moving with what happens."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from pydantic import SecretStr

from service.db.engine import create_sessionmaker
from service.db.models import FaqRevision, LinkStatus, SyncRun, SyncRunStatus, UrlHealth
from tests.databases import TestDatabase
from tests.service.web.admin_api import BEARER, QUERIES, TOKEN
from tests.service.web.conftest import ClientFactory, serve

T0 = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def _scrape(client: httpx.AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=1.0.0; charset=utf-8"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if isinstance(sample, Sample)
    }


def _value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


async def _add_sync_run(database: TestDatabase, status: SyncRunStatus, hour: int) -> None:
    async with create_sessionmaker(database.engine)() as session:
        at = T0.replace(hour=hour)
        session.add(SyncRun(status=status, started_at=at, finished_at=at))
        await session.commit()


async def test_graphql_traffic_is_counted_by_operation_and_kind_of_error(
    client_for: ClientFactory,
) -> None:
    async with client_for(admin_token=SecretStr(TOKEN)) as client:
        before = await _scrape(client)
        for _ in range(2):
            await client.post("/graphql", json={"query": "query Tracks { homeTracks { code } }"})
        await client.post("/graphql", json={"query": "{ homeTracks { code }"})
        await client.post("/graphql", json={"query": QUERIES["jobRequests"]})  # no token
        await client.post(
            "/graphql",
            json={"query": 'mutation Sync { requestSync(schools: ["atlantis"]) { __typename } }'},
            headers=BEARER,
        )
        await client.get("/graphql", params={"query": "mutation M { importFaq { __typename } }"})
        after = await _scrape(client)

    def moved(name: str, **labels: str) -> float:
        return (_value(after, name, **labels) or 0) - (_value(before, name, **labels) or 0)

    requests = "mobility_graphql_requests_total"
    assert moved(requests, operation="Tracks") == 2
    assert moved(requests, operation="anonymous") == 2
    assert moved(requests, operation="Sync") == 1
    assert moved(requests, operation="M") == 1
    assert moved("mobility_graphql_request_duration_seconds_count", operation="Tracks") == 2
    errors = "mobility_graphql_errors_total"
    assert {kind: moved(errors, kind=kind) for kind in ("syntax", "auth", "request")} == {
        "syntax": 1,
        "auth": 1,
        "request": 1,
    }
    # The schools were checked: invalid input, kept in the admin log, counted once.
    assert moved(errors, kind="invalid_input") == 1
    assert moved(errors, kind="internal") == 0


async def test_database_figures_move_when_runs_and_imports_happen(
    fresh_database: TestDatabase,
) -> None:
    async with create_sessionmaker(fresh_database.engine)() as session:
        session.add(UrlHealth(url="https://www.aalto.fi/en", status=LinkStatus.OK, checked_at=T0))
        session.add(FaqRevision(content_hash="f" * 64, source="seed", imported_at=T0))
        await session.commit()
    await _add_sync_run(fresh_database, SyncRunStatus.OK, hour=5)
    async with serve(fresh_database.settings) as client:
        first = await _scrape(client)
        await _add_sync_run(fresh_database, SyncRunStatus.FAILED, hour=6)
        await _add_sync_run(fresh_database, SyncRunStatus.OK, hour=7)
        second = await _scrape(client)
    assert _value(first, "mobility_metrics_database_up") == 1
    assert _value(first, "mobility_links", health="OK") == 1
    assert _value(first, "mobility_sync_runs_total", status="OK") == 1
    assert _value(first, "mobility_sync_runs_total", status="FAILED") is None
    assert _value(first, "mobility_last_success_timestamp_seconds", job="import_faq") == (
        T0.timestamp()
    )
    last_sync = "mobility_last_success_timestamp_seconds"
    assert _value(first, last_sync, job="sync") == T0.replace(hour=5).timestamp()
    assert _value(second, "mobility_sync_runs_total", status="OK") == 2
    assert _value(second, "mobility_sync_runs_total", status="FAILED") == 1
    assert _value(second, last_sync, job="sync") == T0.replace(hour=7).timestamp()


async def test_metrics_can_be_switched_off(client_for: ClientFactory) -> None:
    async with client_for(metrics_enabled=False) as client:
        assert (await client.get("/metrics")).status_code == 404
        assert (await client.post("/graphql", json={"query": "{ homeTracks { code } }"})).is_success
