"""`offersConnection`: offers a page at a time, by academic year, places or deadline, both ways."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import School
from tests.factories import make_override, make_school_fact
from tests.sample_catalogue import build_sample_catalogue
from tests.service.graphql.conftest import Execute, data_of

PAGE = """
query Offers($first: Int, $after: String, $last: Int, $before: String, $orderBy: OfferOrder,
             $filter: OfferFilter) {
  offersConnection(first: $first, after: $after, last: $last, before: $before,
                   orderBy: $orderBy, filter: $filter) {
    totalCount
    edges { cursor node { places school { slug } } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""
#: Current offers of current schools, most places first; unknown places last.
BY_PLACES = [
    ("ensimag", 3),
    ("aalto-university", 2),
    ("phelma", 1),
    ("telecom-saint-etienne", 1),
    ("ense3", 0),
    ("universite-de-sherbrooke", None),
]


def _offers(connection: dict[str, object]) -> list[tuple[str, int | None]]:
    edges = connection["edges"]
    assert isinstance(edges, list)
    return [(edge["node"]["school"]["slug"], edge["node"]["places"]) for edge in edges]


async def test_offers_page_by_places_forwards_and_backwards(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    first = (await data_of(execute, PAGE, {"first": 4, "orderBy": "PLACES"}))["offersConnection"]
    assert first["totalCount"] == 6
    assert _offers(first) == BY_PLACES[:4]
    assert len(first["nodes"]) == 4
    assert first["pageInfo"]["hasNextPage"] is True
    second = (
        await data_of(
            execute,
            PAGE,
            {"first": 4, "orderBy": "PLACES", "after": first["pageInfo"]["endCursor"]},
        )
    )["offersConnection"]
    assert _offers(second) == BY_PLACES[4:]
    assert second["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "startCursor": second["edges"][0]["cursor"],
        "endCursor": second["edges"][-1]["cursor"],
    }
    back = (
        await data_of(
            execute,
            PAGE,
            {"last": 3, "orderBy": "PLACES", "before": second["pageInfo"]["startCursor"]},
        )
    )["offersConnection"]
    assert _offers(back) == BY_PLACES[1:4]
    assert back["pageInfo"]["hasPreviousPage"] is True
    assert back["pageInfo"]["hasNextPage"] is True


async def test_the_filter_narrows_pages_and_total(session: AsyncSession, execute: Execute) -> None:
    await build_sample_catalogue(session)
    data = await data_of(execute, PAGE, {"filter": {"homeTrack": "ISEM"}, "orderBy": "PLACES"})
    assert data["offersConnection"]["totalCount"] == 5
    assert _offers(data["offersConnection"]) == [
        ("aalto-university", 2),
        ("phelma", 1),
        ("telecom-saint-etienne", 1),
        ("ense3", 0),
        ("universite-de-sherbrooke", None),
    ]


async def test_the_old_list_answers_the_same_offers_as_the_connection(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(execute, "{ offers { id } offersConnection(first: 100) { nodes { id } } }")
    assert data["offers"] == data["offersConnection"]["nodes"]
    assert len(data["offers"]) == 6
    result = await execute(PAGE, {"after": "b2ZmZXI6", "orderBy": "PLACES"})
    assert [error.message for error in result.errors or []] == [
        "`after` is not a cursor given by this API."
    ]


async def _deadline(
    session: AsyncSession, school: School, key: str, value: dict[str, str], **fact: Any
) -> None:
    """A scraped deadline (``fact``: its stale flag), or an override with ``override=True``."""
    if fact.pop("override", False):
        await make_override(session, school=school, field="deadline", key=key, value=value)
    else:
        await make_school_fact(
            session, school=school, field="deadline", key=key, value=value, **fact
        )


async def _deadlines(session: AsyncSession) -> None:
    sample = await build_sample_catalogue(session)
    autumn = {"kind": "application", "semester": "autumn"}
    # Scraped, then overridden to an earlier day: the override decides.
    await _deadline(session, sample.ensimag, "application/autumn", {**autumn, "date": "2026-05-01"})
    await _deadline(
        session,
        sample.ensimag,
        "application/autumn",
        {**autumn, "date": "2026-03-01"},
        override=True,
    )
    # An override with no scraped value beside it (the kind in any case).
    spring = {"kind": "Application", "semester": "spring", "date": "2026-06-01"}
    await _deadline(session, sample.ense3, "application/spring", spring, override=True)
    # A stale scraped value is still served; the kind may come from the key alone.
    await _deadline(
        session, sample.aalto, "application/autumn", {**autumn, "date": "2026-04-15"}, stale=True
    )
    await _deadline(session, sample.sherbrooke, "application/any", {"date": "2026-04-15"})
    # No year, or not an application deadline: Phelma has none.
    await _deadline(session, sample.phelma, "application/spring", {"date": "--03-31"})
    await _deadline(
        session, sample.phelma, "nomination/spring", {"kind": "nomination", "date": "2026-01-01"}
    )


#: Soonest application deadline first; a tie by offer id; schools without one last, by id.
BY_DEADLINE = [
    ("ensimag", 3),
    ("aalto-university", 2),
    ("universite-de-sherbrooke", None),
    ("ense3", 0),
    ("phelma", 1),
    ("telecom-saint-etienne", 1),
]


async def test_offers_page_by_deadline_forwards_and_backwards(
    session: AsyncSession, execute: Execute
) -> None:
    await _deadlines(session)
    whole = await data_of(execute, PAGE, {"first": 10, "orderBy": "DEADLINE"})
    assert _offers(whole["offersConnection"]) == BY_DEADLINE
    pages: list[tuple[str, int | None]] = []
    after = None
    while True:
        variables = {"first": 4, "orderBy": "DEADLINE", "after": after}
        page = (await data_of(execute, PAGE, variables))["offersConnection"]
        pages += _offers(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == BY_DEADLINE
    # Backwards from the first school without a deadline, across the tie.
    start = whole["offersConnection"]["edges"][4]["cursor"]
    back = await data_of(execute, PAGE, {"last": 3, "orderBy": "DEADLINE", "before": start})
    assert _offers(back["offersConnection"]) == BY_DEADLINE[1:4]
    assert back["offersConnection"]["pageInfo"]["hasPreviousPage"] is True
    # A cursor of another order is refused.
    places = await data_of(execute, PAGE, {"first": 1, "orderBy": "PLACES"})
    cursor = places["offersConnection"]["pageInfo"]["endCursor"]
    result = await execute(PAGE, {"after": cursor, "orderBy": "DEADLINE"})
    assert [error.message for error in result.errors or []] == [
        "`after` is not a cursor given by this API."
    ]
