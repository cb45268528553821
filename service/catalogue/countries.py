"""Countries: the list with its filters."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.id_sets import member_of
from service.catalogue.records import CountryRecord, record_from
from service.catalogue.schools import is_current_partner
from service.catalogue.served_fields import served_school
from service.db import Country, School

_COLUMNS = (Country.code, Country.name_fr, Country.name_en)


def served_countries_of_partners() -> Select[Any]:
    """SQL: the country codes current partner schools are served in (an override wins)."""
    school = served_school()
    return school.join(
        select(school.column("country_code")).select_from(School).where(is_current_partner())
    )


async def list_countries(
    session: AsyncSession, *, codes: Collection[str] | None = None, with_partners: bool = False
) -> list[CountryRecord]:
    """Countries ordered by code; only ``codes`` when given, only those with partners if asked."""
    query = select(*_COLUMNS).order_by(Country.code)
    if codes is not None:
        query = query.where(member_of(session, Country.code, [code.upper() for code in codes]))
    if with_partners:
        query = query.where(Country.code.in_(served_countries_of_partners()))
    return [record_from(CountryRecord, row._mapping) for row in await session.execute(query)]
