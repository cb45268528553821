"""What /graphql needs of HTTP, read from the ASGI scope and written with two ``send`` calls.

The GraphQL endpoint is a plain ASGI application (decision 0270): Starlette's ``Request`` and
``Response`` objects (a ``Headers`` per lookup, ``MutableHeaders`` per header set, a ``State``
per request) cost about a tenth of a cold country page's CPU, and the endpoint reads five
headers and writes one body. :class:`RequestHead` is the request as the endpoint reads it;
:class:`Answer` is a response as Starlette's ``Response`` would send it (the same status,
header names in lower case, ``content-length`` and ``content-type`` added as it adds them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import QueryParams
from starlette.types import Receive, Scope, Send


@dataclass(slots=True)
class RequestHead:
    """The method, headers and query string of one HTTP request, and its scope's state."""

    method: str
    #: Header names in lower case; a repeated header's first value (as ``Headers.get``).
    headers: dict[str, str]
    query_string: bytes
    #: ``scope["state"]``: the request id's middleware and the access line read and write it.
    state: dict[str, Any]
    #: The Starlette application serving the request (its ``state`` holds the runtime).
    app: Any

    @classmethod
    def of(cls, scope: Scope) -> RequestHead:
        headers: dict[str, str] = {}
        for name, value in scope["headers"]:
            headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
        return cls(
            method=scope["method"],
            headers=headers,
            query_string=scope.get("query_string", b""),
            state=scope.setdefault("state", {}),
            app=scope.get("app"),
        )

    def query_params(self) -> QueryParams:
        """The query string's parameters (the last value of a repeated one, as Starlette)."""
        return QueryParams(self.query_string)


def _raw(headers: Mapping[str, str]) -> list[tuple[bytes, bytes]]:
    return [
        (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
    ]


@dataclass(slots=True)
class Answer:
    """A response: status, headers (lower-case names), body; sent with two messages."""

    status: int
    body: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    @classmethod
    def build(
        cls,
        body: bytes,
        *,
        status: int = 200,
        media_type: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """As ``starlette.responses.Response(body, status, headers, media_type)`` sends it:
        the given headers, then ``content-length`` and ``content-type`` unless given."""
        if headers:
            raw = _raw(headers)
            names = {name for name, _value in raw}
            length, kind = b"content-length" not in names, b"content-type" not in names
        else:  # most answers: no set to build (decision 0321)
            raw, length, kind = [], True, True
        if length and not (status < 200 or status in (204, 304)):
            raw.append((b"content-length", str(len(body)).encode("latin-1")))
        if media_type is not None and kind:
            raw.append((b"content-type", media_type.encode("latin-1")))
        return cls(status, body, raw)

    def set(self, name: str, value: str) -> None:
        """Set header ``name`` (replacing its value where it is already there)."""
        key = name.lower().encode("latin-1")
        encoded = value.encode("latin-1")
        for index, (existing, _value) in enumerate(self.headers):
            if existing == key:
                self.headers[index] = (key, encoded)
                return
        self.headers.append((key, encoded))

    def header(self, name: str) -> str | None:
        """The value of header ``name``, or None."""
        key = name.lower().encode("latin-1")
        for existing, value in self.headers:
            if existing == key:
                return value.decode("latin-1")
        return None

    def without_body(self) -> Answer:
        """The answer to HEAD: the same status and headers (``content-length`` included)."""
        return Answer(self.status, b"", list(self.headers))

    async def __call__(self, _scope: Scope, _receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})
