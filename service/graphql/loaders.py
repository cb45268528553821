"""DataLoaders, created per request: each batch is one query, results in key order.

Loaders return records (service.catalogue.records); the GraphQL types wrap them. Every batch
goes through the request's SerializedSession, so concurrent batches never share the session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from service.catalogue import countries, links, offers, programmes, schools, tracks
from service.catalogue.records import (
    CountryRecord,
    HomeTrackRecord,
    LinkRecord,
    OfferRecord,
    ProgrammeRecord,
    SchoolRecord,
    SelectionRuleRecord,
)
from service.db.serialized import SerializedSession

K = TypeVar("K")
V = TypeVar("V")

#: A loader key for offers: (owner id, include retired offers).
OfferKey = tuple[int, bool]


def _one_each(
    db: SerializedSession, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Mapping[K, V]]]
) -> DataLoader[K, V | None]:
    async def load(keys: list[K]) -> list[V | None]:
        found = await db.run(fetch, keys)
        return [found.get(key) for key in keys]

    return DataLoader(load)


def _list_each(
    db: SerializedSession,
    fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Mapping[K, list[V]]]],
) -> DataLoader[K, list[V]]:
    async def load(keys: list[K]) -> list[list[V]]:
        found = await db.run(fetch, keys)
        return [found.get(key, []) for key in keys]

    return DataLoader(load)


def _offers_each(
    db: SerializedSession,
    fetch: Callable[..., Awaitable[Mapping[int, list[OfferRecord]]]],
) -> DataLoader[OfferKey, list[OfferRecord]]:
    async def load(keys: list[OfferKey]) -> list[list[OfferRecord]]:
        found: dict[OfferKey, list[OfferRecord]] = {}
        # One statement per flag value present: the count depends on the query, not the data.
        for include_retired in sorted({flag for _, flag in keys}):
            ids = [owner for owner, flag in keys if flag is include_retired]
            batch = await db.run(fetch, ids, include_retired=include_retired)
            found.update({(owner, include_retired): batch.get(owner, []) for owner in ids})
        return [found[key] for key in keys]

    return DataLoader(load)


def _rule_for_track(db: SerializedSession) -> DataLoader[str, SelectionRuleRecord | None]:
    async def load(codes: list[str]) -> list[SelectionRuleRecord | None]:
        rules = {rule.home_track_code: rule for rule in await db.run(tracks.list_selection_rules)}
        return [rules.get(code, rules.get(None)) for code in codes]

    return DataLoader(load)


@dataclass(frozen=True, slots=True)
class Loaders:
    """Every loader of one request."""

    country: DataLoader[str, CountryRecord | None]
    school: DataLoader[int, SchoolRecord | None]
    programme: DataLoader[int, ProgrammeRecord | None]
    home_track: DataLoader[str, HomeTrackRecord | None]
    partner_schools_of_country: DataLoader[str, list[SchoolRecord]]
    programmes_of_school: DataLoader[int, list[ProgrammeRecord]]
    schools_of_programme: DataLoader[int, list[SchoolRecord]]
    offers_of_school: DataLoader[OfferKey, list[OfferRecord]]
    offers_of_programme: DataLoader[OfferKey, list[OfferRecord]]
    home_tracks_of_offer: DataLoader[int, list[HomeTrackRecord]]
    links_of_school: DataLoader[int, list[LinkRecord]]
    links_of_programme: DataLoader[int, list[LinkRecord]]
    selection_rule_of_track: DataLoader[str, SelectionRuleRecord | None]


def build_loaders(db: SerializedSession) -> Loaders:
    """Fresh loaders (and so fresh caches) for one request."""
    return Loaders(
        country=_one_each(db, countries.countries_by_codes),
        school=_one_each(db, schools.schools_by_ids),
        programme=_one_each(db, programmes.programmes_by_ids),
        home_track=_one_each(db, tracks.home_tracks_by_codes),
        partner_schools_of_country=_list_each(db, schools.partner_schools_by_countries),
        programmes_of_school=_list_each(db, programmes.programmes_by_schools),
        schools_of_programme=_list_each(db, schools.schools_by_programmes),
        offers_of_school=_offers_each(db, offers.offers_by_schools),
        offers_of_programme=_offers_each(db, offers.offers_by_programmes),
        home_tracks_of_offer=_list_each(db, offers.home_tracks_by_offers),
        links_of_school=_list_each(db, links.links_by_schools),
        links_of_programme=_list_each(db, links.links_by_programmes),
        selection_rule_of_track=_rule_for_track(db),
    )
