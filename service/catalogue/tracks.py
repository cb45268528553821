"""Home tracks and the selection rules that say which semesters count for each."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.records import HomeTrackRecord, SelectionRuleRecord, record_from
from service.db import HomeTrack, SelectionRule


async def list_home_tracks(session: AsyncSession) -> list[HomeTrackRecord]:
    """Every home track, by code."""
    rows = await session.execute(select(HomeTrack.code, HomeTrack.name).order_by(HomeTrack.code))
    return [record_from(HomeTrackRecord, row._mapping) for row in rows]


async def list_selection_rules(session: AsyncSession) -> list[SelectionRuleRecord]:
    """Every rule: the general one (no track) first, then one per track that has its own."""
    query = select(
        SelectionRule.id,
        SelectionRule.home_track_code,
        SelectionRule.semesters,
        SelectionRule.criteria,
        SelectionRule.source_text,
    ).order_by(SelectionRule.home_track_code.is_not(None), SelectionRule.home_track_code)
    return [
        SelectionRuleRecord(
            id=row.id,
            home_track_code=row.home_track_code,
            semesters=tuple(row.semesters),
            criteria=tuple(row.criteria),
            source_text=row.source_text,
        )
        for row in await session.execute(query)
    ]
