"""Offers: the filtered list, and offers by id for ``node``."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, and_, exists, func, literal_column, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from service.catalogue.id_sets import Column, member_of
from service.catalogue.keyset import Order, Page, PageRequest, Position, cut_page, page_query
from service.catalogue.records import OfferRecord, record_from
from service.catalogue.school_deadline import deadline_order_keys
from service.catalogue.served_fields import served
from service.db import Offer, OfferKind, School, offer_home_track

_COLUMNS = (
    Offer.id,
    Offer.school_id,
    Offer.programme_id,
    Offer.kind,
    Offer.places,
    Offer.academic_year,
    Offer.retired_at,
)
# Newest academic year first ("2019/2020" sorts the same under every collation).
_ORDER = (Offer.academic_year.desc(), Offer.id)


@dataclass(frozen=True, slots=True)
class OfferCriteria:
    """What ``list_offers`` keeps; every criterion is optional."""

    kinds: Sequence[OfferKind] | None = None
    academic_year: str | None = None
    country_code: str | None = None
    #: Offers open to every track, plus those reserved to this one.
    home_track: str | None = None
    #: True: places known and above zero; False: places known to be zero; None: any.
    has_places: bool | None = None
    include_retired: bool = False
    #: Only offers of these schools (what the partners ask decided it: offer_requirements).
    school_ids: Sequence[int] | None = None


def offer_open_to(home_track: str) -> ColumnElement[bool]:
    """SQL: the offer is open to every track, or reserved to ``home_track`` among others."""
    reserved = exists().where(offer_home_track.c.offer_id == Offer.id)
    reserved_to_track = exists().where(
        offer_home_track.c.offer_id == Offer.id,
        offer_home_track.c.home_track_code == home_track.upper(),
    )
    return or_(not_(reserved), reserved_to_track)


def _record(row: Row[*tuple[Any, ...]]) -> OfferRecord:
    return record_from(OfferRecord, row._mapping)


def _select_offers(*, include_retired: bool) -> Select[*tuple[Any, ...]]:
    query = select(*_COLUMNS)
    if not include_retired:
        query = query.where(Offer.retired_at.is_(None))
    return query.order_by(*_ORDER)


def _filtered(criteria: OfferCriteria) -> Select[*tuple[Any, ...]]:
    """The offers matching ``criteria``, unordered."""
    query = select(*_COLUMNS)
    if not criteria.include_retired:
        query = query.where(Offer.retired_at.is_(None))
    if criteria.kinds is not None:
        query = query.where(Offer.kind.in_(list(criteria.kinds)))
    if criteria.academic_year is not None:
        query = query.where(Offer.academic_year == criteria.academic_year)
    if criteria.country_code is not None or not criteria.include_retired:
        school_filters: list[ColumnElement[bool]] = [School.id == Offer.school_id]
        if criteria.country_code is not None:
            school_filters.append(served(School, "country_code") == criteria.country_code.upper())
        if not criteria.include_retired:
            school_filters.append(School.retired_at.is_(None))
        query = query.where(exists().where(and_(*school_filters)))
    if criteria.home_track is not None:
        query = query.where(offer_open_to(criteria.home_track))
    if criteria.has_places is True:
        query = query.where(Offer.places > 0)
    elif criteria.has_places is False:
        query = query.where(Offer.places == 0)
    if criteria.school_ids is not None:
        query = query.where(Offer.school_id.in_(list(criteria.school_ids)))
    return query


async def offer_school_ids(session: AsyncSession, criteria: OfferCriteria) -> list[int]:
    """The schools giving at least one offer matching ``criteria``."""
    query = _filtered(criteria).with_only_columns(Offer.school_id).distinct()
    return list(await session.scalars(query))


async def list_offers(session: AsyncSession, criteria: OfferCriteria) -> list[OfferRecord]:
    """Offers matching ``criteria``, newest academic year first."""
    query = _filtered(criteria).order_by(*_ORDER)
    return [_record(row) for row in await session.execute(query)]


class OfferOrder(enum.Enum):
    """How a page of offers is ordered; the offer id breaks ties."""

    ACADEMIC_YEAR = "academic_year"
    PLACES = "places"
    DEADLINE = "deadline"


@dataclass(frozen=True, slots=True)
class OfferColumns:
    """The offer columns an order reads: the table's, or an alias's in SQL written as text."""

    id: Column
    school_id: Column
    academic_year: Column
    places: Column


#: The offer table's own columns.
OFFER_COLUMNS = OfferColumns(Offer.id, Offer.school_id, Offer.academic_year, Offer.places)


def offer_columns(alias: str) -> OfferColumns:
    """The columns of the offer row ``alias`` of a statement written as text (the compiled
    read path compiles ``offer_order`` over them, so both paths sort by one expression)."""
    names = ("id", "school_id", "academic_year", "places")
    return OfferColumns(*(literal_column(f"{alias}.{name}") for name in names))


def offer_order(order: OfferOrder, offer: OfferColumns = OFFER_COLUMNS) -> Order:
    """The keyset order for ``order``: newest year first, most places first (unknown places
    after every known number), or the school's application deadline soonest first (none last:
    ``school_deadline``); then the offer id."""
    if order is OfferOrder.DEADLINE:
        leading = list(deadline_order_keys(offer.school_id))
        return Order(columns=[*leading, offer.id], descending=[False] * (len(leading) + 1))
    column = (
        offer.academic_year
        if order is OfferOrder.ACADEMIC_YEAR
        else func.coalesce(offer.places, -1)
    )
    return Order(columns=[column, offer.id], descending=[True, False])


#: The Python types of a position's values in each order (what a cursor must hold).
POSITION_TYPES: dict[OfferOrder, tuple[type, ...]] = {
    OfferOrder.ACADEMIC_YEAR: (str, int),
    OfferOrder.PLACES: (int, int),
    OfferOrder.DEADLINE: (int, str, int),
}


@dataclass(frozen=True, slots=True)
class PagedOffer:
    """An offer of a page, and where it sits in the page's order (what its cursor holds)."""

    record: OfferRecord
    position: Position


def _key(index: int) -> str:
    return f"order_key_{index}"


async def page_offers(
    session: AsyncSession, criteria: OfferCriteria, order: OfferOrder, request: PageRequest
) -> Page:
    """One page of the offers matching ``criteria``, in ``order``, either direction: its rows
    are ``PagedOffer``s, their positions read by the statement itself."""
    keyset = offer_order(order)
    keys = [column.label(_key(index)) for index, column in enumerate(keyset.columns)]
    query = page_query(_filtered(criteria).add_columns(*keys), keyset, request)
    rows = [
        PagedOffer(_record(row), tuple(row._mapping[_key(i)] for i in range(len(keys))))
        for row in await session.execute(query)
    ]
    return cut_page(rows, request)


async def count_offers(session: AsyncSession, criteria: OfferCriteria) -> int:
    """How many offers match ``criteria``."""
    query = select(func.count()).select_from(_filtered(criteria).subquery())
    return int(await session.scalar(query) or 0)


async def offers_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, OfferRecord]:
    """Offers by id, retired or not (``node`` fetches any offer an id was given for)."""
    query = select(*_COLUMNS).where(member_of(session, Offer.id, ids))
    return {row.id: _record(row) for row in await session.execute(query)}
