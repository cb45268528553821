"""Cross-origin requests from browsers (the Fetch standard's CORS protocol), from the settings.

A preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) is always
answered here, CORS on or off: 204 with the permissions when the origin, method and headers
are allowed, otherwise 403 with a body that says why, and a log line naming the origin. By
default any request header a preflight asks for is allowed (clients add their own, such as
``apollographql-client-name`` or ``sentry-trace``); ``CORS_ALLOW_HEADERS`` narrows that to a
list. Answers to allowed origins carry ``Access-Control-Allow-Origin`` and expose the headers
a client may read (request id, ETag). See docs/decisions/0098-cors-preflights.md.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.observability import REQUEST_ID_HEADER, header_of

logger = logging.getLogger("service.web.cors")

METHODS = ("GET", "HEAD", "POST")
#: Headers a browser sends without asking (Fetch: CORS-safelisted request headers).
_SAFELISTED = frozenset({"accept", "accept-language", "content-language", "content-type"})
EXPOSED = f"{REQUEST_ID_HEADER}, ETag"
_PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"


def _own_origin(scope: Scope, headers: Headers) -> str:
    return f"{scope.get('scheme', 'http')}://{headers.get('host', '')}"


class CorsMiddleware:
    """Answers preflights and labels cross-origin answers, for the configured origins."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        origins: Sequence[str],
        allow_headers: Sequence[str],
        max_age: int,
    ) -> None:
        self.app = app
        self.any_origin = "*" in origins
        self.origins = frozenset(origin.rstrip("/") for origin in origins if origin != "*")
        #: Empty: whatever a preflight asks for.
        self.allow_headers = frozenset(header.lower() for header in allow_headers)
        self.max_age = max_age

    @property
    def enabled(self) -> bool:
        return self.any_origin or bool(self.origins)

    def allows(self, origin: str) -> bool:
        return self.any_origin or origin in self.origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = header_of(scope, b"origin")
        if origin is None:  # not a cross-origin request: read without building Headers
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(origin, headers)(scope, receive, send)
            return
        if not self.enabled or not self.allows(origin):
            if origin != _own_origin(scope, headers):
                self._refused(origin, "its origin is not in CORS_ORIGINS")
            await self.app(scope, receive, self._labelled(send, None))
            return
        await self.app(scope, receive, self._labelled(send, origin))

    def _labelled(self, send: Send, origin: str | None) -> Send:
        async def labelled(message: Message) -> None:
            if message["type"] == "http.response.start" and self.enabled:
                headers = MutableHeaders(scope=message)
                headers.add_vary_header("Origin")
                if origin is not None:
                    headers["Access-Control-Allow-Origin"] = "*" if self.any_origin else origin
                    headers["Access-Control-Expose-Headers"] = EXPOSED
            await send(message)

        return labelled

    def _preflight(self, origin: str, headers: Headers) -> PlainTextResponse:
        if not self.enabled:
            return self._refusal(
                origin, "cross-origin requests are not enabled on this server (CORS_ORIGINS)"
            )
        if not self.allows(origin):
            return self._refusal(origin, "its origin is not in CORS_ORIGINS")
        method = headers["access-control-request-method"].strip().upper()
        if method not in METHODS:
            return self._refusal(origin, f"the method {method} is not one of GET, POST")
        requested = [
            name.strip().lower()
            for name in headers.get("access-control-request-headers", "").split(",")
            if name.strip()
        ]
        if self.allow_headers:
            refused = [n for n in requested if n not in self.allow_headers | _SAFELISTED]
            if refused:
                listed = ", ".join(refused)
                return self._refusal(origin, f"the headers {listed} are not in CORS_ALLOW_HEADERS")
        permissions = {
            "Access-Control-Allow-Origin": "*" if self.any_origin else origin,
            "Access-Control-Allow-Methods": ", ".join(METHODS),
            "Access-Control-Max-Age": str(self.max_age),
            "Vary": _PREFLIGHT_VARY,
        }
        if requested:
            permissions["Access-Control-Allow-Headers"] = ", ".join(requested)
        return PlainTextResponse(None, status_code=204, headers=permissions)

    def _refusal(self, origin: str, reason: str) -> PlainTextResponse:
        self._refused(origin, reason)
        return PlainTextResponse(
            f"Cross-origin request refused: {reason}.\n",
            status_code=403,
            headers={"Vary": _PREFLIGHT_VARY},
        )

    def _refused(self, origin: str, reason: str) -> None:
        logger.warning("CORS: refused a request from origin %s: %s", origin, reason)
