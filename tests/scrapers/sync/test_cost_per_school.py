"""A school's work in a run does not grow with the catalogue: same statements, same rows read.

The two steps a run takes per school (its link health, then its pages reconciled) are measured
for one school in a catalogue of 100 and of 1,000 partner sites, on a cold visit and on an
unchanged one (304). The partners' sites are read once per run, before the first school, and
are not part of a school's work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.fetch import FetchResult
from scrapers.reconcile.context import load_partner_sites
from scrapers.reconcile.outcome import Outcome, PageUnchanged
from scrapers.reconcile.school import reconcile_school
from scrapers.sync.health import UrlOutcome, record_school
from scrapers.sync.plan import PlannedLink, PlannedSchool
from service.db.models import Link, LinkCheck, LinkRole, LinkStatus, School, UrlHealth
from tests.factories import make_country, make_link, make_school, make_sync_run
from tests.scrapers.reconcile.pages import ENSIMAG_URL, NOW, fetched


@dataclass(slots=True)
class Cost:
    statements: int = 0
    rows: int = 0


@asynccontextmanager
async def measuring(session: AsyncSession) -> AsyncIterator[Cost]:
    """Statements sent on the session's connection, and rows they returned, while it runs."""
    connection = (await session.connection()).sync_connection
    assert connection is not None
    cost = Cost()

    def after(_conn: Any, cursor: Any, *_args: Any) -> None:
        cost.statements += 1
        # The async adapters read a statement's whole result as it executes.
        cost.rows += len(cursor._rows) if cursor.description else 0

    event.listen(connection, "after_cursor_execute", after)
    try:
        yield cost
    finally:
        event.remove(connection, "after_cursor_execute", after)


async def seed_partners(session: AsyncSession, sites: int) -> None:
    """``sites`` partners, each with a website and two links on it."""
    await make_country(session, "FI")
    rows = [
        {
            "slug": f"partner-{n:04d}",
            "name": f"Partner University {n}",
            "country_code": "FI",
            "is_partner": True,
            "website": f"https://partner-{n:04d}.test/",
        }
        for n in range(sites)
    ]
    ids = list(await session.scalars(insert(School).returning(School.id), rows))
    await session.execute(
        insert(Link),
        [
            {
                "url": f"https://partner-{n:04d}.test/{page}",
                "role": LinkRole.EXCHANGE_PAGE,
                "school_id": school_id,
            }
            for n, school_id in enumerate(ids)
            for page in ("exchange", "deadlines")
        ],
    )


Step = Callable[[], Awaitable[object]]

#: Per backend: (statements, rows returned) of each step, cold then unchanged.
#: The pages' step includes one statement (one row) reading what the catalogue serves for the
#: school's identity, through the API's own precedence rule (service.catalogue.precedence).
EXPECTED = {
    "sqlite": {"cold": [(4, 0), (8, 2)], "unchanged": [(4, 1), (7, 15)]},
    "postgresql": {"cold": [(4, 2), (8, 28)], "unchanged": [(4, 2), (7, 15)]},
}


@pytest.mark.parametrize("sites", [100, 1000])
async def test_a_schools_statements_and_rows_read_do_not_depend_on_the_catalogues_size(
    session: AsyncSession, sites: int
) -> None:
    await seed_partners(session, sites)
    school = await make_school(session, slug="ensimag", name="ENSIMAG", city="Grenoble")
    link = await make_link(session, url=ENSIMAG_URL, school=school)
    planned = PlannedSchool(
        school.id,
        school.slug,
        school.name,
        (PlannedLink(link.id, ENSIMAG_URL, LinkRole.EXCHANGE_PAGE, "school:ensimag"),),
    )
    partners = await load_partner_sites(session)  # once per run, before the first school
    assert len(partners.owners) == sites + 1  # and the school itself

    async def visit(result: FetchResult, outcome: Outcome, now: datetime) -> list[Step]:
        run = await make_sync_run(session)

        async def health() -> object:
            return await record_school(
                session,
                run_id=run.id,
                school=planned,
                outcomes={ENSIMAG_URL: UrlOutcome(result)},
                update_urls=[ENSIMAG_URL],
                dead_after=3,
            )

        async def pages() -> object:
            return await reconcile_school(session, school.id, outcome, now=now, partners=partners)

        return [health, pages]

    cold = FetchResult(ENSIMAG_URL, LinkStatus.OK, NOW, http_status=200, final_url=ENSIMAG_URL)
    checked = NOW + timedelta(days=1)
    unchanged = FetchResult(
        ENSIMAG_URL,
        LinkStatus.OK,
        checked,
        http_status=304,
        final_url=ENSIMAG_URL,
        not_modified=True,
    )
    costs: dict[str, list[tuple[int, int]]] = {}
    for name, steps in (
        ("cold", await visit(cold, [fetched("ensimag-venir-en-echange-fr")], NOW)),
        ("unchanged", await visit(unchanged, [PageUnchanged(ENSIMAG_URL, checked)], checked)),
    ):
        costs[name] = []
        for step in steps:
            async with measuring(session) as cost:
                await step()
            costs[name].append((cost.statements, cost.rows))

    # (statements, rows returned) for the link health, then for the pages, whatever ``sites``.
    # The page's 13 new values and their 13 changes are one INSERT each on both backends
    # (decision 0335; on SQLite they were 26 single-row INSERTs); PostgreSQL's multi-row
    # INSERTs return their ids (not read), hence its rows.
    assert session.bind is not None
    assert costs == EXPECTED[session.bind.dialect.name]


async def test_a_schools_link_checks_and_new_url_states_are_one_insert_each(
    session: AsyncSession,
) -> None:
    """Four links of a school, first visit: one INSERT for their checks and one for their new
    URL states, however many links (on SQLite they were one INSERT per row)."""
    await make_country(session, "FI")
    school = await make_school(session, slug="ensimag", name="ENSIMAG", city="Grenoble")
    urls = [f"https://ensimag.test/{page}" for page in ("a", "b", "c", "d")]
    links = [await make_link(session, url=url, school=school) for url in urls]
    planned = PlannedSchool(
        school.id,
        school.slug,
        school.name,
        tuple(
            PlannedLink(link.id, link.url, LinkRole.EXCHANGE_PAGE, "school:ensimag")
            for link in links
        ),
    )
    run = await make_sync_run(session)
    outcomes = {
        url: UrlOutcome(FetchResult(url, LinkStatus.OK, NOW, http_status=200, final_url=url))
        for url in urls
    }
    async with measuring(session) as cost:
        await record_school(
            session,
            run_id=run.id,
            school=planned,
            outcomes=outcomes,
            update_urls=urls,
            dead_after=3,
        )
    # Read the states, insert the new states, insert the checks, read the findings.
    assert cost.statements == 4
    checks = await session.scalars(select(LinkCheck.url).where(LinkCheck.run_id == run.id))
    assert sorted(checks) == urls
    states = await session.scalars(select(UrlHealth.url).where(UrlHealth.status == LinkStatus.OK))
    assert sorted(states) == urls
