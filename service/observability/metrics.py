"""Prometheus metrics: GraphQL traffic counted in process, the rest read from the database.

Each application builds its own :class:`Metrics` (its own ``CollectorRegistry``, not the
library's global one), so two apps in one process, or two tests, never share counters.

Label values are bounded: an operation name is a label only for the first
``operation_limit`` well-formed names seen; later or odd names count as ``other``, and
unnamed operations as ``anonymous``. Clients choose operation names, so without that bound
a client could grow the metrics without limit.
"""

from __future__ import annotations

import enum
import logging
import re
import threading
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from service.observability.snapshot import MetricsSnapshot

log = logging.getLogger(__name__)

#: Request durations in seconds: a cached response takes ~1 ms, a big nested one ~200 ms.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_OPERATION_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")


class ErrorKind(enum.StrEnum):
    """Why a GraphQL request failed, as counted by ``mobility_graphql_errors_total``."""

    #: Not a well-formed GraphQL-over-HTTP request (method, media types, JSON body).
    REQUEST = "request"
    SYNTAX = "syntax"
    VALIDATION = "validation"
    LIMIT = "limit"  # body size, depth, aliases, timeout
    AUTH = "auth"
    INVALID_INPUT = "invalid_input"
    INTERNAL = "internal"


class OperationLabels:
    """Maps client-chosen operation names to a bounded set of label values."""

    ANONYMOUS = "anonymous"
    OTHER = "other"

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._known: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: str | None) -> str:
        if not name:
            return self.ANONYMOUS
        if not _OPERATION_NAME.fullmatch(name) or name in (self.ANONYMOUS, self.OTHER):
            return self.OTHER
        with self._lock:
            if name in self._known:
                return name
            if len(self._known) >= self._limit:
                return self.OTHER
            self._known.add(name)
            return name


def _timestamps(name: str, documentation: str, times: Mapping[str, datetime]) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=["job"])
    for job, at in sorted(times.items()):
        family.add_metric([job], at.timestamp())
    return family


def _counts(family: GaugeMetricFamily | CounterMetricFamily, counts: Mapping[str, int]) -> Metric:
    for value, count in sorted(counts.items()):
        family.add_metric([value], count)
    return family


class SnapshotCollector(Collector):
    """Exposes the latest :class:`MetricsSnapshot` (set just before each scrape)."""

    def __init__(self) -> None:
        self._snapshot: MetricsSnapshot | None = None
        self._up = False

    def update(self, snapshot: MetricsSnapshot | None) -> None:
        """The figures to expose; ``None`` when the database could not be read."""
        self._snapshot = snapshot
        self._up = snapshot is not None

    def describe(self) -> Iterable[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "mobility_metrics_database_up",
            "1 if the last scrape could read the database figures, 0 if not.",
        )
        up.add_metric([], 1 if self._up else 0)
        yield up
        snapshot = self._snapshot
        if snapshot is None:
            return
        yield _counts(
            CounterMetricFamily(
                "mobility_sync_runs", "Sync runs recorded, by status.", labels=["status"]
            ),
            snapshot.sync_runs_by_status,
        )
        yield _counts(
            GaugeMetricFamily("mobility_links", "Links by health status.", labels=["health"]),
            snapshot.links_by_health,
        )
        yield _counts(
            GaugeMetricFamily(
                "mobility_school_facts",
                "Current scraped values by freshness (fresh, stale).",
                labels=["freshness"],
            ),
            snapshot.school_facts_by_freshness,
        )
        yield _counts(
            GaugeMetricFamily(
                "mobility_job_requests", "Queued job requests by status.", labels=["status"]
            ),
            snapshot.job_requests_by_status,
        )
        yield _counts(
            GaugeMetricFamily(
                "mobility_webhook_deliveries", "Webhook deliveries by status.", labels=["status"]
            ),
            snapshot.webhook_deliveries_by_status,
        )
        yield _timestamps(
            "mobility_last_success_timestamp_seconds",
            "Unix time of the last successful run of each job (sync, import_faq).",
            snapshot.last_success_at,
        )
        yield _timestamps(
            "mobility_scheduler_next_run_timestamp_seconds",
            "Unix time the scheduler plans to run each job next.",
            snapshot.next_run_at,
        )


class Metrics:
    """The metrics of one application, in a registry of their own."""

    def __init__(self, *, operation_limit: int = 50, process_metrics: bool = True) -> None:
        # The library's `*_created` series double the output for nothing Prometheus uses; the
        # switch is process-wide, and every registry of ours wants it off.
        disable_created_metrics()  # type: ignore[no-untyped-call]
        self.registry = CollectorRegistry()
        self.operations = OperationLabels(operation_limit)
        self.requests = Counter(
            "mobility_graphql_requests",
            "GraphQL requests, by operation name.",
            ["operation"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "mobility_graphql_request_duration_seconds",
            "Time to answer a GraphQL request, by operation name.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "mobility_graphql_errors",
            "GraphQL requests that failed, by kind of error.",
            ["kind"],
            registry=self.registry,
        )
        for kind in ErrorKind:  # present at zero, so that rate() works from the first error
            self.errors.labels(kind.value)
        #: The request counter's and the histogram's series of an operation name, looked up
        #: once (``labels()`` cost ~10 µs a request).
        self._per_operation: dict[str | None, tuple[Counter, Histogram]] = {}
        self.snapshot = SnapshotCollector()
        self.registry.register(self.snapshot)
        if process_metrics:
            ProcessCollector(registry=self.registry)
            PlatformCollector(registry=self.registry)

    def observe_graphql(
        self, operation_name: str | None, seconds: float, errors: Iterable[ErrorKind] = ()
    ) -> None:
        """Count one GraphQL request, its duration, and each kind of error it had (once)."""
        children = self._per_operation.get(operation_name)
        if children is None:
            operation = self.operations.label(operation_name)
            children = (self.requests.labels(operation), self.latency.labels(operation))
            # Kept per name only for names that are their own label: a bounded set (the
            # limit's names, and no name at all), whatever clients send.
            if operation != OperationLabels.OTHER:
                self._per_operation[operation_name] = children
        requests, latency = children
        requests.inc()
        latency.observe(seconds)
        if errors:
            for kind in set(errors):
                self.errors.labels(kind.value).inc()

    def render(self) -> bytes:
        """The Prometheus text exposition of everything in the registry."""
        return generate_latest(self.registry)


SnapshotReader = Callable[[], Awaitable[MetricsSnapshot]]


def metrics_endpoint(
    metrics: Metrics, read_snapshot: SnapshotReader | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint serving ``metrics`` as Prometheus text.

    ``read_snapshot`` (see :func:`service.observability.snapshot.snapshot_reader`) is awaited on
    each scrape; when it fails, the scrape still answers, with
    ``mobility_metrics_database_up 0``.
    """

    async def endpoint(_request: Request) -> Response:
        if read_snapshot is not None:
            try:
                metrics.snapshot.update(await read_snapshot())
            except Exception:
                log.exception("metrics: cannot read the database figures")
                metrics.snapshot.update(None)
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return endpoint
