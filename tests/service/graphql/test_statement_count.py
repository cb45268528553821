"""No N+1, by construction: a query's SQL statement count depends on its shape only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from tests.catalogues import build_synthetic_catalogue
from tests.service.graphql.conftest import Execute, data_of
from tests.sync_results import add_synthetic_sync_results

#: The issue's acceptance query: the whole catalogue, nested down to the offers' tracks.
NESTED_TREE = """
{ countries { code name schools { name programmes { name offers {
    kind places academicYear homeTracks { code } } } } } }
"""
#: data version; the compiled statement of `countries` (service.graphql.compiler).
NESTED_TREE_STATEMENTS = 2

#: What the syncs add to the tree: link health and history, school info, findings.
SYNCED_TREE = """
{ countries { schools {
    links { health { status } checks(last: 1) { run { startedAt } } }
    info { name { source } deadlines { source } languageRequirements { stale } }
    findings { kind } } } }
"""
#: data version; the compiled statement of `countries` (`LinkCheck.run` included, decision 0115).
SYNCED_TREE_STATEMENTS = 2

#: Every relation of every catalogue type at once.
EVERY_RELATION = """
{
  countries {
    code name(lang: EN)
    schools {
      slug name city
      parent { slug name }
      country { code }
      links { url role health { status } checks { status run { status } } }
      info { deadlines { date } }
      findings { kind school { slug } }
      dead: findings(kinds: "dead_link", includeResolved: true) { kind }
      programmes {
        key name
        schools { slug }
        offers { kind places academicYear homeTracks { code selectionRule { semesters } } }
      }
      offers { kind places school { slug } programme { key } }
    }
  }
}
"""
#: data version; the compiled statement of `countries` (every relation below it included).
EVERY_RELATION_STATEMENTS = 2


@contextmanager
def counting_statements(session: AsyncSession) -> Iterator[list[str]]:
    """The SQL statements ``session``'s connection runs inside the block."""
    statements: list[str] = []
    connection = session.sync_session.connection()

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", count)


# The 1,000 point proves "shape, not size"; bench/statement_count.py runs the 10,000 point.
@pytest.mark.parametrize("size", [16, 1_000])
async def test_the_nested_tree_costs_the_same_statements_at_every_size(
    session: AsyncSession, execute: Execute, size: int
) -> None:
    await check_tree_statements(session, execute, size)


async def check_tree_statements(session: AsyncSession, execute: Execute, size: int) -> None:
    """The nested and the synced trees of a synthetic catalogue of ``size`` schools, counted."""
    catalogue = await build_synthetic_catalogue(session, size)
    results = await add_synthetic_sync_results(session, size)
    # The first operation at a data version also reads the catalogue's bounds (cost model).
    await data_of(execute, "{ __typename }")
    with counting_statements(session) as statements:
        data = await data_of(execute, NESTED_TREE)
    schools = [school for country in data["countries"] for school in country["schools"]]
    offers = [
        offer
        for school in schools
        for programme in school["programmes"]
        for offer in programme["offers"]
    ]
    assert len(schools) == catalogue.schools
    assert len(offers) == catalogue.offers
    assert len(statements) == NESTED_TREE_STATEMENTS, statements

    with counting_statements(session) as statements:
        data = await data_of(execute, SYNCED_TREE)
    schools = [school for country in data["countries"] for school in country["schools"]]
    links = [link for school in schools for link in school["links"]]
    info = [school["info"] for school in schools]
    deadlines = [deadline for values in info for deadline in values["deadlines"]]
    requirements = [value for values in info for value in values["languageRequirements"]]
    assert len(schools) == catalogue.schools
    assert sum(link["health"] is not None for link in links) == results.healthy_links
    # Two runs checked every link; the latest check of each comes from the second.
    assert {check["run"]["startedAt"] for link in links for check in link["checks"]} == {
        "2026-03-09T04:00:00+00:00"
    }
    assert sum(len(link["checks"]) for link in links) == len(links)
    assert sum(deadline["source"] == "OVERRIDE" for deadline in deadlines) == results.overrides
    assert sum(requirement["stale"] for requirement in requirements) == results.stale_facts
    assert sum(len(school["findings"]) for school in schools) == results.findings
    assert len(statements) == SYNCED_TREE_STATEMENTS, statements


@pytest.mark.parametrize("size", [16, 300])
async def test_every_relation_costs_the_same_statements_at_every_size(
    session: AsyncSession, execute: Execute, size: int
) -> None:
    catalogue = await build_synthetic_catalogue(session, size)
    await add_synthetic_sync_results(session, size)
    await data_of(execute, "{ __typename }")  # reads the catalogue's bounds (cost model)
    with counting_statements(session) as statements:
        data = await data_of(execute, EVERY_RELATION)
    schools = [school for country in data["countries"] for school in country["schools"]]
    assert sum(len(school["offers"]) for school in schools) == catalogue.offers
    assert sum(school["parent"] is not None for school in schools) == catalogue.parents
    assert len(statements) == EVERY_RELATION_STATEMENTS, statements


#: Root connections and nodes the compiler answers: one statement each, whatever the rows.
COMPILED_ROOTS = """query Roots($ids: [ID!]!) {
  byDeadline: offersConnection(orderBy: DEADLINE, first: 100) {
    totalCount edges { cursor node { id places school { slug } } }
    pageInfo { hasNextPage endCursor } }
  findingsConnection(first: 100) { totalCount nodes { kind school { slug } } }
  syncRunsConnection(first: 100) { totalCount nodes { number counts { count } } }
  schools(first: 100) { nodes { links { checksConnection(first: 2) { totalCount
    edges { cursor node { status run { number } } } pageInfo { hasNextPage endCursor } } } } }
  nodes(ids: $ids) { id ... on Offer { places programme { id offers { id } } } } }
"""
#: data version; offersConnection; findingsConnection; syncRunsConnection; schools; nodes.
COMPILED_ROOTS_STATEMENTS = 6


@pytest.mark.parametrize("size", [16, 300])
async def test_compiled_connections_and_nodes_cost_one_statement_each(
    session: AsyncSession, execute: Execute, size: int
) -> None:
    await build_synthetic_catalogue(session, size)
    await add_synthetic_sync_results(session, size)
    await data_of(execute, "{ __typename }")
    first = await data_of(execute, "{ offersConnection(first: 100) { nodes { id } } }")
    ids = [node["id"] for node in first["offersConnection"]["nodes"]]
    with counting_statements(session) as statements:
        data = await data_of(execute, COMPILED_ROOTS, {"ids": ids})
    assert [node["id"] for node in data["nodes"]] == ids
    assert len(data["byDeadline"]["edges"]) == min(100, data["byDeadline"]["totalCount"])
    assert len(statements) == COMPILED_ROOTS_STATEMENTS, statements
