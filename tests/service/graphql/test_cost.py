"""The cost model: field resolutions bounded by page sizes and the catalogue's counts."""

from __future__ import annotations

from typing import Any

from graphql import parse

from service.catalogue.bounds import CatalogueBounds
from service.config import Settings
from service.graphql.cost import count_fields, estimate_cost, refuse_many_fields
from service.graphql.schema import build_schema

_SCHEMA = build_schema(Settings(_env_file=None))._schema

_BOUNDS = CatalogueBounds(
    countries=3,
    schools=9,
    schools_per_country=4,
    schools_per_programme=2,
    programmes_per_school=5,
    school_programmes=11,
    offers=20,
    offers_per_school=2,
    tracks_per_offer=2,
    offer_tracks=30,
    home_tracks=2,
    selection_rules=3,
    links=12,
    links_per_owner=6,
    findings=7,
    findings_per_school=1,
)


def _estimate(query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> int | None:
    return estimate_cost(
        _SCHEMA,
        parse(query),
        variables=variables,
        operation_name=kwargs.get("operation_name"),
        bounds=_BOUNDS,
        max_page_size=kwargs.get("max_page_size", 100),
    )


def test_each_list_multiplies_the_fields_below_it_by_its_count() -> None:
    # offers 1 + school 20 + slug 20 + offers 20 + kind 20x2
    assert _estimate("{ offers { school { slug offers { kind } } } }") == 1 + 20 + 20 + 20 + 40


def test_lists_splitting_their_table_hold_at_most_its_rows_under_distinct_parents() -> None:
    # countries 1 + schools 3; 3x4 = 12 schools, but there are 9: name 9 + offers 9;
    # 9x2 = 18 offers of at most 20: kind 18.
    assert _estimate("{ countries { schools { name offers { kind } } } }") == 1 + 3 + 9 + 9 + 18


def test_a_connection_page_bounds_its_nodes_and_edges() -> None:
    query = "{ schools(first: 5) { totalCount nodes { name } edges { node { slug } } } }"
    # schools, totalCount, nodes, edges 1 each; name 5; node 5; slug 5
    assert _estimate(query) == 4 + 5 + 5 + 5


def test_a_page_larger_than_the_maximum_counts_as_the_maximum() -> None:
    assert _estimate("{ schools(first: 1000) { nodes { name } } }", max_page_size=50) == 2 + 50


def test_variables_defaults_fragments_and_aliases_are_those_execution_sees() -> None:
    query = """
      query Page($size: Int!, $more: Boolean = false) {
        schools(first: $size) { nodes { ...Named } }
        again: countries @include(if: $more) { code }
      }
      fragment Named on School { name short: name }
    """
    assert _estimate(query, {"size": 7}) == 2 + 7 * 2
    # @include(if: true) adds the aliased countries (1) and their codes (3).
    assert _estimate(query, {"size": 7, "more": True}) == 2 + 7 * 2 + 1 + 3


def test_the_cycle_through_countries_and_schools_grows_with_each_level() -> None:
    cycle = "{ countries { schools { country { schools { country { schools { name } } } } } } }"
    # countries 1, schools 3, country 9 (shared by its schools: no longer distinct),
    # schools 9, country 9x4, schools 36, name 36x4
    assert _estimate(cycle) == 1 + 3 + 9 + 9 + 36 + 36 + 144


def test_an_operation_that_cannot_run_has_no_estimate() -> None:
    assert _estimate("query Q($size: Int!) { schools(first: $size) { totalCount } }") is None


def test_fields_are_counted_once_per_written_selection() -> None:
    document = parse(
        '{ a: __typename ...F school(slug: "x") { slug } } fragment F on Query { __typename }'
    )
    assert count_fields(document) == 4
    assert refuse_many_fields(document, 4) is None
    error = refuse_many_fields(document, 3)
    assert error is not None
    assert error.message == "The document selects 4 fields; at most 3 are allowed."
    assert error.extensions == {"code": "QUERY_TOO_COMPLEX", "fields": 4, "maxFields": 3}


def test_a_connection_asked_without_a_size_counts_its_default_page() -> None:
    # offersConnection, nodes 1 each; places 20 (the default page, more than the counts' 10)
    assert _estimate("{ offersConnection { nodes { places } } }") == 2 + 20
    assert _estimate("{ offersConnection { nodes { places } } }", max_page_size=5) == 2 + 5


def test_nodes_counts_one_answer_per_id() -> None:
    ids = ", ".join(f'"Offer:{n}"' for n in range(30))
    # nodes 1; id 30
    assert _estimate(f"{{ nodes(ids: [{ids}]) {{ id }} }}") == 1 + 30
    assert _estimate("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["a"]}) == 2
    # Each answer has one type: the dearest type's selection counts, not their sum.
    query = '{ nodes(ids: ["a", "b"]) { ... on School { slug name } ... on Offer { id } } }'
    assert _estimate(query) == 1 + 2 * 2
