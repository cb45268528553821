"""How large the catalogue's lists can be: the counts the query cost model multiplies.

One statement of scalar subqueries over whole tables. Each figure is an upper bound of what a
list field can return (retired offers, non-partner schools and overrides are not subtracted),
which is what a cost bound needs: cheap, and never an underestimate of the stored rows.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql._typing import _ColumnExpressionArgument

from service.db import (
    Country,
    Finding,
    HomeTrack,
    Link,
    Offer,
    School,
    SelectionRule,
    offer_home_track,
    school_programme,
)


@dataclass(frozen=True, slots=True)
class CatalogueBounds:
    """The most rows each catalogue list can hold, at one data version."""

    countries: int
    schools: int
    schools_per_country: int
    schools_per_programme: int
    programmes_per_school: int
    school_programmes: int
    offers: int
    offers_per_school: int
    tracks_per_offer: int
    offer_tracks: int
    home_tracks: int
    selection_rules: int
    links: int
    links_per_owner: int
    findings: int
    findings_per_school: int


_pairs = school_programme


def _count(table: object) -> ColumnElement[int]:
    return select(func.count()).select_from(table).scalar_subquery()  # type: ignore[arg-type]


def _largest_group(table: object, *columns: _ColumnExpressionArgument[Any]) -> ColumnElement[int]:
    """The size of the largest group of ``table``'s rows sharing ``columns`` (0 if empty)."""
    groups = (
        select(func.count().label("size"))
        .select_from(table)  # type: ignore[arg-type]
        .group_by(*columns)
        .subquery()
    )
    return select(func.coalesce(func.max(groups.c.size), literal(0))).scalar_subquery()


@functools.cache
def _bounds_query() -> Select[*tuple[int, ...]]:
    # Built once: constructing these sixteen subqueries took ~25 ms, per data version.
    return select(
        _count(Country).label("countries"),
        _count(School).label("schools"),
        _largest_group(School, School.country_code).label("schools_per_country"),
        _largest_group(_pairs, _pairs.c.programme_id).label("schools_per_programme"),
        _largest_group(_pairs, _pairs.c.school_id).label("programmes_per_school"),
        _count(_pairs).label("school_programmes"),
        _count(Offer).label("offers"),
        _largest_group(Offer, Offer.school_id).label("offers_per_school"),
        _largest_group(offer_home_track, offer_home_track.c.offer_id).label("tracks_per_offer"),
        _count(offer_home_track).label("offer_tracks"),
        _count(HomeTrack).label("home_tracks"),
        _count(SelectionRule).label("selection_rules"),
        _count(Link).label("links"),
        _largest_group(Link, Link.school_id, Link.programme_id).label("links_per_owner"),
        _count(Finding).label("findings"),
        _largest_group(Finding, Finding.school_id).label("findings_per_school"),
    )


async def read_catalogue_bounds(session: AsyncSession) -> CatalogueBounds:
    """The catalogue's list sizes now (one statement)."""
    row = (await session.execute(_bounds_query())).one()
    return CatalogueBounds(**{name: int(value) for name, value in row._mapping.items()})
