"""Programmes by id and by school, for loaders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.id_sets import binary_order, member_of
from service.catalogue.records import ProgrammeRecord
from service.db.models import Programme, school_programme

_COLUMNS = (Programme.id, Programme.key, Programme.name, Programme.url, Programme.retired_at)


async def programmes_by_ids(
    session: AsyncSession, ids: Sequence[int]
) -> dict[int, ProgrammeRecord]:
    """Programmes by id, retired or not (an offer shows its programme whatever its state)."""
    query = select(*_COLUMNS).where(member_of(session, Programme.id, ids))
    return {row.id: ProgrammeRecord(*row) for row in await session.execute(query)}


async def programmes_by_schools(
    session: AsyncSession, school_ids: Sequence[int]
) -> dict[int, list[ProgrammeRecord]]:
    """Each school's current programmes, ordered by their natural key."""
    query = (
        select(*_COLUMNS, school_programme.c.school_id)
        .join(school_programme, school_programme.c.programme_id == Programme.id)
        .where(
            member_of(session, school_programme.c.school_id, school_ids),
            Programme.retired_at.is_(None),
        )
        .order_by(binary_order(session, Programme.key), Programme.id)
    )
    grouped: dict[int, list[ProgrammeRecord]] = defaultdict(list)
    for *columns, school_id in await session.execute(query):
        grouped[school_id].append(ProgrammeRecord(*columns))
    return grouped
