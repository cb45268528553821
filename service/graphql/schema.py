"""Builds the schema from the settings: limits, caches, masking, suggestions, introspection.

Everything settings-dependent is built here, once per application, never per request and
never at import time. The SDL does not depend on the settings.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import AddValidationRules, SchemaExtension, ValidationCache
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from service.config import Settings
from service.graphql.cost_extension import CatalogueBoundsCache, CostLimits, build_query_cost
from service.graphql.error_codes import ErrorCodes
from service.graphql.errors import MaskUnexpectedErrors, is_unexpected
from service.graphql.limits import DocumentParser, build_operation_limits_rule
from service.graphql.mutation import Mutation
from service.graphql.query import Query

logger = logging.getLogger("service.graphql")

_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)
VALIDATION_CACHE_SIZE = 512


class CatalogueSchema(strawberry.Schema):
    """The strawberry schema, with the parser and limit rules it was built with."""

    def __init__(
        self,
        *,
        parser: DocumentParser,
        limit_rules: tuple[type[ASTValidationRule], ...],
        hide_suggestions: bool,
        cost: CostLimits,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.parser = parser
        self.limit_rules = limit_rules
        self.hide_suggestions = hide_suggestions
        #: The cost limits the QueryCost extension applies; the compiled read path applies the
        #: same ones (service.graphql.compiler.run), with the same catalogue bounds.
        self.cost = cost

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log unexpected errors with their traceback and request id; trim suggestions."""
        request_id = getattr(getattr(execution_context, "context", None), "request_id", None)
        for error in errors:
            if is_unexpected(error):
                logger.error(
                    "unexpected error in request %s at %s: %s",
                    request_id,
                    ".".join(map(str, error.path or [])) or "(no path)",
                    error.message,
                    exc_info=error.original_error,
                )
            elif self.hide_suggestions:
                # Validation and coercion messages end with "Did you mean …?" hints about the
                # schema; in production they would let anyone map hidden fields and values.
                error.message = _SUGGESTION.sub("", error.message)


def _cached_parse(parser: DocumentParser) -> type[SchemaExtension]:
    class CachedParse(SchemaExtension):
        """Parse through the shared, token-limited cache (the HTTP layer parsed first)."""

        def on_parse(self) -> Iterator[None]:
            context = self.execution_context
            if context.graphql_document is None and context.query:
                context.graphql_document = parser.parse(context.query)
            yield

    return CachedParse


class _CachedValidation(ValidationCache):
    """strawberry's validation cache, skipped when an earlier check already refused the document.

    (strawberry's own would validate anyway: the field limit exists to avoid exactly that.)
    """

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()


def build_schema(settings: Settings) -> CatalogueSchema:
    """The schema with the limits, caches and switches the settings ask for."""
    parser = DocumentParser(max_tokens=settings.graphql.max_tokens)
    rules: tuple[type[ASTValidationRule], ...] = (
        build_operation_limits_rule(
            max_depth=settings.graphql.max_depth, max_aliases=settings.graphql.max_aliases
        ),
    )
    if not settings.introspection_enabled:
        rules = (*rules, NoSchemaIntrospectionCustomRule)
    production = settings.environment == "production"
    cost = CostLimits(
        max_fields=settings.graphql.max_fields,
        budget=settings.graphql.cost_budget,
        bounds=CatalogueBoundsCache(),
    )
    query_cost = build_query_cost(
        max_fields=cost.max_fields, budget=cost.budget, bounds=cost.bounds
    )
    return CatalogueSchema(
        query=Query,
        mutation=Mutation,
        parser=parser,
        limit_rules=rules,
        hide_suggestions=production,
        cost=cost,
        config=StrawberryConfig(disable_field_suggestions=production),
        # Classes or factories, built per request; the rule classes inside are built above,
        # once, so that the validation cache (keyed by rule classes) keeps hitting.
        extensions=[
            _cached_parse(parser),
            # Before the validation extensions: its checks run after theirs, on their errors.
            ErrorCodes,
            query_cost,
            lambda: AddValidationRules(list(rules)),
            lambda: _CachedValidation(maxsize=VALIDATION_CACHE_SIZE),
            MaskUnexpectedErrors,
        ],
    )
