"""/metrics speaks the Prometheus text format, and its values move with what happens."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.routing import Route

from service.db.models import JobKind, RunStatus
from service.observability.metrics import ErrorKind, Metrics, metrics_endpoint
from service.observability.snapshot import (
    MetricsSnapshot,
    SnapshotQueries,
    read_metrics_snapshot,
    snapshot_reader,
)
from service.operations.job_queue import claim_next_job, enqueue_job
from service.operations.scheduler_state import record_next_run, record_run_finished
from service.operations.webhook_outbox import WebhookEvent, enqueue_webhook_event

T0 = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page, keyed by name and sorted labels."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if isinstance(sample, Sample)
    }


def _value(text: str, name: str, **labels: str) -> float | None:
    return _samples(text).get((name, tuple(sorted(labels.items()))))


def test_graphql_requests_latency_and_errors_are_counted_by_operation_and_kind() -> None:
    metrics = Metrics(process_metrics=False)
    metrics.observe_graphql("SchoolsByCountry", 0.02)
    metrics.observe_graphql("SchoolsByCountry", 0.3, [ErrorKind.INTERNAL])
    metrics.observe_graphql(None, 0.004, [ErrorKind.SYNTAX, ErrorKind.SYNTAX])
    text = metrics.render().decode()
    assert _value(text, "mobility_graphql_requests_total", operation="SchoolsByCountry") == 2
    assert _value(text, "mobility_graphql_requests_total", operation="anonymous") == 1
    duration = "mobility_graphql_request_duration_seconds"
    assert _value(text, f"{duration}_count", operation="SchoolsByCountry") == 2
    assert _value(text, f"{duration}_sum", operation="SchoolsByCountry") == pytest.approx(0.32)
    assert _value(text, f"{duration}_bucket", operation="SchoolsByCountry", le="0.025") == 1
    assert _value(text, f"{duration}_bucket", operation="SchoolsByCountry", le="0.5") == 2
    assert _value(text, "mobility_graphql_errors_total", kind="internal") == 1
    assert _value(text, "mobility_graphql_errors_total", kind="syntax") == 1
    assert _value(text, "mobility_graphql_errors_total", kind="auth") == 0
    assert "_created" not in text


def test_operation_labels_are_bounded() -> None:
    metrics = Metrics(operation_limit=2, process_metrics=False)
    for name in ["First", "Second", "Third", "First", "not a name!", "other", "x" * 65, ""]:
        metrics.observe_graphql(name, 0.01)
    operations = {
        dict(labels)["operation"]: value
        for (name, labels), value in _samples(metrics.render().decode()).items()
        if name == "mobility_graphql_requests_total"
    }
    assert operations == {"First": 2, "Second": 1, "other": 4, "anonymous": 1}


def test_two_applications_do_not_share_counters() -> None:
    first, second = Metrics(process_metrics=False), Metrics(process_metrics=False)
    first.observe_graphql("Countries", 0.01)
    assert (
        _value(second.render().decode(), "mobility_graphql_requests_total", operation="Countries")
        is None
    )


def _client(metrics: Metrics, snapshot: MetricsSnapshot | Exception | None) -> httpx.AsyncClient:
    async def read() -> MetricsSnapshot:
        if isinstance(snapshot, Exception):
            raise snapshot
        assert snapshot is not None
        return snapshot

    endpoint = metrics_endpoint(metrics, None if snapshot is None else read)
    app = Starlette(routes=[Route("/metrics", endpoint)])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_the_endpoint_serves_the_text_format_with_its_content_type() -> None:
    metrics = Metrics()
    async with _client(metrics, None) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=1.0.0; charset=utf-8"
    names = {family.name for family in text_string_to_metric_families(response.text)}
    assert {"mobility_graphql_errors", "process_cpu_seconds", "python_info"} <= names
    assert _value(response.text, "mobility_metrics_database_up") == 0


async def test_database_figures_are_read_at_scrape_time(session: AsyncSession) -> None:
    await enqueue_job(session, kind=JobKind.SYNC, requested_by="token:a", schools=["a"])
    await enqueue_job(session, kind=JobKind.SYNC, requested_by="token:a", schools=["b"])
    await claim_next_job(session, worker="w")
    await enqueue_webhook_event(session, ["https://hooks.example/"], WebhookEvent.SYNC_FINISHED, {})
    await record_run_finished(session, "sync", at=T0, status=RunStatus.SUCCEEDED)
    await record_next_run(session, "import_faq", next_run_at=T0.replace(hour=3, day=3))

    async def links_by_health(_session: AsyncSession) -> dict[str, int]:
        return {"ok": 41, "dead": 2}

    async def sync_runs_by_status(_session: AsyncSession) -> dict[str, int]:
        return {"succeeded": 5, "failed": 1}

    async def school_facts_by_freshness(_session: AsyncSession) -> dict[str, int]:
        return {"fresh": 30, "stale": 4}

    queries = SnapshotQueries(
        links_by_health=links_by_health,
        sync_runs_by_status=sync_runs_by_status,
        school_facts_by_freshness=school_facts_by_freshness,
    )
    snapshot = await read_metrics_snapshot(session, queries)
    metrics = Metrics(process_metrics=False)
    async with _client(metrics, snapshot) as client:
        text = (await client.get("/metrics")).text
    assert _value(text, "mobility_metrics_database_up") == 1
    assert _value(text, "mobility_links", health="ok") == 41
    assert _value(text, "mobility_links", health="dead") == 2
    assert _value(text, "mobility_sync_runs_total", status="failed") == 1
    assert _value(text, "mobility_school_facts", freshness="stale") == 4
    assert _value(text, "mobility_job_requests", status="queued") == 1
    assert _value(text, "mobility_job_requests", status="running") == 1
    assert _value(text, "mobility_webhook_deliveries", status="pending") == 1
    assert _value(text, "mobility_last_success_timestamp_seconds", job="sync") == T0.timestamp()
    assert _value(text, "mobility_scheduler_next_run_timestamp_seconds", job="import_faq") == (
        datetime(2026, 3, 3, 3, 0, tzinfo=UTC).timestamp()
    )


async def test_a_database_failure_still_answers_and_says_so() -> None:
    metrics = Metrics(process_metrics=False)
    metrics.observe_graphql("Countries", 0.01)
    async with _client(metrics, MetricsSnapshot(links_by_health={"ok": 1})) as client:
        assert _value((await client.get("/metrics")).text, "mobility_links", health="ok") == 1
    async with _client(metrics, ConnectionRefusedError("database down")) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert _value(response.text, "mobility_metrics_database_up") == 0
    assert _value(response.text, "mobility_links", health="ok") is None
    assert _value(response.text, "mobility_graphql_requests_total", operation="Countries") == 1


async def test_the_snapshot_reader_opens_its_own_session(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as db:
        await record_run_finished(db, "import_faq", at=T0, status=RunStatus.SUCCEEDED)
        await db.commit()
    snapshot = await snapshot_reader(sessions)()
    assert snapshot.last_success_at == {"import_faq": T0}
    assert (snapshot.links_by_health, snapshot.job_requests_by_status) == ({}, {})
