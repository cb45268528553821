"""Reading a GraphQL-over-HTTP request: GET query parameters or a POST JSON body.

Anything malformed is the client's fault and gets a 4xx with one readable message: a wrong
content type 415, a body over the size limit 413 (before it is parsed, whether or not it
declares its length), malformed JSON or a missing query 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import ClientDisconnect
from starlette.types import Receive

from service.web.header_memo import kept_per_text
from service.web.plain_http import RequestHead


class ProtocolError(Exception):
    """A request that is not well-formed GraphQL over HTTP."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        #: ``extensions.code`` of the answer; None: the one of ``status``.
        self.code = code


@dataclass(frozen=True, slots=True)
class GraphQLParams:
    """The parameters of one GraphQL request."""

    #: Empty when the request names a persisted document by its hash instead.
    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    #: ``extensions`` of the request (``persistedQuery`` is read by service.web.persisted_queries).
    extensions: dict[str, Any] | None = None


async def read_body(head: RequestHead, receive: Receive, max_bytes: int) -> bytes:
    """The request body, refusing (413) as soon as it is known to exceed ``max_bytes``.

    Starlette's ``ClientDisconnect`` when the client goes before the body is complete."""
    declared = head.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ProtocolError(400, "Content-Length is not a number.")
        if int(declared) > max_bytes:
            raise ProtocolError(413, f"The request body is larger than {max_bytes} bytes.")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.request":
            if body := message.get("body", b""):
                size += len(body)
                if size > max_bytes:
                    raise ProtocolError(413, f"The request body is larger than {max_bytes} bytes.")
                chunks.append(body)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        elif message["type"] == "http.disconnect":
            raise ClientDisconnect


def _check_content_type(head: RequestHead) -> None:
    header = head.headers.get("content-type", "")
    problem = _content_type_problem(header)
    if problem == _NOT_JSON:
        raise ProtocolError(
            415,
            "POST requests must have Content-Type: application/json.",
            headers={"Accept": "application/json"},
        )
    if problem == _NOT_UTF8:
        raise ProtocolError(415, "The request body must be encoded in UTF-8.")


_NOT_JSON, _NOT_UTF8 = 1, 2


@kept_per_text
def _content_type_problem(header: str) -> int:
    """0, or what is wrong with a POST's ``Content-Type`` (kept per header text:
    ``service.web.header_memo``, every request asks)."""
    media, *parameters = (part.strip() for part in header.split(";"))
    if media.lower() != "application/json":
        return _NOT_JSON
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() != "utf-8":
            return _NOT_UTF8
    return 0


def _decode_json_object(text: str | bytes, what: str) -> dict[str, Any]:
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise ProtocolError(400, f"{what} is not valid JSON.") from None
    if not isinstance(value, dict):
        raise ProtocolError(400, f"{what} must be a JSON object.")
    return value


def _object_param(source: Mapping[str, Any], name: str, *, as_text: bool) -> dict[str, Any] | None:
    """The JSON object parameter ``name`` (JSON text in a GET query string), or None."""
    value = source.get(name)
    if as_text and isinstance(value, str):
        value = _decode_json_object(value, f"The `{name}` parameter") if value else None
    if value is not None and not isinstance(value, dict):
        raise ProtocolError(400, f"`{name}` must be an object or null.")
    return value


def _params(source: Mapping[str, Any], *, variables_as_text: bool) -> GraphQLParams:
    extensions = _object_param(source, "extensions", as_text=variables_as_text)
    query = source.get("query")
    persisted = extensions is not None and "persistedQuery" in extensions
    if query is None and persisted:
        query = ""  # named by its hash: service.web.persisted_queries finds the text
    elif not isinstance(query, str) or not query.strip():
        raise ProtocolError(400, "The request has no `query` string.")
    operation_name = source.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise ProtocolError(400, "`operationName` must be a string or null.")
    variables = _object_param(source, "variables", as_text=variables_as_text)
    return GraphQLParams(
        query=query,
        variables=variables,
        operation_name=operation_name or None,
        extensions=extensions,
    )


async def read_params(head: RequestHead, receive: Receive, *, max_body_bytes: int) -> GraphQLParams:
    """The GraphQL parameters of a request (GET or POST); ProtocolError when malformed."""
    if head.method != "POST":  # GET, or HEAD (Starlette routes it with GET)
        return _params(head.query_params(), variables_as_text=True)
    _check_content_type(head)
    body = await read_body(head, receive, max_body_bytes)
    return _params(_decode_json_object(body, "The request body"), variables_as_text=False)
