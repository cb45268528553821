"""Data-quality findings from imports and syncs, filterable by school, kind, origin, severity."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.id_sets import member_of
from service.catalogue.keyset import Order, Page, PageRequest, cut_page, page_query
from service.catalogue.records import FindingRecord, record_from
from service.db import Finding, FindingSeverity


@dataclass(frozen=True, slots=True)
class FindingCriteria:
    """What ``list_findings`` keeps; ``None`` means no restriction."""

    origin: str | None = None
    kinds: Sequence[str] | None = None
    severities: Sequence[FindingSeverity] | None = None
    school_ids: Sequence[int] | None = None
    include_resolved: bool = False


def _select() -> Select[*tuple[Any, ...]]:
    return select(
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
        Finding.link_id,
    )


def _record(row: Row[Any]) -> FindingRecord:
    return record_from(FindingRecord, row._mapping)


def _filtered(
    session: AsyncSession, query: Select[*tuple[Any, ...]], criteria: FindingCriteria
) -> Select[*tuple[Any, ...]]:
    if criteria.origin is not None:
        query = query.where(Finding.origin == criteria.origin)
    if criteria.kinds is not None:
        query = query.where(Finding.kind.in_(list(criteria.kinds)))
    if criteria.severities is not None:
        query = query.where(Finding.severity.in_(list(criteria.severities)))
    if criteria.school_ids is not None:
        query = query.where(member_of(session, Finding.school_id, criteria.school_ids))
    if not criteria.include_resolved:
        query = query.where(Finding.resolved_at.is_(None))
    return query


async def list_findings(
    session: AsyncSession, criteria: FindingCriteria, *, limit: int | None = None
) -> list[FindingRecord]:
    """Findings of both origins (``import``, ``sync``) matching ``criteria``, newest first
    (the ``limit`` newest when given)."""
    query = (
        _filtered(session, _select(), criteria)
        .order_by(Finding.first_seen_at.desc(), Finding.id.desc())
        .limit(limit)
    )
    return [_record(row) for row in await session.execute(query)]


async def load_findings_by_school(
    session: AsyncSession,
    school_ids: Sequence[int],
    *,
    kinds: Sequence[str] | None = None,
    include_resolved: bool = False,
) -> list[list[FindingRecord]]:
    """Each school's findings, newest first, in the order of ``school_ids`` (one statement)."""
    criteria = FindingCriteria(
        kinds=kinds, school_ids=list(school_ids), include_resolved=include_resolved
    )
    query = _filtered(session, _select(), criteria).order_by(
        Finding.first_seen_at.desc(), Finding.id.desc()
    )
    by_school: dict[int, list[FindingRecord]] = defaultdict(list)
    for row in await session.execute(query):
        record = _record(row)
        if record.school_id is not None:
            by_school[record.school_id].append(record)
    return [by_school[school_id] for school_id in school_ids]


async def findings_by_ids(session: AsyncSession, ids: Sequence[int]) -> dict[int, FindingRecord]:
    """Findings by id, resolved or not."""
    query = _select().where(member_of(session, Finding.id, ids))
    return {row.id: _record(row) for row in await session.execute(query)}


#: Newest first; the id breaks ties between findings seen at the same time.
FINDING_ORDER = Order(columns=[Finding.first_seen_at, Finding.id], descending=[True, True])


async def page_findings(
    session: AsyncSession, criteria: FindingCriteria, request: PageRequest
) -> Page:
    """One page of the findings matching ``criteria``, newest first, either direction."""
    query = page_query(_filtered(session, _select(), criteria), FINDING_ORDER, request)
    return cut_page([_record(row) for row in await session.execute(query)], request)


async def count_findings(session: AsyncSession, criteria: FindingCriteria) -> int:
    """How many findings match ``criteria``."""
    query = _filtered(session, select(func.count()).select_from(Finding), criteria)
    return int(await session.scalar(query) or 0)
