"""Document limits: depth, aliases, tokens, introspection, suggestions, and the caches."""

from __future__ import annotations

from typing import Any

import graphql
import pytest
from graphql import ValidationRule, get_introspection_query

from service.config import Settings
from service.graphql import limits
from service.graphql.schema import CatalogueSchema, build_schema


def _schema(**settings: Any) -> CatalogueSchema:
    return build_schema(Settings(_env_file=None, **settings))


async def _errors(schema: CatalogueSchema, query: str) -> list[str]:
    result = await schema.execute(query)
    return [error.message for error in result.errors or []]


def _nested(depth: int) -> str:
    """``{ school(slug: "x") { parent { parent { … slug } } } }`` with ``depth`` fields in a row."""
    return '{ school(slug: "x") { ' + "parent { " * (depth - 2) + "slug" + " }" * (depth - 1) + " }"


async def test_operations_deeper_than_the_limit_are_refused() -> None:
    schema = _schema(graphql_max_depth=5)
    assert await _errors(schema, "{ __typename }") == []
    # Depth 5 is allowed; it fails later only because there is no database here.
    assert "nests fields" not in " ".join(await _errors(schema, _nested(5)))
    assert await _errors(schema, _nested(6)) == [
        "The operation nests fields 6 deep; at most 5 are allowed."
    ]
    named = "query Deep " + _nested(7)
    assert await _errors(schema, named) == ["'Deep' nests fields 7 deep; at most 5 are allowed."]


async def test_depth_counts_through_fragments() -> None:
    schema = _schema(graphql_max_depth=4)
    query = """
      { school(slug: "x") { ...Up } }
      fragment Up on School { parent { ... on School { parent { ...Leaf } } } }
      fragment Leaf on School { parent { slug } }
    """
    assert await _errors(schema, query) == [
        "The operation nests fields 5 deep; at most 4 are allowed."
    ]


async def test_aliases_beyond_the_limit_are_refused_also_through_fragments() -> None:
    schema = _schema(graphql_max_aliases=3)
    three = "{ a: __typename b: __typename c: __typename }"
    assert await _errors(schema, three) == []
    spread_twice = "{ ...F ...F } fragment F on Query { a: __typename b: __typename }"
    assert await _errors(schema, spread_twice) == ["The document has more than 3 aliases."]


async def test_fragments_spreading_each_other_are_measured_once_each() -> None:
    # 40 levels of "spread the next fragment twice": 2^40 paths. Walking every path (as
    # strawberry's limiters do) would not finish; measuring each fragment once does.
    levels = 40
    fragments = "\n".join(
        f"fragment F{n} on School {{ parent {{ ...F{n + 1} ...F{n + 1} }} }}" for n in range(levels)
    )
    query = (
        '{ school(slug: "x") { ...F0 } }\n'
        + fragments
        + f"\nfragment F{levels} on School {{ a: slug }}"
    )
    schema = _schema(graphql_max_depth=100)
    assert await _errors(schema, query) == ["The document has more than 30 aliases."]


async def test_circular_fragments_are_refused_without_looping() -> None:
    query = """
      { school(slug: "x") { ...A } }
      fragment A on School { parent { ...B } }
      fragment B on School { parent { ...A } }
    """
    errors = await _errors(_schema(), query)
    assert "Cannot spread fragment 'A' within itself via 'B'." in errors


async def test_documents_over_the_token_limit_are_not_parsed() -> None:
    schema = _schema(graphql_max_tokens=100)
    assert await _errors(schema, "{ " + "__typename " * 98 + "}") == []
    assert await _errors(schema, "{ " + "__typename " * 99 + "}") == [
        "Syntax Error: Document contains more than 100 tokens. Parsing aborted."
    ]
    comments = "{ __typename }\n" + "# a comment\n" * 101
    assert await _errors(schema, comments) == [
        "Syntax Error: Document contains more than 100 comments. Parsing aborted."
    ]


async def test_the_standard_introspection_query_passes_the_default_limits() -> None:
    schema = _schema()
    result = await schema.execute(get_introspection_query(descriptions=True))
    assert result.errors is None
    assert result.data is not None
    assert result.data["__schema"]["queryType"]["name"] == "Query"


async def test_introspection_can_be_switched_off() -> None:
    query = "{ __schema { queryType { name } } }"
    assert await _errors(_schema(introspection_enabled=True), query) == []
    assert await _errors(_schema(introspection_enabled=False), query) == [
        "GraphQL introspection has been disabled, but the requested query contained the field"
        f" '{field}'."
        for field in ("__schema", "queryType")
    ]
    assert await _errors(_schema(introspection_enabled=False), "{ __typename }") == []


@pytest.mark.parametrize(
    ("query", "development", "production"),
    [
        (
            "{ schol }",
            "Cannot query field 'schol' on type 'Query'. Did you mean 'school' or 'schools'?",
            "Cannot query field 'schol' on type 'Query'.",
        ),
        (
            '{ countries(fliter: {codes: ["FR"]}) { code } }',
            "Unknown argument 'fliter' on field 'Query.countries'. Did you mean 'filter'?",
            "Unknown argument 'fliter' on field 'Query.countries'.",
        ),
    ],
)
async def test_suggestions_are_given_in_development_only(
    query: str, development: str, production: str
) -> None:
    assert await _errors(_schema(environment="development"), query) == [development]
    assert await _errors(_schema(environment="production"), query) == [production]


async def test_validation_results_are_cached_with_the_limits_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema = _schema()
    [rule] = [rule for rule in schema.limit_rules if rule.__name__ == "OperationLimitsRule"]
    validations: list[str] = []

    def counting_init(self: ValidationRule, context: Any) -> None:
        validations.append(context.document.loc.source.body)
        ValidationRule.__init__(self, context)

    monkeypatch.setattr(rule, "__init__", counting_init)
    for _ in range(3):
        assert await _errors(schema, "{ a: __typename }") == []
    assert await _errors(schema, "{ b: __typename }") == []
    assert validations == ["{ a: __typename }", "{ b: __typename }"]


async def test_a_document_is_parsed_once_with_the_limits_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    schema = _schema()
    parsed: list[str] = []

    def counting_parse(source: str, **options: Any) -> Any:
        parsed.append(source)
        return graphql.parse(source, **options)

    monkeypatch.setattr(limits, "parse", counting_parse)
    for _ in range(3):
        assert await _errors(schema, "{ c: __typename }") == []
    # The HTTP layer's own parse (to check the operation type) hits the same cache.
    schema.parser.parse("{ c: __typename }")
    assert parsed == ["{ c: __typename }"]
