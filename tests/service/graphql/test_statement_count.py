"""No N+1, by construction: a query's SQL statement count depends on its shape only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from service.graphql import prefetch
from tests.catalogues import build_synthetic_catalogue
from tests.service.graphql.conftest import Execute, data_of

#: The issue's acceptance query: the whole catalogue, nested down to the offers' tracks.
NESTED_TREE = """
{ countries { code name schools { name programmes { name offers {
    kind places academicYear homeTracks { code } } } } } }
"""
#: data version; countries; schools by country; programmes by school; offers by programme;
#: home tracks by offer.
NESTED_TREE_STATEMENTS = 6

#: Every relation of every catalogue type at once.
EVERY_RELATION = """
{
  countries {
    code name(lang: EN)
    schools {
      slug name city
      parent { slug name }
      country { code }
      links { url role }
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
#: data version; countries; schools by country; then per level: parents (schools by id),
#: countries by code, links, programmes by school, offers by school; schools by programme,
#: offers by programme, schools by id (offer.school), programmes by id (offer.programme);
#: home tracks by offer; selection rules.
EVERY_RELATION_STATEMENTS = 14


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


@pytest.mark.parametrize("size", [16, 1_000, 10_000])
async def test_the_nested_tree_costs_the_same_statements_at_every_size(
    session: AsyncSession, execute: Execute, size: int
) -> None:
    catalogue = await build_synthetic_catalogue(session, size)
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


@pytest.mark.parametrize("size", [16, 300])
async def test_every_relation_costs_the_same_statements_at_every_size(
    session: AsyncSession, execute: Execute, size: int
) -> None:
    catalogue = await build_synthetic_catalogue(session, size)
    with counting_statements(session) as statements:
        data = await data_of(execute, EVERY_RELATION)
    schools = [school for country in data["countries"] for school in country["schools"]]
    assert sum(len(school["offers"]) for school in schools) == catalogue.offers
    assert sum(school["parent"] is not None for school in schools) == catalogue.parents
    assert len(statements) == EVERY_RELATION_STATEMENTS, statements


async def test_every_relation_is_prefetched_by_the_root_resolver(
    session: AsyncSession, execute: Execute, monkeypatch: pytest.MonkeyPatch
) -> None:
    await build_synthetic_catalogue(session, 16)

    def refuse(*_args: object) -> None:
        raise AssertionError("a relation was loaded one object at a time")

    monkeypatch.setattr(prefetch, "_load_one", refuse)
    data = await data_of(execute, EVERY_RELATION)
    assert len(data["countries"]) == 16
