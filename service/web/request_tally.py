"""What one GraphQL request counts for in the metrics: its operation and the kinds of error.

The endpoint fills a :class:`RequestTally` as the request goes (refused before execution, or
executed with errors, or answered with a typed refusal) and hands it to
:meth:`service.observability.metrics.Metrics.observe_graphql` at the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from graphql import GraphQLError

from service.graphql.context import ResponseNotes
from service.graphql.limits import LimitError
from service.observability import ErrorKind

#: HTTP refusals before anything is executed, by status.
_STATUS_KINDS = {
    400: ErrorKind.REQUEST,
    405: ErrorKind.REQUEST,
    406: ErrorKind.REQUEST,
    408: ErrorKind.LIMIT,
    413: ErrorKind.LIMIT,
    415: ErrorKind.REQUEST,
    500: ErrorKind.INTERNAL,
}
#: graphql-core's message when the parser stops at the token or comment limit.
_PARSE_LIMIT = "Parsing aborted."


@dataclass(slots=True)
class RequestTally:
    """The operation name (as far as it is known) and the kinds of error seen."""

    operation: str | None = None
    errors: set[ErrorKind] = field(default_factory=set)

    def refused(self, status: int) -> None:
        """The request was answered with ``status`` before execution."""
        self.errors.add(_STATUS_KINDS.get(status, ErrorKind.REQUEST))

    def parse_failed(self, error: GraphQLError) -> None:
        limit = error.message.endswith(_PARSE_LIMIT)
        self.errors.add(ErrorKind.LIMIT if limit else ErrorKind.SYNTAX)

    def executed(self, errors: Iterable[GraphQLError], notes: ResponseNotes) -> None:
        """Count what an execution reported: its errors, and the typed refusals it answered."""
        for error in errors:
            code = (error.extensions or {}).get("code")
            if isinstance(error, LimitError):
                self.errors.add(ErrorKind.LIMIT)
            elif code == "INTERNAL_SERVER_ERROR":
                self.errors.add(ErrorKind.INTERNAL)
            elif code == "BAD_USER_INPUT":
                self.errors.add(ErrorKind.INVALID_INPUT)
            else:
                # Validation and variable coercion (no path), or a client's error in a field.
                self.errors.add(ErrorKind.VALIDATION)
        if notes.admin_refused:
            self.errors.add(ErrorKind.AUTH)
        if notes.invalid_input:
            self.errors.add(ErrorKind.INVALID_INPUT)
