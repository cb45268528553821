"""``extensions.code`` on the errors of validation and variable coercion.

Clients (Apollo, urql) branch on the code, not on the message. Errors that already carry a
code (limits, masked errors, bad arguments) keep it; the others get the code of the phase
that produced them: ``GRAPHQL_VALIDATION_FAILED`` (``QUERY_TOO_COMPLEX`` for a depth or alias
limit), and ``BAD_USER_INPUT`` for variables that do not fit their types.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from service.graphql.cost import TOO_COMPLEX
from service.graphql.limits import LimitError


def _tag(errors: Iterable[GraphQLError], code: str) -> None:
    for error in errors:
        if not (error.extensions or {}).get("code"):
            phase = TOO_COMPLEX if isinstance(error, LimitError) else code
            error.extensions = {**(error.extensions or {}), "code": phase}


class ErrorCodes(SchemaExtension):
    """Adds the phase's code to errors without one (listed before validation extensions)."""

    def on_validate(self) -> Iterator[None]:
        yield
        _tag(self.execution_context.pre_execution_errors or (), "GRAPHQL_VALIDATION_FAILED")

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.data is None and result.errors:
            # No data and no path: execution never started (variables did not coerce).
            _tag((error for error in result.errors if error.path is None), "BAD_USER_INPUT")
