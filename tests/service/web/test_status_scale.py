"""/status at any catalogue size: a fixed number of statements, one page of schools (failing
ones first), counts instead of whole lists."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import update

from service.db.engine import create_sessionmaker
from service.db.models import FindingSeverity, LinkStatus, UrlHealth
from service.web.status.overview import LISTED, SCHOOLS_PER_PAGE, load_status_overview
from tests.catalogues import build_synthetic_catalogue
from tests.databases import BACKENDS, TestDatabase, migrated_database
from tests.service.graphql.test_statement_count import counting_statements
from tests.service.web.conftest import serve
from tests.sync_results import add_synthetic_sync_results

#: Schools (count, page), links, link findings, link health, link checks, links by status,
#: findings of each severity (3), conflicts, values to review (page, school info: three, count),
#: schools by id, findings by severity, conflicts' count, sync runs.
STATUS_STATEMENTS = 20
BROKEN_URL = "https://partner-00050.example.org/"


@pytest.fixture(params=BACKENDS)
async def empty_database(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[TestDatabase]:
    """A migrated database of its own with nothing in it (synthetic catalogues own their ids)."""
    async with migrated_database(request.param, tmp_path) as database:
        yield database


@pytest.mark.parametrize("size", [100, 1_000])
async def test_the_status_overview_costs_the_same_statements_at_every_size(
    empty_database: TestDatabase, size: int
) -> None:
    async with create_sessionmaker(empty_database.engine)() as session:
        await build_synthetic_catalogue(session, size)
        results = await add_synthetic_sync_results(session, size)
        with counting_statements(session) as statements:
            overview = await load_status_overview(session)
    assert len(statements) == STATUS_STATEMENTS, statements
    assert overview.school_counts.partners == size
    assert len(overview.schools) == SCHOOLS_PER_PAGE
    assert overview.pages == -(-(size) // SCHOOLS_PER_PAGE)
    # Every fifth school has a dead-link warning, every eighth an import one.
    assert overview.finding_counts[FindingSeverity.WARNING] == results.findings
    assert len(overview.findings[FindingSeverity.WARNING]) == min(LISTED, results.findings)
    # Every seventh school's language requirement is stale and not overridden.
    assert overview.review_count == results.stale_facts
    assert len(overview.review) == min(LISTED, results.stale_facts)
    assert all(item.reasons == ("stale",) for item in overview.review)


async def test_schools_with_a_failing_link_come_first_and_the_rest_is_paged(
    empty_database: TestDatabase,
) -> None:
    async with create_sessionmaker(empty_database.engine)() as session:
        await build_synthetic_catalogue(session, 310)
        await add_synthetic_sync_results(session, 310)
        await session.execute(
            update(UrlHealth).where(UrlHealth.url == BROKEN_URL).values(status=LinkStatus.BROKEN)
        )
        await session.commit()
    async with serve(empty_database.settings) as client:
        first = BeautifulSoup((await client.get("/status")).text, "html.parser")
        last = BeautifulSoup((await client.get("/status?page=7")).text, "html.parser")
        beyond = BeautifulSoup((await client.get("/status?page=99")).text, "html.parser")
        nonsense = await client.get("/status?page=-1")
    rows = first.select("#schools tbody tr")
    assert len(rows) == SCHOOLS_PER_PAGE
    assert "failing" in (rows[0].get("class") or [])
    assert BROKEN_URL in rows[0].get_text()
    assert sum("failing" in (row.get("class") or []) for row in rows) == 1
    summary = first.select_one("#schools .summary")
    assert summary is not None
    assert " ".join(summary.get_text().split()).startswith(
        "310 partner schools, 1 with a failing link · links: 1 BROKEN,"
    )
    pager = first.select_one("#schools nav.pages")
    assert pager is not None
    assert "page 1 of 7" in pager.get_text()
    assert [a["href"] for a in pager.select("a")] == ["/status?page=2#schools"]
    assert len(last.select("#schools tbody tr")) == 310 - 6 * SCHOOLS_PER_PAGE
    assert "page 7 of 7" in beyond.get_text()
    assert nonsense.status_code == 200
    warnings = first.select_one("#findings .more")
    assert warnings is not None
    assert warnings.get_text() == f"the {LISTED} newest shown"
