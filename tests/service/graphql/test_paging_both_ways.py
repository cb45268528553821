"""The school connection read backwards (`last`/`before`) and in other orders (`orderBy`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_school
from tests.sample_catalogue import CURRENT_PARTNERS, build_sample_catalogue
from tests.service.graphql.conftest import Execute, data_of

PAGE = """
query Page($first: Int, $after: String, $last: Int, $before: String, $orderBy: SchoolOrder) {
  schools(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy) {
    totalCount
    edges { cursor node { slug } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""
BY_SLUG = CURRENT_PARTNERS


async def _walk(execute: Execute, variables: dict[str, Any], *, backward: bool) -> list[str]:
    """Every slug, one page after another, forwards with `after` or backwards with `before`."""
    seen: list[str] = []
    cursor = None
    while True:
        key = "before" if backward else "after"
        data = (await data_of(execute, PAGE, {**variables, key: cursor}))["schools"]
        slugs = [edge["node"]["slug"] for edge in data["edges"]]
        info = data["pageInfo"]
        seen = slugs + seen if backward else seen + slugs
        if not (info["hasPreviousPage"] if backward else info["hasNextPage"]):
            return seen
        cursor = info["startCursor"] if backward else info["endCursor"]


async def test_backward_pages_end_where_forward_pages_start(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    assert await _walk(execute, {"last": 4}, backward=True) == BY_SLUG
    data = (await data_of(execute, PAGE, {"last": 2}))["schools"]
    assert [edge["node"]["slug"] for edge in data["edges"]] == BY_SLUG[-2:]
    assert data["pageInfo"]["hasPreviousPage"] is True
    assert data["pageInfo"]["hasNextPage"] is False
    # Back from the last page's start: the two before it.
    before = data["pageInfo"]["startCursor"]
    previous = (await data_of(execute, PAGE, {"last": 2, "before": before}))["schools"]
    assert [edge["node"]["slug"] for edge in previous["edges"]] == BY_SLUG[2:4]
    assert previous["pageInfo"]["hasNextPage"] is True


async def test_after_and_before_together_bound_the_page(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    edges = (await data_of(execute, PAGE, {"first": 6}))["schools"]["edges"]
    data = await data_of(
        execute, PAGE, {"first": 10, "after": edges[0]["cursor"], "before": edges[3]["cursor"]}
    )
    assert [edge["node"]["slug"] for edge in data["schools"]["edges"]] == BY_SLUG[1:3]


async def test_schools_page_by_name_and_by_country(session: AsyncSession, execute: Execute) -> None:
    await build_sample_catalogue(session)
    # First by slug, last by name.
    await make_school(session, slug="a-zeta", name="Zeta Institute", country_code="FI")
    by_name = [*CURRENT_PARTNERS, "a-zeta"]  # the sample's names sort as its slugs do
    assert await _walk(execute, {"first": 4, "orderBy": "NAME"}, backward=False) == by_name
    assert await _walk(execute, {"last": 4, "orderBy": "NAME"}, backward=True) == by_name
    by_country = [
        "universite-de-sherbrooke",  # CA
        "a-zeta",  # FI, then by slug
        "aalto-university",
        "ense3",  # FR
        "ensimag",
        "phelma",
        "telecom-saint-etienne",
    ]
    assert await _walk(execute, {"first": 4, "orderBy": "COUNTRY"}, backward=False) == by_country
    assert await _walk(execute, {"last": 5, "orderBy": "COUNTRY"}, backward=True) == by_country


async def test_a_cursor_of_another_order_or_both_page_sizes_are_readable_errors(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    by_slug = (await data_of(execute, PAGE, {"first": 1}))["schools"]["pageInfo"]["endCursor"]
    result = await execute(PAGE, {"first": 1, "before": by_slug, "orderBy": "NAME"})
    assert [error.message for error in result.errors or []] == [
        "`before` is not a cursor given by this API."
    ]
    result = await execute(PAGE, {"first": 1, "last": 1})
    assert [error.message for error in result.errors or []] == ["Give `first` or `last`, not both."]
