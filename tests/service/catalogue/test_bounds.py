"""The catalogue's list sizes read by the cost model, on the sample catalogue."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.bounds import read_catalogue_bounds
from service.db.models import Country, Offer, School
from tests.sample_catalogue import build_sample_catalogue


async def test_an_empty_catalogue_has_no_rows_to_multiply(session: AsyncSession) -> None:
    bounds = await read_catalogue_bounds(session)
    assert (bounds.countries, bounds.schools, bounds.offers_per_school) == (0, 0, 0)


async def test_bounds_are_the_largest_groups_of_the_stored_rows(session: AsyncSession) -> None:
    await build_sample_catalogue(session)
    await session.flush()
    bounds = await read_catalogue_bounds(session)
    per_country = (
        select(func.count().label("n")).select_from(School).group_by(School.country_code).subquery()
    )
    per_school = (
        select(func.count().label("n")).select_from(Offer).group_by(Offer.school_id).subquery()
    )
    expected = (
        await session.scalar(select(func.count()).select_from(Country)),
        await session.scalar(select(func.count()).select_from(School)),
        await session.scalar(select(func.max(per_country.c.n))),
        await session.scalar(select(func.max(per_school.c.n))),
    )
    assert (
        bounds.countries,
        bounds.schools,
        bounds.schools_per_country,
        bounds.offers_per_school,
    ) == expected
    assert (bounds.countries, bounds.schools, bounds.schools_per_country) == (3, 8, 6)
