"""Programmes by id, key and school, for loaders and ``node``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.id_sets import binary_order, member_of
from service.catalogue.records import ProgrammeRecord
from service.db.models import Programme, School, school_programme

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


async def programmes_by_keys(
    session: AsyncSession, keys: Sequence[str]
) -> dict[str, ProgrammeRecord]:
    """Programmes by natural key, retired or not."""
    query = select(*_COLUMNS).where(member_of(session, Programme.key, keys))
    return {row.key: ProgrammeRecord(*row) for row in await session.execute(query)}


async def programmes_at_schools(
    session: AsyncSession, pairs: Sequence[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, ProgrammeRecord]]:
    """(school slug, programme key) → (school id, programme) for the pairs the school teaches.

    A pair whose school does not teach the programme is absent: the id names neither.
    """
    query = (
        select(*_COLUMNS, School.id.label("school_id"), School.slug)
        .join(school_programme, school_programme.c.programme_id == Programme.id)
        .join(School, School.id == school_programme.c.school_id)
        .where(
            member_of(session, School.slug, {slug for slug, _ in pairs}),
            member_of(session, Programme.key, {key for _, key in pairs}),
        )
    )
    wanted = set(pairs)
    found: dict[tuple[str, str], tuple[int, ProgrammeRecord]] = {}
    for row in await session.execute(query):
        record = ProgrammeRecord(row.id, row.key, row.name, row.url, row.retired_at)
        school_id, slug = row.school_id, row.slug
        if (slug, record.key) in wanted:
            found[(slug, record.key)] = (school_id, record)
    return found
