"""ASGI middleware giving every HTTP request an id, in its log lines and its response.

A client (or a proxy in front) may send ``X-Request-ID``; a short plain one is kept so that one
id follows the request across systems, anything else is replaced by a fresh id. The id goes back
in the ``X-Request-ID`` response header, so that a user reporting a problem can quote it.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.types import Message, Receive, Scope, Send

from service.observability.asgi import HttpMiddleware, header_of, set_response_header
from service.observability.log_context import accept_request_id, bind_request_id

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER = REQUEST_ID_HEADER.lower().encode("latin-1")


class RequestIdMiddleware(HttpMiddleware):
    """Binds the request id for everything that runs while the request is served."""

    async def serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = accept_request_id(header_of(scope, _HEADER))
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                set_response_header(message, _HEADER, request_id)
            await send(message)

        with bind_request_id(request_id):
            await self.app(scope, receive, send_with_id)


def request_id_in(state: Mapping[str, object]) -> str:
    """The id the middleware gave the request whose ``scope["state"]`` is ``state``
    ("unknown" outside the middleware)."""
    request_id = state.get("request_id")
    return request_id if isinstance(request_id, str) else "unknown"
