"""``changes`` (paged by cursor) and findings of the import and the sync, by school and kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import FindingSeverity, School
from tests.factories import make_change, make_finding, make_school
from tests.service.graphql.conftest import Execute, data_of

RUN = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
NEXT_RUN = RUN + timedelta(days=7)

CHANGES = """query($since: DateTime!, $school: String, $first: Int!, $after: String) {
  changes(since: $since, school: $school, first: $first, after: $after) {
    nodes { school { slug } field key oldValue newValue changedAt sourceUrl }
    pageInfo { hasNextPage hasPreviousPage endCursor } } }"""


async def _history(session: AsyncSession) -> tuple[School, School]:
    aalto = await make_school(session, slug="aalto", name="Aalto University", country_code="FI")
    unical = await make_school(session, slug="unical", name="University of Calabria")
    # One sync stamps all its changes with the same time.
    await make_change(
        session,
        school=aalto,
        field="deadline",
        key="application/autumn",
        new_value={"kind": "application", "semester": "autumn", "date": "2026-04-15"},
        changed_at=RUN,
    )
    await make_change(
        session,
        school=unical,
        field="email",
        key="erasmus@unical.test",
        new_value={"email": "erasmus@unical.test", "label": None},
        changed_at=RUN,
        source_url="https://unical.test/erasmus",
    )
    await make_change(
        session,
        school=aalto,
        field="credits",
        key="semester",
        new_value={"per": "semester", "min": 20, "max": 35, "typical": 30},
        changed_at=RUN,
    )
    await make_change(
        session,
        school=aalto,
        field="deadline",
        key="application/autumn",
        old_value={"kind": "application", "semester": "autumn", "date": "2026-04-15"},
        new_value={"kind": "application", "semester": "autumn", "date": "2026-04-30"},
        changed_at=NEXT_RUN,
    )
    return aalto, unical


async def test_changes_since_a_time_oldest_first_with_old_and_new_values(
    session: AsyncSession, execute: Execute
) -> None:
    await _history(session)
    data = await data_of(
        execute, CHANGES, {"since": "2026-03-05T00:00:00+01:00", "school": "aalto", "first": 10}
    )
    assert data["changes"]["nodes"] == [
        {
            "school": {"slug": "aalto"},
            "field": "deadline",
            "key": "application/autumn",
            "oldValue": {"kind": "application", "semester": "autumn", "date": "2026-04-15"},
            "newValue": {"kind": "application", "semester": "autumn", "date": "2026-04-30"},
            "changedAt": "2026-03-09T04:00:00+00:00",
            "sourceUrl": "https://partner.example/exchange",
        }
    ]
    assert data["changes"]["pageInfo"]["hasNextPage"] is False
    everything = await data_of(execute, CHANGES, {"since": "2026-03-01T00:00:00Z", "first": 10})
    assert [
        (node["school"]["slug"], node["field"], node["oldValue"] is None)
        for node in everything["changes"]["nodes"]
    ] == [
        ("aalto", "deadline", True),
        ("unical", "email", True),
        ("aalto", "credits", True),
        ("aalto", "deadline", False),
    ]


async def test_pages_of_changes_continue_inside_one_run_by_cursor(
    session: AsyncSession, execute: Execute
) -> None:
    await _history(session)
    seen: list[tuple[str, str]] = []
    after = None
    pages = []
    while True:
        variables = {"since": "2026-03-02T04:00:00Z", "first": 2, "after": after}
        page = (await data_of(execute, CHANGES, variables))["changes"]
        seen += [(node["school"]["slug"], node["field"]) for node in page["nodes"]]
        pages.append((len(page["nodes"]), page["pageInfo"]["hasNextPage"]))
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert pages == [(2, True), (2, False)]
    assert seen == [
        ("aalto", "deadline"),
        ("unical", "email"),
        ("aalto", "credits"),
        ("aalto", "deadline"),
    ]


async def test_changes_of_an_unknown_school_are_none(
    session: AsyncSession, execute: Execute
) -> None:
    await _history(session)
    data = await data_of(
        execute, CHANGES, {"since": "2026-03-01T00:00:00Z", "school": "nowhere", "first": 10}
    )
    assert data["changes"] == {
        "nodes": [],
        "pageInfo": {"hasNextPage": False, "hasPreviousPage": False, "endCursor": None},
    }


async def test_changes_refuse_a_time_without_offset_a_foreign_cursor_and_big_pages(
    session: AsyncSession, execute: Execute
) -> None:
    cases = {
        "2026-03-01T00:00:00": ('`since` needs a time zone offset: "2026-03-01T00:00:00Z".', 10),
        "2026-03-01T00:00:00Z": ("`first` must be between 0 and 100.", 101),
    }
    for since, (message, first) in cases.items():
        result = await execute(CHANGES, {"since": since, "first": first})
        assert result.errors is not None
        assert [error.message for error in result.errors] == [message]
    school_cursor = "c2Nob29sOmFhbHRv"  # a `schools` cursor ("school:aalto")
    result = await execute(
        CHANGES, {"since": "2026-03-01T00:00:00Z", "first": 1, "after": school_cursor}
    )
    assert result.errors is not None
    assert [error.message for error in result.errors] == [
        "`after` is not a cursor given by this API."
    ]


async def _findings(session: AsyncSession) -> tuple[School, School]:
    enseirb = await make_school(session, slug="enseirb-matmeca", name="ENSEIRB-MATMECA")
    isima = await make_school(session, slug="isima", name="ISIMA")
    await make_finding(
        session,
        kind="link_to_other_school",
        origin="import",
        school=enseirb,
        message="The ENSEIRB-MATMECA item links to an Esisar page.",
        first_seen_at=RUN - timedelta(days=30),
    )
    await make_finding(
        session,
        kind="dead_link",
        origin="sync",
        school=enseirb,
        message="https://enseirb.test/exchange has failed 3 runs in a row",
        first_seen_at=RUN,
    )
    await make_finding(
        session,
        kind="soft_404",
        origin="sync",
        severity=FindingSeverity.INFO,
        school=isima,
        message="https://isima.test/old lands on the home page",
        first_seen_at=NEXT_RUN,
    )
    await make_finding(
        session,
        kind="fetch_failed",
        origin="sync",
        school=isima,
        message="https://isima.test/ timed out",
        first_seen_at=RUN,
        resolved_at=NEXT_RUN,
    )
    await make_finding(session, kind="country_name_corrected", origin="import")
    return enseirb, isima


async def test_findings_of_both_origins_filtered_by_school_and_kind(
    session: AsyncSession, execute: Execute
) -> None:
    await _findings(session)
    query = """query($filter: FindingFilter) {
        findings(filter: $filter) { kind origin school { slug } } }"""

    async def kinds(**filter: object) -> list[tuple[str, str]]:
        data = await data_of(execute, query, {"filter": filter})
        return [(finding["kind"], finding["origin"]) for finding in data["findings"]]

    assert await kinds(school="enseirb-matmeca") == [
        ("dead_link", "sync"),
        ("link_to_other_school", "import"),
    ]
    assert await kinds(school="isima", includeResolved=True) == [
        ("soft_404", "sync"),
        ("fetch_failed", "sync"),
    ]
    assert await kinds(school="isima", kinds=["fetch_failed"]) == []
    assert await kinds(kinds=["dead_link", "soft_404"]) == [
        ("soft_404", "sync"),
        ("dead_link", "sync"),
    ]
    assert await kinds(school="isima", severities=["INFO"], origin="sync") == [("soft_404", "sync")]
    assert await kinds(school="nowhere") == []


async def test_each_school_lists_its_own_findings(session: AsyncSession, execute: Execute) -> None:
    await _findings(session)
    data = await data_of(
        execute,
        """{ countries { schools { slug
             open: findings { kind message }
             all: findings(includeResolved: true) { kind resolvedAt }
             dead: findings(kinds: "dead_link") { kind } } } }""",
    )
    assert data["countries"][0]["schools"] == [
        {
            "slug": "enseirb-matmeca",
            "open": [
                {
                    "kind": "dead_link",
                    "message": "https://enseirb.test/exchange has failed 3 runs in a row",
                },
                {
                    "kind": "link_to_other_school",
                    "message": "The ENSEIRB-MATMECA item links to an Esisar page.",
                },
            ],
            "all": [
                {"kind": "dead_link", "resolvedAt": None},
                {"kind": "link_to_other_school", "resolvedAt": None},
            ],
            "dead": [{"kind": "dead_link"}],
        },
        {
            "slug": "isima",
            "open": [
                {"kind": "soft_404", "message": "https://isima.test/old lands on the home page"}
            ],
            "all": [
                {"kind": "soft_404", "resolvedAt": None},
                {"kind": "fetch_failed", "resolvedAt": "2026-03-09T04:00:00+00:00"},
            ],
            "dead": [],
        },
    ]


PAGE_BOTH_WAYS = """query($since: DateTime!, $school: String, $first: Int, $last: Int,
                         $before: String, $orderBy: ChangeOrder) {
  changes(since: $since, school: $school, first: $first, last: $last, before: $before,
          orderBy: $orderBy) {
    totalCount
    edges { cursor node { field changedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def test_changes_page_backwards_newest_first_and_count(
    session: AsyncSession, execute: Execute
) -> None:
    await _history(session)
    since = RUN.isoformat()
    last = (await data_of(execute, PAGE_BOTH_WAYS, {"since": since, "last": 2}))["changes"]
    assert last["totalCount"] == 4
    assert [edge["node"]["field"] for edge in last["edges"]] == ["credits", "deadline"]
    assert last["edges"][1]["node"]["changedAt"] == NEXT_RUN.isoformat()
    assert (last["pageInfo"]["hasPreviousPage"], last["pageInfo"]["hasNextPage"]) == (True, False)
    before = last["pageInfo"]["startCursor"]
    earlier = await data_of(execute, PAGE_BOTH_WAYS, {"since": since, "last": 5, "before": before})
    assert [edge["node"]["field"] for edge in earlier["changes"]["edges"]] == ["deadline", "email"]
    assert earlier["changes"]["pageInfo"]["hasPreviousPage"] is False
    newest = await data_of(
        execute, PAGE_BOTH_WAYS, {"since": since, "first": 3, "orderBy": "NEWEST_FIRST"}
    )
    assert [edge["node"]["field"] for edge in newest["changes"]["edges"]] == [
        "deadline",
        "credits",
        "email",
    ]
    unknown = await data_of(execute, PAGE_BOTH_WAYS, {"since": since, "school": "nowhere"})
    assert unknown["changes"]["totalCount"] == 0
    assert unknown["changes"]["edges"] == []
