"""The compiled list statements filter through the served country's index on both backends.

SQLite materialized the served-schools CTE of a page read twice (its rows and ``totalCount``),
every school's served row before any filter, probed a correlated ``EXISTS`` for every offer,
and walked the slug index through every school for one country's; the plans below are the
ones a 1,000-school catalogue gets after ``ANALYZE``, as an import leaves it (decision 0370).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from service.config import Settings
from service.db.serialized import SerializedSession
from service.db.statistics import IMPORTED_TABLES, analyze_tables
from service.graphql.compiler import ReadCompiler
from service.graphql.schema import build_schema
from tests.catalogues import build_synthetic_catalogue

#: bench.api_bench's cold country page (what docs/benchmarks.md measures beside PostGraphile).
COUNTRY_PAGE = """query CountryPage($codes: [String!]) {
  schools(filter: {countryCodes: $codes}, first: 20) { totalCount nodes { slug name city
    programmes { name offers { kind places academicYear homeTracks { code } } } } } }"""
OFFERS_PAGE = """query Offers($code: String) {
  offersConnection(first: 20, filter: {countryCode: $code}) { totalCount nodes {
    kind places school { slug name } } } }"""
#: bench.cold_reads's unfiltered offer pages, in both orders an index keeps.
FIRST_OFFERS = """query FirstOffers($order: OfferOrder!) {
  offersConnection(first: 20, orderBy: $order) { totalCount nodes {
    kind places school { slug name } } } }"""
ORDER_INDEXES = {
    "ACADEMIC_YEAR": "ix_offer_academic_year_id_retired_at_school_id",
    "PLACES": "ix_offer_places_id_retired_at_school_id",
}
COUNTRY_ROOT = """query Country($code: String!) {
  country(code: $code) { code schools { slug name programmes { name } } } }"""
LISTING_INDEX = "ix_school_served_country_code_is_partner_retired_at"


@contextmanager
def _statements(session: AsyncSession) -> Iterator[list[tuple[str, Any]]]:
    """The statements (with their parameters) ``session``'s connection runs in the block."""
    seen: list[tuple[str, Any]] = []
    connection = session.sync_session.connection()

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


async def _compiled_statement(
    session: AsyncSession, query: str, variables: dict[str, Any]
) -> tuple[str, Any]:
    """The one statement the compiled path sends for ``query`` (after its cost is estimated)."""
    compiler = ReadCompiler(build_schema(Settings(_env_file=None, graphql_cost_budget=10**8)))
    db = SerializedSession(session)

    async def run() -> None:
        data = await compiler.execute(db, query, variables, None, max_page_size=100, data_version=0)
        assert data is not None, "not compiled"

    await run()
    with _statements(session) as seen:
        await run()
    assert len(seen) == 1, seen
    return seen[0]


async def _plan(session: AsyncSession, statement: str, parameters: Any) -> list[str]:
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        # At 1,000 schools a sequential scan is PostgreSQL's honest choice for some of the
        # page; only a plan that can use the index survives this (as at 10,000 it is chosen).
        await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        # asyncpg's $n placeholders, sent as the driver sends the statement itself.
        rows = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return [row[0] for row in rows]
    rows = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    return [row[-1] for row in rows]


def _full_scans(plan: list[str]) -> list[str]:
    """Lines that read a whole table of the page: schools (their served list materialized, or
    scanned) or, for the offers page, offers (``sc`` is the alias of what ``totalCount``
    counts). SQLite may still walk the slug index for a page's first rows (it stops at 20)."""
    return [
        line
        for line in plan
        if "MATERIALIZE served_school" in line
        or line in ("SCAN school", "SCAN sc", "SCAN os")
        or re.search(r"Seq Scan on (school|offer)\b", line)
    ]


@pytest.mark.parametrize(
    ("query", "variables"), [(COUNTRY_PAGE, {"codes": ["FI"]}), (OFFERS_PAGE, {"code": "FI"})]
)
async def test_a_countrys_page_reads_its_schools_from_the_index(
    session: AsyncSession, query: str, variables: dict[str, Any]
) -> None:
    await build_synthetic_catalogue(session, 1_000)
    await analyze_tables(session, IMPORTED_TABLES)
    statement, parameters = await _compiled_statement(session, query, variables)
    plan = await _plan(session, statement, parameters)
    assert any(LISTING_INDEX in line for line in plan), "\n".join(plan)
    assert _full_scans(plan) == [], "\n".join(plan)


async def test_one_countrys_schools_are_searched_not_walked_on_sqlite(
    session: AsyncSession,
) -> None:
    if session.get_bind().dialect.name == "postgresql":
        pytest.skip("PostgreSQL reads the served country_code there (relations._country_schools)")
    await build_synthetic_catalogue(session, 1_000)
    await analyze_tables(session, IMPORTED_TABLES)
    statement, parameters = await _compiled_statement(session, COUNTRY_ROOT, {"code": "FI"})
    plan = await _plan(session, statement, parameters)
    # Walking the slug index in order read every school to keep one country's.
    assert not any("sqlite_autoindex_school_1" in line for line in plan), "\n".join(plan)
    assert any(LISTING_INDEX in line for line in plan), "\n".join(plan)


async def _sqlite_plan_tree(
    session: AsyncSession, statement: str, parameters: Any
) -> list[tuple[str, str]]:
    """SQLite's plan as (detail, detail of its parent) pairs."""
    connection = await session.connection()
    result = await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
    # (id, parent, unused, detail) a line.
    rows: list[tuple[int, int, int, str]] = [tuple(row) for row in result]
    details = {row[0]: row[3] for row in rows}
    return [(row[3], details.get(row[1], "")) for row in rows]


@pytest.mark.parametrize("order", sorted(ORDER_INDEXES))
async def test_the_first_offers_walk_an_index_in_their_order(
    session: AsyncSession, order: str
) -> None:
    """Unfiltered, the page walks the index of its order (no sort) and stops at its 20th
    offer, the count reads an offer index alone (less the offers of retired schools), and
    the school condition reads the retired schools only. Before, every current school's id
    was listed, every current offer read through them and sorted for 20, and counted
    reading each row (decision 0410)."""
    await build_synthetic_catalogue(session, 1_000)
    await analyze_tables(session, IMPORTED_TABLES)
    statement, parameters = await _compiled_statement(session, FIRST_OFFERS, {"order": order})
    plan = await _plan(session, statement, parameters)
    text = "\n".join(plan)
    if session.get_bind().dialect.name == "postgresql":
        assert any(ORDER_INDEXES[order] in line for line in plan), text
        # A sort of the offers in the page's order: the index was not walked.
        assert not [line for line in plan if re.search(r"Sort Key: o\d+\.", line)], text
        return
    tree = await _sqlite_plan_tree(session, statement, parameters)
    page = [detail for detail, parent in tree if parent.startswith("CO-ROUTINE page")]
    assert f"SCAN o0 USING INDEX {ORDER_INDEXES[order]}" in page, text
    assert "USE TEMP B-TREE FOR ORDER BY" not in page, text
    # Every offer read whole (the count's) is an index's alone: no row of the table is read.
    scans = [line for line in plan if re.match(r"SCAN (sc|o\d+)\b", line)]
    assert scans, text
    assert all(re.match(r"SCAN \w+ USING (COVERING )?INDEX ix_offer_", line) for line in scans), (
        text
    )
    assert [line for line in scans if "COVERING" in line], text
    schools = [line for line in plan if re.match(r"(SCAN|SEARCH) os ", line)]
    assert schools, text
    assert all("COVERING INDEX ix_school_retired_at" in line for line in schools), text
