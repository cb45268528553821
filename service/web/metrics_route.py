"""``GET /metrics``: the application's metrics, with the figures read from its database.

The GraphQL figures are counted in process by the endpoint; the rest (link health, sync runs,
stale values, queued requests, webhooks, the last successful sync and import, the scheduler's
next runs) is read from the database at each scrape, since the scheduler runs in another process.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from service.catalogue import (
    count_links_by_health,
    count_school_facts_by_freshness,
    count_sync_runs_by_status,
    last_successful_runs,
)
from service.observability import Metrics, SnapshotQueries, metrics_endpoint, snapshot_reader
from service.web.runtime import runtime_of

SNAPSHOT_QUERIES = SnapshotQueries(
    links_by_health=count_links_by_health,
    sync_runs_by_status=count_sync_runs_by_status,
    school_facts_by_freshness=count_school_facts_by_freshness,
    last_success_at=last_successful_runs,
)


def build_metrics_route(metrics: Metrics) -> Callable[[Request], Awaitable[Response]]:
    """The Starlette endpoint (the database is the running application's)."""

    async def endpoint(request: Request) -> Response:
        read = snapshot_reader(runtime_of(request).sessions, SNAPSHOT_QUERIES)
        return await metrics_endpoint(metrics, read)(request)

    return endpoint
