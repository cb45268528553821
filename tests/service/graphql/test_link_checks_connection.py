"""``Link.checksConnection``: a link's visits, newest first, paged both ways and counted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import LinkStatus
from tests.factories import make_link, make_link_check, make_school, make_sync_run
from tests.service.graphql.conftest import Execute, data_of
from tests.service.graphql.test_statement_count import counting_statements

MONDAY = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)

PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
  school(slug: "aalto") { links { url checksConnection(first: $first, after: $after,
    last: $last, before: $before) { totalCount edges { cursor node { status checkedAt } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } } }"""


async def _three_weeks_of_checks(session: AsyncSession) -> None:
    aalto = await make_school(session, slug="aalto", name="Aalto University")
    exchange = await make_link(session, url="https://aalto.test/exchange", school=aalto)
    await make_link(session, url="https://aalto.test/never-checked", school=aalto)
    for week, status in enumerate([LinkStatus.OK, LinkStatus.BROKEN, LinkStatus.OK]):
        run = await make_sync_run(session, started_at=MONDAY + timedelta(days=7 * week))
        await make_link_check(session, run=run, link=exchange, status=status)


def _connection(data: dict[str, object], index: int = 0) -> dict[str, object]:
    school = data["school"]
    assert isinstance(school, dict)
    connection: dict[str, object] = school["links"][index]["checksConnection"]
    return connection


async def test_checks_page_newest_first_forward_and_backward(
    session: AsyncSession, execute: Execute
) -> None:
    await _three_weeks_of_checks(session)
    first = _connection(await data_of(execute, PAGE, {"first": 2}))
    assert first["totalCount"] == 3
    assert [edge["node"] for edge in first["edges"]] == [  # type: ignore[attr-defined]
        {"status": "OK", "checkedAt": "2026-03-16T04:00:00+00:00"},
        {"status": "BROKEN", "checkedAt": "2026-03-09T04:00:00+00:00"},
    ]
    info = first["pageInfo"]
    assert isinstance(info, dict)
    assert (info["hasNextPage"], info["hasPreviousPage"]) == (True, False)

    rest = _connection(await data_of(execute, PAGE, {"first": 2, "after": info["endCursor"]}))
    assert [edge["node"]["checkedAt"] for edge in rest["edges"]] == [  # type: ignore[attr-defined]
        "2026-03-02T04:00:00+00:00"
    ]
    assert rest["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": rest["edges"][0]["cursor"],  # type: ignore[index]
        "endCursor": rest["edges"][0]["cursor"],  # type: ignore[index]
    }

    back = _connection(await data_of(execute, PAGE, {"last": 1, "before": info["endCursor"]}))
    assert [edge["node"]["status"] for edge in back["edges"]] == ["OK"]  # type: ignore[attr-defined]
    assert back["pageInfo"]["hasPreviousPage"] is False  # type: ignore[index]
    assert back["pageInfo"]["hasNextPage"] is True  # type: ignore[index]

    never = _connection(await data_of(execute, PAGE, {}), index=1)
    assert never["totalCount"] == 0
    assert never["edges"] == []


async def test_checks_pages_of_every_link_are_one_statement(
    session: AsyncSession, execute: Execute, resolve: Execute
) -> None:
    await _three_weeks_of_checks(session)
    with counting_statements(session) as statements:
        resolved = await data_of(resolve, PAGE, {"first": 1})
    # Data version, school, its links, the checks' pages, their counts.
    assert len(statements) == 5
    await data_of(execute, PAGE, {"first": 1})  # the cost estimate, once per document
    with counting_statements(session) as compiled_statements:
        compiled = await data_of(execute, PAGE, {"first": 1})
    # Compiled (decision 0215): the data version, then the root's one statement.
    assert len(compiled_statements) == 2, compiled_statements
    assert compiled == resolved


async def test_checks_refuse_a_page_over_the_maximum(
    session: AsyncSession, execute: Execute
) -> None:
    await _three_weeks_of_checks(session)
    result = await execute(PAGE, {"first": 101})
    assert result.errors is not None
    assert [error.message for error in result.errors] == ["`first` must be between 0 and 100."]
    malformed = await execute(PAGE, {"after": "garbage"})
    assert malformed.errors is not None
    assert malformed.errors[0].message == "`after` is not a cursor given by this API."
