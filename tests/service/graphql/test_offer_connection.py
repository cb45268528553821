"""`offersConnection`: offers a page at a time, by academic year or by places, both directions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

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
