"""The frame of the observability middleware: HTTP requests are served by ``serve_http``,
everything else (lifespan, WebSocket) goes straight to the application."""

from __future__ import annotations

from abc import ABC, abstractmethod

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def header_of(scope: Scope, name: bytes) -> str | None:
    """The first value of the request header ``name`` (lower case), read from the scope's
    raw list without building a ``Headers`` (a few µs for each middleware of each request)."""
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


def set_response_header(message: Message, name: bytes, value: str) -> None:
    """Set header ``name`` (lower case) of an ``http.response.start`` message, replacing every
    value it had, as ``MutableHeaders.__setitem__`` does.

    Plain loops, no comprehension: on Python 3.11 each comprehension is a function made and
    called, and this runs for two or three headers of every response (decision 0321)."""
    pair = (name, value.encode("latin-1"))
    headers = list(message.get("headers", ()))
    message["headers"] = headers
    for item in headers:
        if item[0] == name:
            break
    else:  # the usual case: not there yet
        headers.append(pair)
        return
    kept = []
    placed = False
    for item in headers:
        if item[0] != name:
            kept.append(item)
        elif not placed:
            kept.append(pair)
            placed = True
    headers[:] = kept


class HttpMiddleware(ABC):
    """ASGI middleware that acts on HTTP requests only (:meth:`serve_http`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.serve_http(scope, receive, send)

    @abstractmethod
    async def serve_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request through ``self.app``."""
