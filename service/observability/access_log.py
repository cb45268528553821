"""One access line per HTTP request: method, path, status, duration, GraphQL operation, request id.

uvicorn's access lines carry neither the duration nor the GraphQL operation (every request is
``POST /graphql``), so ``mobility serve`` turns them off and this middleware writes its own, on
the ``service.access`` logger, once the response is sent (or the request failed). It runs inside
:class:`~service.observability.request_id.RequestIdMiddleware`, so the line carries the request
id like every other line of the request. The GraphQL endpoint names the operation in
``request.state.operation_name`` (the ``operationName`` the client sent).
"""

from __future__ import annotations

import logging
import time

from starlette.types import Message, Receive, Scope, Send

from service.observability.asgi import HttpMiddleware

logger = logging.getLogger("service.access")


class AccessLogMiddleware(HttpMiddleware):
    """Logs ``GET /readyz 200 1.2 ms`` with ``method``, ``path``, ``status``, ``duration_ms``
    and ``operation`` as fields."""

    async def serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        status = 500  # what the client gets when the application fails before answering

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            # The line is built only when it is written (not at LOG_LEVEL=WARNING).
            if logger.isEnabledFor(logging.INFO):
                _log(scope, status, started)


def _log(scope: Scope, status: int, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 1)
    operation = scope.get("state", {}).get("operation_name")
    method, path = scope["method"], scope["path"]
    line = f"{method} {path} {status} {duration_ms} ms"
    if operation:
        line += f" {operation}"
    fields = {"method": method, "path": path, "status": status, "duration_ms": duration_ms}
    logger.info(line, extra=fields | ({"operation": operation} if operation else {}))
