"""DataLoaders, created per request: each batch is one query, results in key order.

Loaders return what the catalogue's read functions return (records of
service.catalogue.records, ``SchoolInfo``, or rows of the link-health tables, read-only); the
GraphQL types wrap them. Every batch goes through the request's SerializedSession, so
concurrent batches never share the session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from service.catalogue import countries, links, offers, programmes, schools, tracks
from service.catalogue.findings import load_findings_by_school
from service.catalogue.keyset import Page, PageRequest
from service.catalogue.link_health import (
    count_link_checks,
    load_link_checks,
    load_link_health,
    load_sync_runs,
    page_link_checks,
)
from service.catalogue.records import (
    CountryRecord,
    FindingRecord,
    HomeTrackRecord,
    LinkRecord,
    OfferRecord,
    ProgrammeRecord,
    SchoolRecord,
    SelectionRuleRecord,
)
from service.catalogue.school_info import SchoolInfo, load_school_info
from service.db.models import LinkCheck, SyncRun, UrlHealth
from service.db.serialized import SerializedSession

K = TypeVar("K")
V = TypeVar("V")
A = TypeVar("A", bound=Hashable)

#: A loader key for offers: (owner id, include retired offers).
OfferKey = tuple[int, bool]
#: A loader key for a link's checks: (link id, how many of the latest).
ChecksKey = tuple[int, int]
#: What a school's findings are filtered on: (kinds or None for all, include resolved ones).
FindingsArguments = tuple[tuple[str, ...] | None, bool]
FindingsKey = tuple[int, FindingsArguments]


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


def _in_key_order(
    db: SerializedSession, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]
) -> DataLoader[K, V]:
    """A loader over a batch function that already answers one value per key, in order."""

    async def load(keys: list[K]) -> list[V]:
        return list(await db.run(fetch, keys))

    return DataLoader(load)


def _per_arguments(
    db: SerializedSession,
    fetch: Callable[[AsyncSession, Sequence[int], A], Awaitable[Sequence[V]]],
) -> DataLoader[tuple[int, A], V]:
    """A loader keyed on (owner id, field arguments); ``fetch`` answers in key order."""

    async def load(keys: list[tuple[int, A]]) -> list[V]:
        found: dict[tuple[int, A], V] = {}
        # One statement per distinct argument value: the count depends on the query only.
        for arguments in dict.fromkeys(arguments for _, arguments in keys):
            ids = [owner for owner, other in keys if other == arguments]
            values = await db.run(fetch, ids, arguments)
            found.update(
                ((owner, arguments), value) for owner, value in zip(ids, values, strict=True)
            )
        return [found[key] for key in keys]

    return DataLoader(load)


async def _latest_checks(
    session: AsyncSession, link_ids: Sequence[int], last: int
) -> list[list[LinkCheck]]:
    return await load_link_checks(session, link_ids, last=last)


async def _findings_of_schools(
    session: AsyncSession, school_ids: Sequence[int], arguments: FindingsArguments
) -> list[list[FindingRecord]]:
    kinds, include_resolved = arguments
    return await load_findings_by_school(
        session, school_ids, kinds=kinds, include_resolved=include_resolved
    )


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
    health_of_link: DataLoader[int, UrlHealth | None]
    checks_of_link: DataLoader[ChecksKey, list[LinkCheck]]
    check_page_of_link: DataLoader[tuple[int, PageRequest], Page]
    check_count_of_link: DataLoader[int, int]
    sync_run: DataLoader[int, SyncRun | None]
    info_of_school: DataLoader[int, SchoolInfo]
    findings_of_school: DataLoader[FindingsKey, list[FindingRecord]]


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
        health_of_link=_in_key_order(db, load_link_health),
        checks_of_link=_per_arguments(db, _latest_checks),
        check_page_of_link=_per_arguments(db, page_link_checks),
        check_count_of_link=_in_key_order(db, count_link_checks),
        sync_run=_in_key_order(db, load_sync_runs),
        info_of_school=_in_key_order(db, load_school_info),
        findings_of_school=_per_arguments(db, _findings_of_schools),
    )
