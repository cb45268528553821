"""The school connection: keyset pages in SQL, cursors, totalCount, the page-size cap."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from service.graphql.types.pagination import decode_cursor, encode_cursor
from tests.catalogues import build_synthetic_catalogue
from tests.sample_catalogue import CURRENT_PARTNERS, build_sample_catalogue
from tests.service.graphql.conftest import MAX_PAGE_SIZE, Execute, data_of

PAGE = """
query($first: Int!, $after: String, $filter: SchoolFilter) {
  schools(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { slug } }
    nodes { slug }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def test_pages_follow_each_other_by_slug_until_the_end(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        data = (await data_of(execute, PAGE, {"first": 2, "after": after}))["schools"]
        assert data["totalCount"] == 6
        slugs = [edge["node"]["slug"] for edge in data["edges"]]
        assert [node["slug"] for node in data["nodes"]] == slugs
        assert [edge["cursor"] for edge in data["edges"]] == [encode_cursor(s) for s in slugs]
        assert data["pageInfo"]["hasPreviousPage"] is (after is not None)
        assert data["pageInfo"]["endCursor"] == data["edges"][-1]["cursor"]
        seen += slugs
        pages += 1
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == CURRENT_PARTNERS


async def test_filters_narrow_the_list_and_its_total(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    cases = [
        ({"countryCodes": ["FR"]}, ["ense3", "ensimag", "phelma", "telecom-saint-etienne"]),
        (
            {"countryCodes": ["FR"], "partnersOnly": False, "includeRetired": True},
            ["ense3", "ensiie", "ensimag", "grenoble-inp", "phelma", "telecom-saint-etienne"],
        ),
        (
            {"homeTrack": "IEL", "offerKinds": ["EXCHANGE"]},
            ["aalto-university", "ense3", "ensimag"],
        ),
        ({"offerKinds": ["DOUBLE_DEGREE"]}, ["phelma"]),
    ]
    for school_filter, expected in cases:
        data = (await data_of(execute, PAGE, {"first": 10, "filter": school_filter}))["schools"]
        assert [node["slug"] for node in data["nodes"]] == expected, school_filter
        assert data["totalCount"] == len(expected)


async def test_an_empty_page_still_counts(session: AsyncSession, execute: Execute) -> None:
    await build_sample_catalogue(session)
    data = (await data_of(execute, PAGE, {"first": 0}))["schools"]
    assert data == {
        "totalCount": 6,
        "edges": [],
        "nodes": [],
        "pageInfo": {
            "hasNextPage": True,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


async def test_the_page_size_is_capped(session: AsyncSession, execute: Execute) -> None:
    await build_synthetic_catalogue(session, MAX_PAGE_SIZE + 5)
    full = (await data_of(execute, PAGE, {"first": MAX_PAGE_SIZE}))["schools"]
    assert len(full["nodes"]) == MAX_PAGE_SIZE
    assert full["totalCount"] == MAX_PAGE_SIZE + 5
    result = await execute(PAGE, {"first": MAX_PAGE_SIZE + 1})
    assert result.data is None
    assert [error.message for error in result.errors or []] == [
        f"`first` must be between 0 and {MAX_PAGE_SIZE}."
    ]
    result = await execute(PAGE, {"first": -1})
    assert [error.message for error in result.errors or []] == [
        f"`first` must be between 0 and {MAX_PAGE_SIZE}."
    ]


async def test_a_forged_cursor_is_a_readable_error(session: AsyncSession, execute: Execute) -> None:
    await build_sample_catalogue(session)
    for cursor in ["not-a-cursor", encode_cursor("x")[:-3] + "!!!", "c2Nob29sOg"]:
        result = await execute(PAGE, {"first": 2, "after": cursor})
        assert [error.message for error in result.errors or []] == [
            "`after` is not a cursor given by this API."
        ], cursor
        assert result.errors is not None
        assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}


def test_cursors_round_trip() -> None:
    assert decode_cursor(encode_cursor("télécom-saint-étienne")) == "télécom-saint-étienne"
