"""Which errors a client may read, and how the others are masked.

Syntax, validation and bad-argument errors are the client's to fix: they stay readable.
Anything else raised while executing (a bug, a broken database) is masked: the client gets
"Unexpected error." with the request id, and the log gets the traceback under the same id.
"""

from __future__ import annotations

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from service.db import is_deadline_stop
from service.errors import UserError

MASKED_MESSAGE = "Unexpected error."
DEADLINE_MESSAGE = "The request did not finish within its deadline: the database stopped it."


def bad_input(message: str) -> GraphQLError:
    """An error about the client's arguments (raise it from a resolver)."""
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def is_unexpected(error: GraphQLError) -> bool:
    """Whether ``error`` wraps an exception the client did not cause."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | UserError)


class MaskUnexpectedErrors(MaskErrors):
    """Masks unexpected errors only, and tells the client which request id to quote."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message=MASKED_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        request_id = getattr(self.execution_context.context, "request_id", None)
        stopped = error.original_error is not None and is_deadline_stop(error.original_error)
        return GraphQLError(
            message=DEADLINE_MESSAGE if stopped else self.error_message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=None,
            extensions={
                "code": "DEADLINE_EXCEEDED" if stopped else "INTERNAL_SERVER_ERROR",
                "requestId": request_id,
            },
        )
