"""Schools: by id or slug, and the keyset-paginated list (rows by name, served columns)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from service.catalogue.id_sets import binary_order, member_of
from service.catalogue.keyset import Order, Page, PageRequest, Position, cut_page, page_query
from service.catalogue.offers import offer_open_to
from service.catalogue.records import SchoolRecord, record_from
from service.catalogue.served_fields import served_school
from service.db import Offer, OfferKind, School

#: Name, short name, city, country and website as served: an admin override wins.
_SERVED = served_school()
#: The same value as the served country_code, from the indexed column its triggers maintain.
_COUNTRY = School.served_country_code
_COLUMNS = (
    School.id,
    School.slug,
    _SERVED.label("name"),
    _SERVED.label("short_name"),
    _SERVED.label("city"),
    _SERVED.label("country_code"),
    School.parent_id,
    _SERVED.label("website"),
    School.is_partner,
    School.retired_at,
)


@dataclass(frozen=True, slots=True)
class SchoolCriteria:
    """What the school list keeps."""

    country_codes: Sequence[str] | None = None
    #: Partners only (parent institutions such as Grenoble INP are schools, not partners).
    partners_only: bool = True
    include_retired: bool = False
    #: Schools with a current offer open to this home track.
    home_track: str | None = None
    #: Schools with a current offer of one of these kinds.
    offer_kinds: Sequence[OfferKind] | None = None


def is_current_partner() -> ColumnElement[bool]:
    """SQL: the school is listed as a partner and not retired."""
    return and_(School.is_partner.is_(True), School.retired_at.is_(None))


def _record(row: Row[*tuple[Any, ...]]) -> SchoolRecord:
    return record_from(SchoolRecord, row._mapping)


def _from_schools(*columns: Any) -> Select[*tuple[Any, ...]]:
    """``SELECT columns FROM school`` with the overrides joined (``_COUNTRY`` may be used)."""
    return _SERVED.join(select(*columns).select_from(School))


def served_school_rows() -> Select[*tuple[Any, ...]]:
    """SQL: every school with its served columns (named like ``SchoolRecord``'s fields)."""
    return _from_schools(*_COLUMNS)


def _select(session: AsyncSession) -> Select[*tuple[Any, ...]]:
    return _from_schools(*_COLUMNS).order_by(binary_order(session, School.slug))


async def schools_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, SchoolRecord]:
    """Schools by id, retired or not (a parent or an offer's school is shown whatever its state)."""
    query = _from_schools(*_COLUMNS).where(member_of(session, School.id, ids))
    return {row.id: _record(row) for row in await session.execute(query)}


async def school_by_slug(session: AsyncSession, slug: str) -> SchoolRecord | None:
    """The school with this slug, retired or not; None when there is none."""
    query = _from_schools(*_COLUMNS).where(School.slug == slug)
    row = (await session.execute(query)).first()
    return None if row is None else _record(row)


def _criteria_filters(criteria: SchoolCriteria) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if criteria.country_codes is not None:
        codes = [code.upper() for code in criteria.country_codes]
        filters.append(_COUNTRY.in_(codes))
    if criteria.partners_only:
        filters.append(School.is_partner.is_(True))
    if not criteria.include_retired:
        filters.append(School.retired_at.is_(None))
    if criteria.home_track is not None or criteria.offer_kinds is not None:
        offer_filters = [Offer.school_id == School.id, Offer.retired_at.is_(None)]
        if criteria.home_track is not None:
            offer_filters.append(offer_open_to(criteria.home_track))
        if criteria.offer_kinds is not None:
            offer_filters.append(Offer.kind.in_(list(criteria.offer_kinds)))
        filters.append(exists().where(*offer_filters))
    return filters


def school_page_query(
    session: AsyncSession, criteria: SchoolCriteria, *, limit: int, after_slug: str | None
) -> Select[*tuple[Any, ...]]:
    """The statement of :func:`page_schools` (apart, so that its plan can be examined)."""
    query = _select(session).where(*_criteria_filters(criteria)).limit(limit)
    if after_slug is not None:
        query = query.where(binary_order(session, School.slug) > after_slug)
    return query


async def page_schools(
    session: AsyncSession, criteria: SchoolCriteria, *, limit: int, after_slug: str | None
) -> list[SchoolRecord]:
    """Up to ``limit`` schools matching ``criteria`` whose slug sorts after ``after_slug``.

    Keyset pagination in SQL: the page costs the same wherever it is in the list.
    """
    query = school_page_query(session, criteria, limit=limit, after_slug=after_slug)
    return [_record(row) for row in await session.execute(query)]


class SchoolOrder(enum.Enum):
    """How a page of schools is ordered; the slug breaks ties."""

    SLUG = "slug"
    NAME = "name"
    COUNTRY = "country"


def school_order(session: AsyncSession, order: SchoolOrder) -> Order:
    """The keyset order for ``order`` (byte-wise, so pages agree on both backends)."""
    slug = binary_order(session, School.slug)
    leading = {
        SchoolOrder.SLUG: [],
        SchoolOrder.NAME: [binary_order(session, _SERVED.column("name"))],
        SchoolOrder.COUNTRY: [binary_order(session, _COUNTRY)],
    }[order]
    columns = [*leading, slug]
    return Order(columns=columns, descending=[False] * len(columns))


def school_position(record: SchoolRecord, order: SchoolOrder) -> Position:
    """Where ``record`` sits in ``order`` (what its cursor holds)."""
    if order is SchoolOrder.NAME:
        return (record.name, record.slug)
    if order is SchoolOrder.COUNTRY:
        return (record.country_code, record.slug)
    return (record.slug,)


async def page_schools_in_order(
    session: AsyncSession, criteria: SchoolCriteria, order: SchoolOrder, request: PageRequest
) -> Page:
    """One page of the schools matching ``criteria``, in ``order``, either direction."""
    query = _from_schools(*_COLUMNS).where(*_criteria_filters(criteria))
    rows = await session.execute(page_query(query, school_order(session, order), request))
    return cut_page([_record(row) for row in rows], request)


def count_query(criteria: SchoolCriteria) -> Select[*tuple[Any, ...]]:
    """The statement of :func:`count_schools`."""
    return _from_schools(func.count()).where(*_criteria_filters(criteria))


async def count_schools(session: AsyncSession, criteria: SchoolCriteria) -> int:
    """How many schools match ``criteria``."""
    return int(await session.scalar(count_query(criteria)) or 0)


async def schools_by_slugs(session: AsyncSession, slugs: Sequence[str]) -> dict[str, SchoolRecord]:
    """Schools by slug, retired or not (``node`` fetches any school an id was given for)."""
    query = _from_schools(*_COLUMNS).where(member_of(session, School.slug, slugs))
    return {row.slug: _record(row) for row in await session.execute(query)}


async def all_schools(
    session: AsyncSession, criteria: SchoolCriteria, *, batch: int = 500
) -> list[SchoolRecord]:
    """Every school matching ``criteria``, by slug, read ``batch`` at a time (pages, feeds)."""
    found: list[SchoolRecord] = []
    after: str | None = None
    while page := await page_schools(session, criteria, limit=batch, after_slug=after):
        found += page
        after = page[-1].slug
    return found
