"""The history of scraped values: every change since a time, optionally for some schools."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.id_sets import member_of
from service.catalogue.keyset import Order, Page, PageRequest, cut_page, page_query
from service.db import SchoolFactChange

#: Most changes one call returns; a client pages on with ``after`` = the last change's position.
MAX_CHANGES = 1000

#: Where a change sits in the history: (``changed_at``, ``id``). One sync stamps all its changes
#: with the same time, so the time alone cannot say where a page ended.
ChangePosition = tuple[datetime, int]


@dataclass(frozen=True, slots=True)
class ChangeEntry:
    """One change of one value: ``old`` is ``None`` when the value appeared."""

    id: int
    school_id: int
    field: str
    key: str
    old: dict[str, object] | None
    new: dict[str, object] | None
    changed_at: datetime
    source_url: str | None


def _entry(row: SchoolFactChange) -> ChangeEntry:
    return ChangeEntry(
        id=row.id,
        school_id=row.school_id,
        field=row.field,
        key=row.key,
        old=row.old_value,
        new=row.new_value,
        changed_at=row.changed_at,
        source_url=row.source_url,
    )


async def load_changes(
    session: AsyncSession,
    *,
    since: datetime,
    school_ids: Sequence[int] | None = None,
    limit: int = MAX_CHANGES,
    after: ChangePosition | None = None,
) -> list[ChangeEntry]:
    """Changes at or after ``since``, oldest first (then in the order they were stored).

    With ``after``, only the changes that come after that position (the last one a client saw).
    """
    query = select(SchoolFactChange).where(SchoolFactChange.changed_at >= since)
    if after is not None:
        changed_at, change_id = after
        query = query.where(
            or_(
                SchoolFactChange.changed_at > changed_at,
                and_(SchoolFactChange.changed_at == changed_at, SchoolFactChange.id > change_id),
            )
        )
    if school_ids is not None:
        query = query.where(SchoolFactChange.school_id.in_(list(school_ids)))
    query = query.order_by(SchoolFactChange.changed_at, SchoolFactChange.id).limit(
        max(0, min(limit, MAX_CHANGES))
    )
    return [_entry(row) for row in await session.scalars(query)]


async def changes_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, ChangeEntry]:
    """Changes by id."""
    query = select(SchoolFactChange).where(member_of(session, SchoolFactChange.id, ids))
    return {row.id: _entry(row) for row in await session.scalars(query)}


def _matching(since: datetime, school_ids: Sequence[int] | None) -> Select[SchoolFactChange]:
    query = select(SchoolFactChange).where(SchoolFactChange.changed_at >= since)
    if school_ids is not None:
        query = query.where(SchoolFactChange.school_id.in_(list(school_ids)))
    return query


def change_order(*, newest_first: bool) -> Order:
    """By time, then by id (one sync stamps all its changes with the same time)."""
    return Order(
        columns=[SchoolFactChange.changed_at, SchoolFactChange.id],
        descending=[newest_first, newest_first],
    )


async def page_changes(
    session: AsyncSession,
    *,
    since: datetime,
    school_ids: Sequence[int] | None,
    newest_first: bool,
    request: PageRequest,
) -> Page:
    """One page of the changes at or after ``since`` (rows are ``ChangeEntry``), either way."""
    query = page_query(
        _matching(since, school_ids), change_order(newest_first=newest_first), request
    )
    return cut_page([_entry(row) for row in await session.scalars(query)], request)


async def count_changes(
    session: AsyncSession, *, since: datetime, school_ids: Sequence[int] | None
) -> int:
    """How many changes were recorded at or after ``since``."""
    query = select(func.count()).select_from(_matching(since, school_ids).subquery())
    return int(await session.scalar(query) or 0)


async def load_latest_changes(
    session: AsyncSession, *, school_ids: Sequence[int] | None = None, limit: int
) -> list[ChangeEntry]:
    """The ``limit`` most recent changes, newest first (a feed's window on the history)."""
    query = select(SchoolFactChange)
    if school_ids is not None:
        query = query.where(SchoolFactChange.school_id.in_(list(school_ids)))
    query = query.order_by(SchoolFactChange.changed_at.desc(), SchoolFactChange.id.desc()).limit(
        max(0, min(limit, MAX_CHANGES))
    )
    return [_entry(row) for row in await session.scalars(query)]
