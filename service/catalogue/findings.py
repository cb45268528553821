"""Data-quality findings from imports and syncs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.records import FindingRecord
from service.db.models import Finding, FindingSeverity


@dataclass(frozen=True, slots=True)
class FindingCriteria:
    """What ``list_findings`` keeps."""

    origin: str | None = None
    kinds: Sequence[str] | None = None
    severities: Sequence[FindingSeverity] | None = None
    include_resolved: bool = False


def _record(row: Sequence[Any]) -> FindingRecord:
    return FindingRecord(*row)


async def list_findings(session: AsyncSession, criteria: FindingCriteria) -> list[FindingRecord]:
    """Findings matching ``criteria``, newest first."""
    query = select(
        Finding.id,
        Finding.kind,
        Finding.origin,
        Finding.severity,
        Finding.message,
        Finding.detail,
        Finding.school_id,
        Finding.source_line,
        Finding.first_seen_at,
        Finding.resolved_at,
    ).order_by(Finding.first_seen_at.desc(), Finding.id.desc())
    if criteria.origin is not None:
        query = query.where(Finding.origin == criteria.origin)
    if criteria.kinds is not None:
        query = query.where(Finding.kind.in_(list(criteria.kinds)))
    if criteria.severities is not None:
        query = query.where(Finding.severity.in_(list(criteria.severities)))
    if not criteria.include_resolved:
        query = query.where(Finding.resolved_at.is_(None))
    return [_record(row) for row in await session.execute(query)]
