# ruff: noqa: E501  (GraphQL documents read best on one line each)
"""The compiled read path answers exactly what the resolvers answer, in one statement per root.

Differential: each document runs through the compiler and through the resolvers on the same
session, and the data must be equal; random selections over the catalogue types (seeded, so
a failure replays) add fragments, aliases, arguments and ``@skip``/``@include``.
"""

from __future__ import annotations

import random
from typing import Any

import orjson
import pytest
from graphql.execution.values import get_variable_values
from sqlalchemy.ext.asyncio import AsyncSession

from service.config import Settings
from service.db.serialized import SerializedSession
from service.graphql.compiler import ReadCompiler
from service.graphql.compiler import run as run_module
from service.graphql.schema import build_schema
from tests.catalogues import build_synthetic_catalogue
from tests.sample_catalogue import build_sample_catalogue
from tests.service.graphql.conftest import MAX_PAGE_SIZE, Execute
from tests.service.graphql.test_statement_count import counting_statements

COUNTRY_PAGE = """
query Page($code: String!, $first: Int = 20) {
  country(code: $code) { code name(lang: EN)
    schools { slug name shortName city website isPartner retiredAt
      country { code } parent { slug name }
      programmes { key name url retiredAt
        offers { kind places academicYear retiredAt homeTracks { code name } }
        schools { slug } }
      offers(includeRetired: true) { kind places school { slug } programme { key offers { places } } } } }
  schools(first: $first, filter: { countryCodes: [$code] }) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }
    edges { cursor node { slug name } } nodes { slug __typename } }
}
"""

DIRECTIVES = """query Q($b: Boolean!) { schools { nodes { slug name @include(if: $b) } }
  offersConnection(first: 2) { totalCount @include(if: $b) nodes { id school @skip(if: $b) { slug } } }
  node(id: "School:phelma") { id ... on School @include(if: $b) { slug } } }"""
DOCUMENTS: list[tuple[str, dict[str, Any] | None]] = [
    (COUNTRY_PAGE, {"code": "FR"}),
    (COUNTRY_PAGE, {"code": "fi", "first": 1}),
    # @include/@skip reading variables (once answered "Unexpected error" on the resolvers).
    *((DIRECTIVES, {"b": value}) for value in (True, False)),
    ("{ countries { code name schools { name } } }", None),
    ('{ countries(filter: { codes: ["fi", "ca"] }) { code } }', None),
    ("{ countries(filter: { withPartners: true }) { code } }", None),
    ('{ country(code: "ZZ") { code } }', None),
    ('{ school(slug: "phelma") { slug parent { slug parent { slug } } country { name } } }', None),
    ('{ school(slug: "nowhere") { slug } }', None),
    (
        "{ schools(first: 0) { totalCount pageInfo { hasNextPage endCursor } edges { cursor } } }",
        None,
    ),
    ("{ schools(first: 2) { edges { cursor node { slug } } pageInfo { hasNextPage } } }", None),
    (
        "{ schools(filter: { partnersOnly: false, includeRetired: true }) { nodes { slug isPartner } totalCount } }",
        None,
    ),
    ('{ schools(filter: { homeTrack: "isem" }) { nodes { slug } totalCount } }', None),
    ("{ schools(filter: { offerKinds: [DOUBLE_DEGREE] }) { nodes { slug } } }", None),
    (
        "{ offers { kind places academicYear school { slug } programme { key } homeTracks { code } } }",
        None,
    ),
    ("{ offers(filter: { kinds: [EXCHANGE], hasPlaces: true }) { places } }", None),
    ("{ offers(filter: { hasPlaces: false, includeRetired: true }) { places retiredAt } }", None),
    (
        '{ offers(filter: { countryCode: "fr", homeTrack: "IEL", academicYear: "2019/2020" }) { kind } }',
        None,
    ),
    (
        "{ homeTracks { code name selectionRule { semesters criteria sourceText homeTrack { code } } } }",
        None,
    ),
    (
        '{ selectionRules { semesters criteria homeTrack { code } } isem: selectionRules(homeTrack: " isem ") { semesters } }',
        None,
    ),
    # Conditions read from variables, on both paths (the resolvers' prefetch reads them too).
    (
        "query Q($on: Boolean!) { countries { code schools @include(if: $on) { slug } name @skip(if: $on) } }",
        {"on": True},
    ),
    (
        "query Q($on: Boolean!) { countries { code schools @include(if: $on) { slug } name @skip(if: $on) } }",
        {"on": False},
    ),
    (
        """query Q { a: countries { ...C } b: countries { code @skip(if: true) name } }
        fragment C on Country { code ... on Country { n: name } schools { ...S } }
        fragment S on School { slug __typename }""",
        None,
    ),
]


async def _compiled(
    compiler: ReadCompiler,
    session: AsyncSession,
    query: str,
    variables: dict[str, Any] | None,
) -> Any:
    """The compiled path's answer to ``query`` as JSON values; None when it does not compile."""
    data = await compiler.execute(
        SerializedSession(session),
        query,
        variables,
        None,
        max_page_size=MAX_PAGE_SIZE,
        data_version=0,
    )
    return None if data is None else orjson.loads(orjson.dumps(data))


async def _both(
    session: AsyncSession,
    compiler: ReadCompiler,
    resolve: Execute,
    query: str,
    variables: dict[str, Any] | None,
) -> tuple[Any, Any]:
    compiled = await _compiled(compiler, session, query, variables)
    assert compiled is not None, query
    resolved = await resolve(query, variables)
    assert resolved.errors is None, resolved.errors
    return compiled, resolved.data


@pytest.mark.parametrize(("query", "variables"), DOCUMENTS)
async def test_compiled_answers_equal_the_resolvers(
    session: AsyncSession,
    compiler: ReadCompiler,
    resolve: Execute,
    query: str,
    variables: dict[str, Any] | None,
) -> None:
    await build_sample_catalogue(session)
    compiled, resolved = await _both(session, compiler, resolve, query, variables)
    assert compiled == resolved


async def test_the_country_page_is_one_statement_per_root_field(session: AsyncSession) -> None:
    await build_synthetic_catalogue(session, 1_000)
    # A compiler of its own: its cost check's catalogue bounds are read once, at the warm-up.
    compiler = ReadCompiler(build_schema(Settings(_env_file=None, graphql_cost_budget=10**8)))
    await compiler.execute(
        SerializedSession(session),
        COUNTRY_PAGE,
        {"code": "FI"},
        None,
        max_page_size=100,
        data_version=0,
    )
    with counting_statements(session) as statements:
        data = await compiler.execute(
            SerializedSession(session),
            COUNTRY_PAGE,
            {"code": "FI"},
            None,
            max_page_size=100,
            data_version=0,
        )
    assert data is not None
    assert len(statements) == 2
    # Variables are bound parameters: the statements' text is the same for another country.
    with counting_statements(session) as again:
        await compiler.execute(
            SerializedSession(session),
            COUNTRY_PAGE,
            {"code": "CA"},
            None,
            max_page_size=100,
            data_version=0,
        )
    assert again == statements


async def test_fields_it_does_not_know_go_through_the_resolvers(
    session: AsyncSession, compiler: ReadCompiler
) -> None:
    db = SerializedSession(session)
    for query in (
        "{ countries { schools { links { checks { run { stats { requests } } } } } } }",
        '{ search(text: "aalto") { kind } }',
        "mutation { __typename }",
        "{ __schema { queryType { name } } }",
        '{ __type(name: "School") { name } countries { code } }',
        "{ countries { code } syncRuns { number } }",
        "{ countries { population } }",
        "{ schools(first: 100000) { totalCount } }",
        '{ schools(after: "not a cursor") { totalCount } }',
    ):
        assert (
            await compiler.execute(db, query, None, None, max_page_size=100, data_version=0) is None
        ), query


#: (field, subselection builder or None for a leaf) per type, for random selections.
_LEAVES = {
    "Country": ["code", "name", "__typename"],
    "School": ["slug", "name", "shortName", "city", "website", "isPartner", "retiredAt"],
    "Programme": ["key", "name", "url", "retiredAt"],
    "Offer": ["kind", "places", "academicYear", "retiredAt"],
    "HomeTrack": ["code", "name"],
    "SelectionRule": ["semesters", "criteria", "sourceText"],
}
_RELATIONS = {
    "Country": [("schools", "School")],
    "School": [
        ("country", "Country"),
        ("parent", "School"),
        ("programmes", "Programme"),
        ("offers", "Offer"),
        ("offers(includeRetired: true)", "Offer"),
    ],
    "Programme": [("schools", "School"), ("offers", "Offer")],
    "Offer": [("school", "School"), ("programme", "Programme"), ("homeTracks", "HomeTrack")],
    "HomeTrack": [("selectionRule", "SelectionRule")],
    "SelectionRule": [("homeTrack", "HomeTrack")],
}
_ROOTS = [
    ("countries", "Country"),
    ('country(code: "fr")', "Country"),
    ('school(slug: "phelma")', "School"),
    ("offers", "Offer"),
    ("homeTracks", "HomeTrack"),
    ("selectionRules", "SelectionRule"),
]


def _selection(rng: random.Random, type_name: str, depth: int, aliases: list[int]) -> str:
    parts = rng.sample(_LEAVES[type_name], k=rng.randint(1, min(3, len(_LEAVES[type_name]))))
    parts = [f"a{_next(aliases)}: {part}" if rng.random() < 0.2 else part for part in parts]
    if depth > 0:
        for field, target in rng.sample(
            _RELATIONS[type_name], k=rng.randint(0, min(2, len(_RELATIONS[type_name])))
        ):
            inner = _selection(rng, target, depth - 1, aliases)
            alias = f"r{_next(aliases)}: " if rng.random() < 0.3 else ""
            if rng.random() < 0.2:
                inner = f"... on {target} {{ {inner} }}"
            parts.append(f"{alias}{field} {{ {inner} }}")
    return " ".join(parts)


def _next(counter: list[int]) -> int:
    counter[0] += 1
    return counter[0]


@pytest.mark.parametrize("seed", range(12))
async def test_random_selections_answer_like_the_resolvers(
    session: AsyncSession, compiler: ReadCompiler, resolve: Execute, seed: int
) -> None:
    await build_sample_catalogue(session)
    rng = random.Random(seed)
    aliases = [0]
    roots = []
    for root, type_name in rng.sample(_ROOTS, k=rng.randint(1, 3)):
        roots.append(f"x{_next(aliases)}: {root} {{ {_selection(rng, type_name, 3, aliases)} }}")
    query = "{ " + " ".join(roots) + " }"
    compiled = await _compiled(compiler, session, query, None)
    resolved = await resolve(query)
    assert resolved.errors is None, resolved.errors
    # Every such selection compiles, on SQLite too: its deep levels are CTEs (decision 0190).
    assert compiled is not None, query
    assert compiled == resolved.data, query


async def test_each_order_and_direction_of_schools_has_its_own_plan(
    session: AsyncSession, compiler: ReadCompiler, resolve: Execute
) -> None:
    await build_sample_catalogue(session)
    query = """query Q($order: SchoolOrder!, $last: Int) {
      schools(orderBy: $order, last: $last, filter: { partnersOnly: false }) {
        nodes { slug } pageInfo { hasNextPage hasPreviousPage } } }"""

    async def compiled(variables: dict[str, Any]) -> Any:
        return await _compiled(compiler, session, query, variables)

    by_name = await compiled({"order": "NAME"})
    assert [node["slug"] for node in by_name["schools"]["nodes"]] == [
        "aalto-university",
        "ense3",
        "ensimag",
        "grenoble-inp",
        "phelma",
        "telecom-saint-etienne",
        "universite-de-sherbrooke",
    ]
    assert by_name == (await resolve(query, {"order": "NAME"})).data
    # A plan's ORDER BY is fixed: another order or direction is a shape of the arguments with
    # its own plan and statement (decision 0150), answered as the resolvers answer it.
    for variables in ({"order": "SLUG"}, {"order": "NAME", "last": 2}):
        answer = await compiled(variables)
        assert answer is not None, variables
        assert answer == (await resolve(query, variables)).data, variables
    assert await compiled({"order": "NAME"}) == by_name


async def test_the_cost_decision_is_kept_per_page_size_and_data_version(
    session: AsyncSession,
) -> None:
    await build_sample_catalogue(session)
    # The estimate is 2 + 3 x first (schools, nodes; each node's slug, country, code), so a
    # budget of 17 lets `first: 5` (17) through and refuses `first: 6` (20).
    compiler = ReadCompiler(build_schema(Settings(_env_file=None, graphql_cost_budget=17)))
    query = "query Q($n: Int) { schools(first: $n) { nodes { slug country { code } } } }"

    async def run(n: int, version: int = 0) -> Any:
        return await compiler.execute(
            SerializedSession(session),
            query,
            {"n": n},
            None,
            max_page_size=MAX_PAGE_SIZE,
            data_version=version,
        )

    allowed = await run(5)
    assert allowed is not None
    answer = orjson.loads(orjson.dumps(allowed))
    assert len(answer["schools"]["nodes"]) == 5
    # Same document, another page size: estimated again, and over the budget (None: the
    # resolvers' path answers QUERY_TOO_COMPLEX).
    assert await run(6) is None
    assert orjson.loads(orjson.dumps(await run(5))) == answer
    assert await run(6, version=1) is None


async def test_a_repeated_request_is_read_once_and_values_are_never_confused(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_sample_catalogue(session)
    compiler = ReadCompiler(build_schema(Settings(_env_file=None, graphql_cost_budget=10**8)))
    query = "query Q($n: Int) { schools(first: $n) { nodes { slug } } }"
    coercions: list[Any] = []
    coerce = get_variable_values

    def counted(*args: Any) -> Any:
        coercions.append(args[-1])
        return coerce(*args)

    monkeypatch.setattr(run_module, "get_variable_values", counted)

    async def run(variables: dict[str, Any]) -> Any:
        return await _compiled(compiler, session, query, variables)

    one = await run({"n": 1})
    assert one is not None
    assert len(one["schools"]["nodes"]) == 1
    assert await run({"n": 1}) == one
    assert coercions == [{"n": 1}]  # the repeat was neither coerced nor bound again
    # Equal as Python values (1 == True), not as JSON: `true` is no Int, and the resolvers say so.
    assert await run({"n": True}) is None
    two = await run({"n": 2})
    assert two is not None
    assert len(two["schools"]["nodes"]) == 2
    assert len(coercions) == 3
