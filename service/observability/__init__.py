"""Seeing what the service does: structured logs with request and run ids, Prometheus metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from service.observability.asgi import header_of, set_response_header
    from service.observability.log_context import bind_log_fields
    from service.observability.logs import configure_logging
    from service.observability.metrics import ErrorKind, Metrics, metrics_endpoint
    from service.observability.request_id import (
        REQUEST_ID_HEADER,
        RequestIdMiddleware,
        request_id_in,
    )
    from service.observability.snapshot import (
        SnapshotQueries,
        last_scheduled_successes,
        snapshot_reader,
    )

__all__ = [
    "REQUEST_ID_HEADER",
    "ErrorKind",
    "Metrics",
    "RequestIdMiddleware",
    "SnapshotQueries",
    "bind_log_fields",
    "configure_logging",
    "header_of",
    "last_scheduled_successes",
    "metrics_endpoint",
    "request_id_in",
    "set_response_header",
    "snapshot_reader",
]

__getattr__ = lazy_face(__name__, __file__)
