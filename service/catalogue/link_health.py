"""Read queries for link health and sync runs (what the API serves about them).

Batch functions take a list of keys and return one entry per key, in the order given, so that
DataLoaders can call them directly; each costs one statement whatever the number of keys.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.id_sets import member_of
from service.catalogue.keyset import (
    Order,
    Page,
    PageRequest,
    cut_page,
    page_conditions,
    page_query,
    page_terms,
)
from service.db import Link, LinkCheck, SyncRun, UrlHealth


async def load_link_health(
    session: AsyncSession, link_ids: Sequence[int]
) -> list[UrlHealth | None]:
    """The current health of each link's URL (None when never checked), in ``link_ids`` order."""
    if not link_ids:
        return []
    rows = await session.execute(
        select(Link.id, UrlHealth)
        .join(UrlHealth, UrlHealth.url == Link.url)
        .where(member_of(session, Link.id, set(link_ids)))
    )
    by_link: dict[int, UrlHealth] = dict(rows.all())
    return [by_link.get(link_id) for link_id in link_ids]


async def load_link_checks(
    session: AsyncSession, link_ids: Sequence[int], *, last: int = 10
) -> list[list[LinkCheck]]:
    """The ``last`` checks of each link, newest first, in ``link_ids`` order."""
    if not link_ids:
        return []
    rank = (
        func.row_number()
        .over(
            partition_by=LinkCheck.link_id,
            order_by=(LinkCheck.checked_at.desc(), LinkCheck.id.desc()),
        )
        .label("rank")
    )
    ranked = (
        select(LinkCheck.id, rank)
        .where(member_of(session, LinkCheck.link_id, set(link_ids)))
        .subquery()
    )
    rows = await session.scalars(
        select(LinkCheck)
        .join(ranked, ranked.c.id == LinkCheck.id)
        .where(ranked.c.rank <= last)
        .order_by(LinkCheck.link_id, ranked.c.rank)
    )
    by_link: dict[int, list[LinkCheck]] = {link_id: [] for link_id in link_ids}
    for check in rows:
        by_link[check.link_id].append(check)
    return [by_link[link_id] for link_id in link_ids]


#: A link's checks, newest first, as `load_link_checks`.
LINK_CHECK_ORDER = Order(columns=[LinkCheck.checked_at, LinkCheck.id], descending=[True, True])


async def page_link_checks(
    session: AsyncSession, link_ids: Sequence[int], request: PageRequest
) -> list[Page]:
    """One page of each link's checks, newest first, in ``link_ids`` order (one statement)."""
    if not link_ids:
        return []
    rank = (
        func.row_number()
        .over(partition_by=LinkCheck.link_id, order_by=page_terms(LINK_CHECK_ORDER, request))
        .label("rank")
    )
    ranked = (
        select(LinkCheck.id, rank)
        .where(member_of(session, LinkCheck.link_id, set(link_ids)))
        .where(*page_conditions(LINK_CHECK_ORDER, request))
        .subquery()
    )
    rows = await session.scalars(
        select(LinkCheck)
        .join(ranked, ranked.c.id == LinkCheck.id)
        .where(ranked.c.rank <= request.limit + 1)
        .order_by(LinkCheck.link_id, ranked.c.rank)
    )
    by_link: dict[int, list[LinkCheck]] = {link_id: [] for link_id in link_ids}
    for check in rows:
        by_link[check.link_id].append(check)
    return [cut_page(by_link[link_id], request) for link_id in link_ids]


async def count_link_checks(session: AsyncSession, link_ids: Sequence[int]) -> list[int]:
    """How many checks each link has, in ``link_ids`` order."""
    rows = await session.execute(
        select(LinkCheck.link_id, func.count())
        .where(member_of(session, LinkCheck.link_id, set(link_ids)))
        .group_by(LinkCheck.link_id)
    )
    counts: dict[int, int] = {link_id: int(count) for link_id, count in rows.all()}
    return [counts.get(link_id, 0) for link_id in link_ids]


async def list_sync_runs(session: AsyncSession, *, last: int = 20) -> list[SyncRun]:
    """The ``last`` sync runs, newest first (each with its counts and per-school errors)."""
    rows = await session.scalars(
        select(SyncRun).order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(last)
    )
    return list(rows)


async def load_sync_runs(session: AsyncSession, run_ids: Sequence[int]) -> list[SyncRun | None]:
    """Sync runs by id, in ``run_ids`` order (None for an unknown id)."""
    if not run_ids:
        return []
    rows = await session.scalars(
        select(SyncRun).where(member_of(session, SyncRun.id, set(run_ids)))
    )
    by_id = {run.id: run for run in rows}
    return [by_id.get(run_id) for run_id in run_ids]


async def link_checks_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, LinkCheck]:
    """Link checks by id."""
    rows = await session.scalars(select(LinkCheck).where(member_of(session, LinkCheck.id, ids)))
    return {check.id: check for check in rows}


async def url_health_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, UrlHealth]:
    """The health of addresses, by the id of their health row."""
    rows = await session.scalars(select(UrlHealth).where(member_of(session, UrlHealth.id, ids)))
    return {health.id: health for health in rows}


#: Newest first, as `list_sync_runs`.
SYNC_RUN_ORDER = Order(columns=[SyncRun.started_at, SyncRun.id], descending=[True, True])


async def page_sync_runs(session: AsyncSession, request: PageRequest) -> Page:
    """One page of the sync runs, newest first, either direction."""
    rows = await session.scalars(page_query(select(SyncRun), SYNC_RUN_ORDER, request))
    return cut_page(list(rows), request)


async def count_sync_runs(session: AsyncSession) -> int:
    """How many sync runs there were."""
    return int(await session.scalar(select(func.count()).select_from(SyncRun)) or 0)
