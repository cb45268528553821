"""Bounds on a request's variables, checked before anything walks them recursively.

orjson (the response-cache key) refuses input nested deeper than 254 levels with an error, and
graphql-core's coercion recurses per level: both must only ever see variables already known
to be small. The check itself is an explicit stack, so no input can exhaust the interpreter's
recursion limit.
"""

from __future__ import annotations

from typing import Any

from service.web.graphql_request import ProtocolError


def check_variables(variables: dict[str, Any] | None, *, max_depth: int, max_values: int) -> None:
    """ProtocolError (400) when ``variables`` nest deeper than ``max_depth`` or hold too many."""
    if not variables:
        return
    values = 0
    stack: list[tuple[Any, int]] = [(variables, 1)]
    while stack:
        value, depth = stack.pop()
        values += 1
        if values > max_values:
            raise ProtocolError(400, f"`variables` hold more than {max_values} values.")
        if isinstance(value, dict | list):
            if depth > max_depth:
                raise ProtocolError(400, f"`variables` nest more than {max_depth} levels deep.")
            children = value.values() if isinstance(value, dict) else value
            below = depth + 1
            for child in children:  # no generator: this runs for every request's variables
                stack.append((child, below))
