"""One access line per HTTP request: method, path, status, duration, GraphQL operation, request id.

uvicorn's access lines carry neither the duration nor the GraphQL operation (every request is
``POST /graphql``), so ``mobility serve`` turns them off and the application writes its own, on
the ``service.access`` logger, once the response is sent (or the request failed).
:class:`~service.observability.request_id.RequestIdMiddleware` (``access_log=True``) writes it
in the same frame as it binds the request id (decision 0270), so the line carries the id like
every other line of the request. The GraphQL endpoint names the operation in
``scope["state"]["operation_name"]`` (the ``operationName`` the client sent).
"""

from __future__ import annotations

import logging
import time

from starlette.types import Scope

logger = logging.getLogger("service.access")


def write_access_line(scope: Scope, status: int, started: float) -> None:
    """Log ``GET /readyz 200 1.2 ms`` with ``method``, ``path``, ``status``, ``duration_ms``
    and ``operation`` as fields (built only when ``service.access`` writes INFO)."""
    if not logger.isEnabledFor(logging.INFO):
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    operation = scope.get("state", {}).get("operation_name")
    method, path = scope["method"], scope["path"]
    line = f"{method} {path} {status} {duration_ms} ms"
    if operation:
        line += f" {operation}"
    fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
    logger.info(line, extra=fields | ({"operation": operation} if operation else {}))
