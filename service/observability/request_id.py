"""ASGI middleware giving every HTTP request an id, in its log lines and its response.

A client (or a proxy in front) may send ``X-Request-ID``; a short plain one is kept so that one
id follows the request across systems, anything else is replaced by a fresh id. The id goes back
in the ``X-Request-ID`` response header, so that a user reporting a problem can quote it.
With ``access_log=True`` the same frame writes the request's access line
(:mod:`service.observability.access_log`): one middleware and one ``send`` wrapper instead of
two (decision 0270).
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.observability.access_log import write_access_line
from service.observability.asgi import HttpMiddleware, header_of, set_response_header
from service.observability.log_context import accept_request_id, push_log_fields, reset_log_fields
from service.observability.server_errors import server_error

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER = REQUEST_ID_HEADER.lower().encode("latin-1")


class RequestIdMiddleware(HttpMiddleware):
    """Binds the request id for everything that runs while the request is served; with
    ``access_log``, writes the request's access line as it ends, inside that binding."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        access_log: bool = False,
        server_errors: ServerErrorMiddleware | None = None,
    ) -> None:
        super().__init__(app)
        self.access_log = access_log
        #: Outermost on a path without Starlette's ServerErrorMiddleware (/graphql): an
        #: exception escaping gets that middleware's answer, after the access line is written
        #: (where the middleware outside this one would have caught it).
        self.server_errors = server_errors

    async def serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        request_id = accept_request_id(header_of(scope, _HEADER))
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500  # what the client gets when the application fails before answering
        answering = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, answering
            if message["type"] == "http.response.start":
                answering = True
                status = int(message["status"])
                set_response_header(message, _HEADER, request_id)
            await send(message)

        token = push_log_fields(request_id=request_id)
        try:
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if self.access_log:
                    write_access_line(scope, status, started)
                reset_log_fields(token)
        except Exception as exc:
            if self.server_errors is None:
                raise
            await server_error(
                self.server_errors, exc, started=answering, scope=scope, receive=receive, send=send
            )


def request_id_in(state: Mapping[str, object]) -> str:
    """The id the middleware gave the request whose ``scope["state"]`` is ``state``
    ("unknown" outside the middleware)."""
    request_id = state.get("request_id")
    return request_id if isinstance(request_id, str) else "unknown"
