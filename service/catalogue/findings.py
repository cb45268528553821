"""Findings from the FAQ import and from syncs, filterable by school, kind and origin."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Finding


@dataclass(frozen=True, slots=True)
class FindingEntry:
    """A data-quality observation, as served."""

    id: int
    kind: str
    origin: str
    severity: str
    message: str
    detail: dict[str, object]
    school_id: int | None
    link_id: int | None
    source_line: int | None
    first_seen_at: datetime
    resolved_at: datetime | None


def _entry(finding: Finding) -> FindingEntry:
    return FindingEntry(
        id=finding.id,
        kind=finding.kind,
        origin=finding.origin,
        severity=finding.severity.value,
        message=finding.message,
        detail=finding.detail,
        school_id=finding.school_id,
        link_id=finding.link_id,
        source_line=finding.source_line,
        first_seen_at=finding.first_seen_at,
        resolved_at=finding.resolved_at,
    )


def _filtered(
    kinds: Sequence[str] | None, origins: Sequence[str] | None, include_resolved: bool
) -> Select[Finding]:
    query = select(Finding)
    if kinds is not None:
        query = query.where(Finding.kind.in_(list(kinds)))
    if origins is not None:
        query = query.where(Finding.origin.in_(list(origins)))
    if not include_resolved:
        query = query.where(Finding.resolved_at.is_(None))
    return query.order_by(Finding.first_seen_at, Finding.id)


async def load_findings(
    session: AsyncSession,
    *,
    school_ids: Sequence[int] | None = None,
    kinds: Sequence[str] | None = None,
    origins: Sequence[str] | None = None,
    include_resolved: bool = False,
) -> list[FindingEntry]:
    """Findings of both origins (``import``, ``sync``) unless filtered, oldest first."""
    query = _filtered(kinds, origins, include_resolved)
    if school_ids is not None:
        query = query.where(Finding.school_id.in_(list(school_ids)))
    return [_entry(finding) for finding in await session.scalars(query)]


async def load_findings_by_school(
    session: AsyncSession,
    school_ids: Sequence[int],
    *,
    kinds: Sequence[str] | None = None,
    include_resolved: bool = False,
) -> list[list[FindingEntry]]:
    """Each school's findings, in the order of ``school_ids`` (one query, for a DataLoader)."""
    query = _filtered(kinds, None, include_resolved).where(Finding.school_id.in_(list(school_ids)))
    by_school: dict[int, list[FindingEntry]] = defaultdict(list)
    for finding in await session.scalars(query):
        if finding.school_id is not None:
            by_school[finding.school_id].append(_entry(finding))
    return [by_school[school_id] for school_id in school_ids]
