"""Admin operations over HTTP for the tests: the documents, and a snapshot of every table."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from service.db.base import Base
from service.db.engine import create_sessionmaker
from tests.databases import TestDatabase
from tests.factories import make_school_fact
from tests.service.web.conftest import sample_school

TOKEN = "s3cret-admin-token-for-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}

#: Aalto's autumn application deadline, the scraped value an admin reviews.
LOW_CONFIDENCE_DEADLINE = {"kind": "application", "semester": "autumn", "date": "2027-04-15"}


async def add_low_confidence_deadline(database: TestDatabase) -> None:
    """Store (and commit) :data:`LOW_CONFIDENCE_DEADLINE` as scraped at confidence 0.4."""
    async with create_sessionmaker(database.engine)() as session:
        aalto = await sample_school(session, "aalto-university")
        await make_school_fact(
            session,
            school=aalto,
            field="deadline",
            key="application/autumn",
            value=LOW_CONFIDENCE_DEADLINE,
            confidence=0.4,
        )
        await session.commit()


_REFUSED = "... on AdminRefused { outcome message }"
_OUTCOMES = f"{_REFUSED} ... on InvalidInput {{ field message }}"

#: Every admin mutation, with arguments that would write if the token were accepted.
MUTATIONS: dict[str, str] = {
    "requestSync": f"""mutation {{ requestSync(schools: ["phelma"], reason: "new pages") {{
        __typename {_OUTCOMES}
        ... on SyncRequested {{ created request {{ kind status schools url requestedBy }} }}
    }} }}""",
    "importFaq": f"""mutation {{ importFaq(url: "https://ensias.example/faq/") {{
        __typename {_OUTCOMES}
        ... on FaqImportRequested {{ created request {{ kind status schools url }} }}
    }} }}""",
    "overrideSchoolField": f"""mutation {{ overrideSchoolField(slug: "phelma", field: "city",
            value: "Saint-Martin-d'Hères", reason: "the campus") {{
        __typename {_OUTCOMES}
        ... on SchoolFieldOverridden {{ field value previous school {{ slug city }} }}
    }} }}""",
    "clearOverride": f"""mutation {{ clearOverride(slug: "aalto-university", field: "name",
            reason: "back to the page's name") {{
        __typename {_OUTCOMES}
        ... on OverrideCleared {{ field previous school {{ slug name }} }}
    }} }}""",
    "retireSchool": f"""mutation {{ retireSchool(slug: "universite-de-sherbrooke",
            reason: "agreement ended") {{
        __typename {_OUTCOMES}
        ... on SchoolRetired {{ alreadyRetired school {{ slug }} }}
    }} }}""",
    "restoreSchool": f"""mutation {{ restoreSchool(slug: "telecom-saint-etienne",
            reason: "agreement renewed") {{
        __typename {_OUTCOMES}
        ... on SchoolRestored {{ school {{ slug retiredAt }} }}
    }} }}""",
    "resolveFinding": f"""mutation {{ resolveFinding(finding: "Finding:1",
            reason: "heading fixed") {{
        __typename {_OUTCOMES}
        ... on FindingResolved {{ changed finding {{ id kind resolvedAt school {{ slug }} }} }}
    }} }}""",
    "acceptScrapedValue": f"""mutation {{ acceptScrapedValue(slug: "aalto-university",
            field: "deadline", key: "application/autumn", reason: "confirmed by e-mail") {{
        __typename {_OUTCOMES}
        ... on ScrapedValueAccepted {{ field key value school {{ slug }} }}
    }} }}""",
}

#: Every admin query.
QUERIES: dict[str, str] = {
    "adminActions": f"""{{ adminActions(first: 10) {{ __typename {_REFUSED}
        ... on AdminActionList {{ nodes {{ actor action target reason outcome payload }} }}
    }} }}""",
    "jobRequests": f"""{{ jobRequests {{ __typename {_REFUSED}
        ... on JobRequestList {{ nodes {{ kind status schools url }} }}
    }} }}""",
    "schedulerState": f"""{{ schedulerState {{ __typename {_REFUSED}
        ... on SchedulerStatus {{ jobs {{ job lastStatus nextRunAt }}
                                  backoffs {{ consecutiveFailures school {{ slug }} }} }}
    }} }}""",
}


async def post(
    client: httpx.AsyncClient,
    query: str,
    headers: dict[str, str] | None = None,
    variables: dict[str, Any] | None = None,
) -> Any:
    """The ``data`` of a request that must run without GraphQL errors."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def table_rows(engine: AsyncEngine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order."""
    async with create_sessionmaker(engine)() as session:
        return {
            table.name: [
                tuple(row)
                for row in await session.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in Base.metadata.sorted_tables
        }
