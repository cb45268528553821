"""The schema extension that applies the cost model (service.graphql.cost) to every operation.

Two checks, each at the earliest point it can run:

- before validation, the number of field selections (``GRAPHQL_MAX_FIELDS``): validation's
  cost grows faster than the document, so a document with hundreds of fields is refused
  before it is validated (setting ``pre_execution_errors`` makes strawberry skip validation);
- after validation and before execution, the estimated field resolutions
  (``GRAPHQL_COST_BUDGET``): setting the result makes strawberry skip execution, so no
  resolver and no SQL runs for a refused operation.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from service.catalogue import CatalogueBounds, read_catalogue_bounds
from service.db import SerializedSession
from service.graphql.context import GraphQLContext
from service.graphql.cost import estimate_cost, refuse_many_fields, refuse_over_budget

logger = logging.getLogger("service.graphql")


class CatalogueBoundsCache:
    """The catalogue's list sizes, read once per data version and shared by all requests."""

    def __init__(self) -> None:
        self._version = -1
        self._bounds: CatalogueBounds | None = None

    async def get(self, db: SerializedSession, version: int) -> CatalogueBounds:
        """The bounds at ``version``, read through ``db`` (the request's snapshot) if new."""
        if self._bounds is None or version != self._version:
            bounds = await db.run(read_catalogue_bounds)
            if version >= self._version:
                self._version, self._bounds = version, bounds
            return bounds
        return self._bounds


@dataclass(frozen=True, slots=True)
class CostLimits:
    """The limits of one schema: field selections, estimated resolutions, the bounds they use."""

    max_fields: int
    budget: int
    bounds: CatalogueBoundsCache

    async def allows(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        db: SerializedSession,
        *,
        data_version: int,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        max_page_size: int,
    ) -> bool:
        """Whether the operation is within both limits (False: the extension refuses it)."""
        if refuse_many_fields(document, self.max_fields) is not None:
            return False
        estimate = estimate_cost(
            schema,
            document,
            variables=variables,
            operation_name=operation_name,
            bounds=await self.bounds.get(db, data_version),
            max_page_size=max_page_size,
        )
        return estimate is not None and refuse_over_budget(estimate, self.budget) is None


def build_query_cost(
    *, max_fields: int, budget: int, bounds: CatalogueBoundsCache
) -> type[SchemaExtension]:
    """The extension class for these limits (built once per schema)."""

    class QueryCost(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            if context.graphql_document is not None and context.pre_execution_errors is None:
                error = refuse_many_fields(context.graphql_document, max_fields)
                if error is not None:
                    context.pre_execution_errors = [error]
            yield

        async def on_execute(self) -> AsyncIterator[None]:
            context = self.execution_context
            request = context.context
            if context.graphql_document is not None and isinstance(request, GraphQLContext):
                estimate = estimate_cost(
                    context.schema._schema,
                    context.graphql_document,
                    variables=context.variables,
                    operation_name=context.operation_name,
                    bounds=await bounds.get(request.db, request.data_version),
                    max_page_size=request.max_page_size,
                )
                error = None if estimate is None else refuse_over_budget(estimate, budget)
                if error is not None:
                    logger.info(
                        "request %s refused: estimated %s fields over %s",
                        request.request_id,
                        estimate,
                        budget,
                    )
                    context.result = GraphQLExecutionResult(data=None, errors=[error])
            yield

    return QueryCost
