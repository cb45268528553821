"""Batch queries take any number of keys in one parameter, and order slugs byte by byte."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.countries import countries_by_codes
from service.catalogue.schools import SchoolCriteria, page_schools, schools_by_ids
from tests.catalogues import FIRST_ID, build_synthetic_catalogue
from tests.factories import make_school


async def test_forty_thousand_ids_fit_in_one_statement(session: AsyncSession) -> None:
    # Both drivers refuse more than 32,767 parameters; the ids travel as one value.
    await build_synthetic_catalogue(session, 16)
    found = await schools_by_ids(session, [*range(40_000), FIRST_ID + 3, FIRST_ID + 15])
    assert sorted(found) == [FIRST_ID + 3, FIRST_ID + 15]
    assert found[FIRST_ID + 3].slug == "partner-00003"


async def test_string_keys_work_the_same(session: AsyncSession) -> None:
    await build_synthetic_catalogue(session, 16)
    found = await countries_by_codes(session, ["FI", "ZZ", "FR"])
    assert sorted(found) == ["FI", "FR"]
    assert found["FI"].name_en == "Finland"


async def test_slugs_sort_byte_by_byte_whatever_the_collation(session: AsyncSession) -> None:
    for slug in ["ab", "a-c", "b", "a-b-c"]:
        await make_school(session, slug=slug)
    page = await page_schools(session, SchoolCriteria(), limit=10, after_slug=None)
    assert [school.slug for school in page] == ["a-b-c", "a-c", "ab", "b"]
    after = await page_schools(session, SchoolCriteria(), limit=10, after_slug="a-c")
    assert [school.slug for school in after] == ["ab", "b"]
