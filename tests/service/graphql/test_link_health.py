"""Link health, link check history and sync runs through the schema, with exact values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import LinkRole, LinkStatus, SyncRunStatus
from tests.factories import (
    make_link,
    make_link_check,
    make_programme,
    make_school,
    make_sync_run,
    make_url_health,
)
from tests.service.graphql.conftest import Execute, data_of

MONDAY = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
WEEK = timedelta(days=7)

LINK_HEALTH = """query($slug: String!) { school(slug: $slug) { links { url role health {
    status httpStatus finalUrl redirects { url status } responseTimeMs error contentType
    checkedAt lastOkAt consecutiveFailures httpsUrl } } } }"""


async def test_each_link_has_its_address_health_or_null_before_any_check(
    session: AsyncSession, execute: Execute
) -> None:
    aalto = await make_school(session, slug="aalto", name="Aalto University")
    await make_link(session, url="http://aalto.test/", school=aalto, role=LinkRole.HOMEPAGE)
    await make_link(session, url="https://aalto.test/exchange", school=aalto)
    await make_link(session, url="https://aalto.test/new", school=aalto)
    await make_url_health(
        session,
        url="http://aalto.test/",
        status=LinkStatus.REDIRECTED,
        http_status=200,
        final_url="https://www.aalto.test/en/",
        redirects=[
            {"url": "http://aalto.test/", "status": 301},
            {"url": "https://aalto.test/", "status": 302},
        ],
        response_ms=412,
        checked_at=MONDAY,
        https_url="https://aalto.test/",
    )
    await make_url_health(
        session,
        url="https://aalto.test/exchange",
        status=LinkStatus.TIMEOUT,
        http_status=None,
        response_ms=None,
        error="no complete answer within 20 s",
        content_type=None,
        checked_at=MONDAY,
        last_ok_at=MONDAY - 3 * WEEK,
        consecutive_failures=2,
    )
    data = await data_of(execute, LINK_HEALTH, {"slug": "aalto"})
    assert data["school"]["links"] == [
        {
            "url": "http://aalto.test/",
            "role": "HOMEPAGE",
            "health": {
                "status": "REDIRECTED",
                "httpStatus": 200,
                "finalUrl": "https://www.aalto.test/en/",
                "redirects": [
                    {"url": "http://aalto.test/", "status": 301},
                    {"url": "https://aalto.test/", "status": 302},
                ],
                "responseTimeMs": 412,
                "error": None,
                "contentType": "text/html",
                "checkedAt": "2026-03-02T04:00:00+00:00",
                "lastOkAt": "2026-03-02T04:00:00+00:00",
                "consecutiveFailures": 0,
                "httpsUrl": "https://aalto.test/",
            },
        },
        {
            "url": "https://aalto.test/exchange",
            "role": "EXCHANGE_PAGE",
            "health": {
                "status": "TIMEOUT",
                "httpStatus": None,
                "finalUrl": None,
                "redirects": [],
                "responseTimeMs": None,
                "error": "no complete answer within 20 s",
                "contentType": None,
                "checkedAt": "2026-03-02T04:00:00+00:00",
                "lastOkAt": "2026-02-09T04:00:00+00:00",
                "consecutiveFailures": 2,
                "httpsUrl": None,
            },
        },
        {"url": "https://aalto.test/new", "role": "EXCHANGE_PAGE", "health": None},
    ]


async def test_links_sharing_an_address_share_its_health(
    session: AsyncSession, execute: Execute
) -> None:
    ense3 = await make_school(session, slug="ense3", name="Ense3")
    phelma = await make_school(session, slug="phelma", name="Phelma")
    shared = "https://grenoble-inp.test/sicom"
    await make_link(session, url=shared, school=ense3)
    await make_link(session, url=shared, school=phelma)
    await make_url_health(session, url=shared, status=LinkStatus.GONE, http_status=410)
    data = await data_of(
        execute, "{ countries { schools { slug links { health { status httpStatus } } } } }"
    )
    assert data["countries"][0]["schools"] == [
        {"slug": "ense3", "links": [{"health": {"status": "GONE", "httpStatus": 410}}]},
        {"slug": "phelma", "links": [{"health": {"status": "GONE", "httpStatus": 410}}]},
    ]


async def test_checks_are_the_latest_visits_newest_first_with_their_run(
    session: AsyncSession, execute: Execute
) -> None:
    school = await make_school(session, slug="esisar", name="Esisar")
    link = await make_link(session, url="https://esisar.test/", school=school)
    runs = [await make_sync_run(session, started_at=MONDAY + n * WEEK) for n in range(3)]
    await make_link_check(session, run=runs[0], link=link, status=LinkStatus.OK)
    await make_link_check(
        session,
        run=runs[1],
        link=link,
        status=LinkStatus.BROKEN,
        http_status=503,
        error="503 Service Unavailable after 2 retries",
    )
    await make_link_check(session, run=runs[2], link=link, status=LinkStatus.OK, response_ms=98)
    query = """query($last: Int!) { school(slug: "esisar") { links {
        latest: checks(last: $last) { status httpStatus responseTimeMs error checkedAt
                                      run { id status } }
        all: checks { status } } } }"""
    data = await data_of(execute, query, {"last": 2})
    (found,) = data["school"]["links"]
    assert found["latest"] == [
        {
            "status": "OK",
            "httpStatus": 200,
            "responseTimeMs": 98,
            "error": None,
            "checkedAt": "2026-03-16T04:00:00+00:00",
            "run": {"id": f"SyncRun:{runs[2].id}", "status": "OK"},
        },
        {
            "status": "BROKEN",
            "httpStatus": 503,
            "responseTimeMs": 120,
            "error": "503 Service Unavailable after 2 retries",
            "checkedAt": "2026-03-09T04:00:00+00:00",
            "run": {"id": f"SyncRun:{runs[1].id}", "status": "OK"},
        },
    ]
    assert [check["status"] for check in found["all"]] == ["OK", "BROKEN", "OK"]


async def test_checks_refuse_more_than_fifty(session: AsyncSession, execute: Execute) -> None:
    school = await make_school(session, slug="esisar", name="Esisar")
    await make_link(session, url="https://esisar.test/", school=school)
    result = await execute('{ school(slug: "esisar") { links { checks(last: 51) { status } } } }')
    assert result.errors is not None
    assert [error.message for error in result.errors] == ["`last` must be between 0 and 50."]


async def test_sync_runs_newest_first_with_counts_by_status_and_school_errors(
    session: AsyncSession, execute: Execute
) -> None:
    await make_sync_run(
        session,
        started_at=MONDAY - WEEK,
        finished_at=MONDAY - WEEK + timedelta(minutes=12),
        links_total=3,
        links_checked=3,
        counts={"OK": 3},
    )
    await make_sync_run(
        session,
        started_at=MONDAY,
        finished_at=MONDAY + timedelta(minutes=14),
        status=SyncRunStatus.PARTIAL,
        schools=["aalto", "esisar", "unical"],
        links_total=6,
        links_checked=5,
        # Stored sorted by name; served in the order of the LinkStatus enum.
        counts={"BROKEN": 1, "DEFERRED": 1, "OK": 2, "REDIRECTED": 2},
        errors={"unical": "IntegrityError: duplicate key", "esisar": "lost connection"},
        skipped={"ensim": "no links"},
    )
    await make_sync_run(
        session,
        started_at=MONDAY + WEEK,
        status=SyncRunStatus.FAILED,
        error="interrupted: the process ended before the run finished",
    )
    query = """query($last: Int!) { syncRuns(last: $last) { status startedAt finishedAt schools
        linksTotal linksChecked counts { status count } errors { slug message }
        skipped { slug message } error } }"""
    data = await data_of(execute, query, {"last": 2})
    assert data["syncRuns"] == [
        {
            "status": "FAILED",
            "startedAt": "2026-03-09T04:00:00+00:00",
            "finishedAt": None,
            "schools": [],
            "linksTotal": 0,
            "linksChecked": 0,
            "counts": [],
            "errors": [],
            "skipped": [],
            "error": "interrupted: the process ended before the run finished",
        },
        {
            "status": "PARTIAL",
            "startedAt": "2026-03-02T04:00:00+00:00",
            "finishedAt": "2026-03-02T04:14:00+00:00",
            "schools": ["aalto", "esisar", "unical"],
            "linksTotal": 6,
            "linksChecked": 5,
            "counts": [
                {"status": "OK", "count": 2},
                {"status": "REDIRECTED", "count": 2},
                {"status": "BROKEN", "count": 1},
                {"status": "DEFERRED", "count": 1},
            ],
            "errors": [
                {"slug": "esisar", "message": "lost connection"},
                {"slug": "unical", "message": "IntegrityError: duplicate key"},
            ],
            "skipped": [{"slug": "ensim", "message": "no links"}],
            "error": None,
        },
    ]
    default = await data_of(execute, "{ syncRuns { startedAt } }")
    assert len(default["syncRuns"]) == 3


async def test_sync_runs_are_capped_at_the_page_maximum(
    session: AsyncSession, execute: Execute
) -> None:
    result = await execute("{ syncRuns(last: 101) { id } }")
    assert result.errors is not None
    assert [error.message for error in result.errors] == ["`last` must be between 0 and 100."]


async def test_a_shared_programmes_links_show_under_every_school_sharing_it(
    session: AsyncSession, execute: Execute
) -> None:
    phelma = await make_school(session, slug="phelma", name="Phelma")
    ense3 = await make_school(session, slug="ense3", name="Ense3")
    await make_link(session, url="https://phelma.test/", school=phelma, role=LinkRole.HOMEPAGE)
    sicom = await make_programme(session, schools=[phelma, ense3], key="sicom")
    await make_link(session, url="https://phelma.test/sicom", programme=sicom)
    query = """{ phelma: school(slug: "phelma") { links { url } }
        ense3: school(slug: "ense3") { links { url } } }"""
    data = await data_of(execute, query)
    assert data == {
        "phelma": {
            "links": [{"url": "https://phelma.test/"}, {"url": "https://phelma.test/sicom"}]
        },
        "ense3": {"links": [{"url": "https://phelma.test/sicom"}]},
    }


async def test_a_degraded_run_shows_its_reach_its_reason_and_its_stats(
    session: AsyncSession, execute: Execute
) -> None:
    await make_sync_run(
        session,
        status=SyncRunStatus.DEGRADED,
        links_total=4,
        links_checked=4,
        links_reached=1,
        error="1 of 4 partner sites reached; first error: https://b.test/: b.test does not resolve",
        stats={
            "requests": 3,
            "bytes": 5120,
            "statuses": {"200": 1, "404": 1, "CONNECTION_ERROR": 1, "DNS_ERROR": 2},
            "retries": 1,
            "robots_refusals": 0,
            "hosts": {"a.test": {"requests": 3, "mean_ms": 40, "max_ms": 95}},
            "duration_seconds": 2.5,
        },
    )
    query = """{ syncRuns(last: 1) { status linksReached error stats { requests bytes
        answers { outcome count } retries robotsRefusals durationSeconds
        hosts { host requests meanMs maxMs } } } }"""
    (run,) = (await data_of(execute, query))["syncRuns"]
    assert run == {
        "status": "DEGRADED",
        "linksReached": 1,
        "error": "1 of 4 partner sites reached; first error: https://b.test/: b.test does not "
        "resolve",
        "stats": {
            "requests": 3,
            "bytes": 5120,
            "answers": [
                {"outcome": "200", "count": 1},
                {"outcome": "404", "count": 1},
                {"outcome": "CONNECTION_ERROR", "count": 1},
                {"outcome": "DNS_ERROR", "count": 2},
            ],
            "retries": 1,
            "robotsRefusals": 0,
            "durationSeconds": 2.5,
            "hosts": [{"host": "a.test", "requests": 3, "meanMs": 40, "maxMs": 95}],
        },
    }
