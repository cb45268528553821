"""`findingsConnection` and `syncRunsConnection`: newest first, both directions, counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from service.graphql.types.pagination import encode_position
from tests.factories import make_finding, make_school, make_sync_run
from tests.service.graphql.conftest import Execute, data_of

DAY = datetime(2026, 3, 2, tzinfo=UTC)

RUNS = """query Runs($first: Int, $after: String, $last: Int, $before: String) {
  syncRunsConnection(first: $first, after: $after, last: $last, before: $before) {
    totalCount edges { cursor node { number } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""

FINDINGS = """query Findings($filter: FindingFilter, $first: Int, $after: String) {
  findingsConnection(filter: $filter, first: $first, after: $after) {
    totalCount nodes { message school { slug } }
    pageInfo { hasNextPage endCursor } } }"""


async def test_sync_runs_page_newest_first_both_ways(
    session: AsyncSession, execute: Execute
) -> None:
    runs = [await make_sync_run(session, started_at=DAY + timedelta(days=n)) for n in range(5)]
    newest_first = [run.id for run in reversed(runs)]
    page = (await data_of(execute, RUNS, {"first": 2}))["syncRunsConnection"]
    assert page["totalCount"] == 5
    assert [edge["node"]["number"] for edge in page["edges"]] == newest_first[:2]
    following = await data_of(execute, RUNS, {"first": 5, "after": page["pageInfo"]["endCursor"]})
    connection = following["syncRunsConnection"]
    assert [edge["node"]["number"] for edge in connection["edges"]] == newest_first[2:]
    assert connection["pageInfo"]["hasNextPage"] is False
    oldest = (await data_of(execute, RUNS, {"last": 2}))["syncRunsConnection"]
    assert [edge["node"]["number"] for edge in oldest["edges"]] == newest_first[3:]
    back = await data_of(execute, RUNS, {"last": 2, "before": oldest["pageInfo"]["startCursor"]})
    assert [e["node"]["number"] for e in back["syncRunsConnection"]["edges"]] == newest_first[1:3]


async def test_findings_page_with_the_filter_and_its_total(
    session: AsyncSession, execute: Execute
) -> None:
    aalto = await make_school(session, slug="aalto", name="Aalto", country_code="FI")
    for day in range(3):
        await make_finding(
            session, message=f"day {day}", school=aalto, first_seen_at=DAY + timedelta(days=day)
        )
    await make_finding(session, message="elsewhere", first_seen_at=DAY + timedelta(days=9))
    first = await data_of(execute, FINDINGS, {"filter": {"school": "aalto"}, "first": 2})
    connection = first["findingsConnection"]
    assert connection["totalCount"] == 3
    assert [node["message"] for node in connection["nodes"]] == ["day 2", "day 1"]
    rest = await data_of(
        execute,
        FINDINGS,
        {"filter": {"school": "aalto"}, "first": 2, "after": connection["pageInfo"]["endCursor"]},
    )
    assert [node["message"] for node in rest["findingsConnection"]["nodes"]] == ["day 0"]
    assert rest["findingsConnection"]["pageInfo"]["hasNextPage"] is False
    everything = await data_of(execute, FINDINGS, {})
    assert everything["findingsConnection"]["totalCount"] == 4
    unknown = await data_of(execute, FINDINGS, {"filter": {"school": "nowhere"}})
    assert unknown["findingsConnection"] == {
        "totalCount": 0,
        "nodes": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


async def test_a_forged_cursor_with_a_time_without_zone_is_refused(
    session: AsyncSession, execute: Execute
) -> None:
    await make_finding(session, message="one")
    cursor = encode_position("finding:", ("2026-03-01T00:00:00", 1))
    result = await execute(FINDINGS, {"first": 1, "after": cursor})
    assert [error.message for error in result.errors or []] == [
        "`after` is not a cursor given by this API."
    ]
