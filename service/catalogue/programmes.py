"""Programmes by key, and seen from schools, for ``node``."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.id_sets import member_of
from service.catalogue.records import ProgrammeRecord, record_from
from service.db import Programme, School, school_programme

_COLUMNS = (Programme.id, Programme.key, Programme.name, Programme.url, Programme.retired_at)


async def programmes_by_keys(
    session: AsyncSession, keys: Sequence[str]
) -> dict[str, ProgrammeRecord]:
    """Programmes by natural key, retired or not."""
    query = select(*_COLUMNS).where(member_of(session, Programme.key, keys))
    return {
        row.key: record_from(ProgrammeRecord, row._mapping) for row in await session.execute(query)
    }


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
