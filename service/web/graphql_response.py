"""Encoding GraphQL responses (orjson) with the status codes of GraphQL over HTTP."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from graphql import GraphQLError

from service.web.negotiation import GRAPHQL_RESPONSE
from service.web.plain_http import Answer

_CODES = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    408: "REQUEST_TIMEOUT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def _response(
    payload: Mapping[str, Any],
    status: int,
    media_type: str,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    return Answer.build(
        orjson.dumps(payload),
        status=status,
        media_type=f"{media_type}; charset=utf-8",
        headers=headers,
    )


def error_response(
    status: int,
    message: str,
    media_type: str,
    *,
    code: str | None = None,
    request_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    """A response for a request that was not executed, shaped like a GraphQL response."""
    extensions: dict[str, str] = {"code": code or _CODES.get(status, "ERROR")}
    if request_id is not None:
        extensions["requestId"] = request_id
    return _response(
        {"errors": [{"message": message, "extensions": extensions}]}, status, media_type, headers
    )


def _is_request_error(data: object, errors: Sequence[GraphQLError]) -> bool:
    # Errors raised before execution (syntax, validation, variable coercion) have no path;
    # field errors always do.
    return data is None and bool(errors) and all(error.path is None for error in errors)


def _is_internal(errors: Sequence[GraphQLError]) -> bool:
    return any((error.extensions or {}).get("code") == "INTERNAL_SERVER_ERROR" for error in errors)


def encode_result(
    data: dict[str, Any] | None,
    errors: Sequence[GraphQLError] | None,
    media_type: str,
    *,
    request_error: bool | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Answer:
    """The HTTP response for an execution result.

    A request error (the operation never ran) has no ``data`` entry and, with
    ``application/graphql-response+json``, status 400; with ``application/json`` every
    well-formed request gets 200. An unexpected failure before execution gets 500. Once the
    operation ran, the status is 200, even when field errors made ``data`` null.
    """
    errors = list(errors or [])
    if request_error is None:
        request_error = _is_request_error(data, errors)
    payload: dict[str, Any] = {} if request_error else {"data": data}
    if errors:
        payload["errors"] = [error.formatted for error in errors]
    if extensions:
        payload["extensions"] = dict(extensions)
    if request_error and _is_internal(errors):
        status = 500
    elif request_error and media_type == GRAPHQL_RESPONSE:
        status = 400
    else:
        status = 200
    return _response(payload, status, media_type)
