"""DataLoaders for the fields the catalogue table does not declare yet, created per request.

The relations of ``compiler.relations.FIELDS`` load through ``relation_loaders`` (one loader
written from the table entry). What remains here is read by dedicated batch functions: links,
school info, findings and link health, until the table declares them too. Each batch is one
query per distinct key arguments, results in key order, through the request's
SerializedSession (concurrent batches never share the session).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from service.catalogue import (
    FindingRecord,
    LinkRecord,
    Page,
    PageRequest,
    SchoolInfo,
    count_link_checks,
    links_by_programmes,
    links_by_schools,
    load_findings_by_school,
    load_link_checks,
    load_link_health,
    load_school_info,
    load_sync_runs,
    page_link_checks,
)
from service.db import LinkCheck, SerializedSession, SyncRun, UrlHealth

K = TypeVar("K")
V = TypeVar("V")
A = TypeVar("A", bound=Hashable)

#: A loader key for a link's checks: (link id, how many of the latest).
ChecksKey = tuple[int, int]
#: What a school's findings are filtered on: (kinds or None for all, include resolved ones).
FindingsArguments = tuple[tuple[str, ...] | None, bool]
FindingsKey = tuple[int, FindingsArguments]


def _list_each(
    db: SerializedSession,
    fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Mapping[K, list[V]]]],
) -> DataLoader[K, list[V]]:
    async def load(keys: list[K]) -> list[list[V]]:
        found = await db.run_to_end(fetch, keys)
        return [found.get(key, []) for key in keys]

    return DataLoader(load)


def _in_key_order(
    db: SerializedSession, fetch: Callable[[AsyncSession, Sequence[K]], Awaitable[Sequence[V]]]
) -> DataLoader[K, V]:
    """A loader over a batch function that already answers one value per key, in order."""

    async def load(keys: list[K]) -> list[V]:
        return list(await db.run_to_end(fetch, keys))

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
            values = await db.run_to_end(fetch, ids, arguments)
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


@dataclass(frozen=True, slots=True)
class Loaders:
    """Every loader of one request."""

    links_of_school: DataLoader[int, list[LinkRecord]]
    links_of_programme: DataLoader[int, list[LinkRecord]]
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
        links_of_school=_list_each(db, links_by_schools),
        links_of_programme=_list_each(db, links_by_programmes),
        health_of_link=_in_key_order(db, load_link_health),
        checks_of_link=_per_arguments(db, _latest_checks),
        check_page_of_link=_per_arguments(db, page_link_checks),
        check_count_of_link=_in_key_order(db, count_link_checks),
        sync_run=_in_key_order(db, load_sync_runs),
        info_of_school=_in_key_order(db, load_school_info),
        findings_of_school=_per_arguments(db, _findings_of_schools),
    )
