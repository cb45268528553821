"""The links the curated page gives for schools and programmes, for loaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from service.catalogue.id_sets import member_of
from service.catalogue.records import LinkRecord, record_from
from service.db import Link, Programme, school_programme

_COLUMNS = (Link.id, Link.url, Link.role, Link.school_id, Link.programme_id)


async def _links_by(
    session: AsyncSession, owner: InstrumentedAttribute[int | None], owner_ids: Sequence[int]
) -> dict[int, list[LinkRecord]]:
    query = (
        select(*_COLUMNS)
        .where(member_of(session, owner, owner_ids), Link.retired_at.is_(None))
        .order_by(Link.id)
    )
    grouped: dict[int, list[LinkRecord]] = defaultdict(list)
    for row in await session.execute(query):
        grouped[getattr(row, owner.key)].append(record_from(LinkRecord, row._mapping))
    return grouped


async def links_by_schools(
    session: AsyncSession, school_ids: Sequence[int]
) -> dict[int, list[LinkRecord]]:
    """Each school's current links and those of its current programmes, in recorded order.

    A programme shared by several schools ("commune avec": Phelma and Ense3) shows its links
    under each of them, as the sync visits and counts them for each (``scrapers.sync.plan``).
    One statement, whatever the number of schools.
    """
    own = select(*_COLUMNS, Link.school_id.label("owner_id")).where(
        member_of(session, Link.school_id, school_ids), Link.retired_at.is_(None)
    )
    taught = (
        select(*_COLUMNS, school_programme.c.school_id.label("owner_id"))
        .join(Programme, Programme.id == Link.programme_id)
        .join(school_programme, school_programme.c.programme_id == Programme.id)
        .where(
            member_of(session, school_programme.c.school_id, school_ids),
            Link.retired_at.is_(None),
            Programme.retired_at.is_(None),
        )
    )
    both = union_all(own, taught).subquery()
    query = select(both).order_by(both.c.owner_id, literal_column("id"))
    grouped: dict[int, list[LinkRecord]] = defaultdict(list)
    for row in await session.execute(query):
        grouped[row.owner_id].append(record_from(LinkRecord, row._mapping))
    return grouped


async def links_by_programmes(
    session: AsyncSession, programme_ids: Sequence[int]
) -> dict[int, list[LinkRecord]]:
    """Each programme's current links, in the order they were recorded."""
    return await _links_by(session, Link.programme_id, programme_ids)


async def links_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, LinkRecord]:
    """Links by id, retired or not."""
    query = select(*_COLUMNS).where(member_of(session, Link.id, ids))
    return {row.id: record_from(LinkRecord, row._mapping) for row in await session.execute(query)}
