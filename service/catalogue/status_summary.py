"""Bounded reads for ``/status``: counts, and one page of schools or of values to review.

The status page must cost the same at 16 schools and at 10,000, so nothing here reads the whole
catalogue into Python: the database counts (schools, failing schools, links by health, findings
by severity, values to review) and returns one page of each list. Every function is one
statement, whatever the catalogue's size.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, or_, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import Subquery

from service.catalogue.fields import FactField
from service.catalogue.id_sets import binary_order
from service.catalogue.records import SchoolRecord
from service.catalogue.schools import is_current_partner, served_school_rows
from service.db import (
    Finding,
    FindingSeverity,
    Link,
    LinkStatus,
    Programme,
    School,
    SchoolFact,
    SchoolOverride,
    UrlHealth,
    school_programme,
)


def _failing_schools() -> Subquery:
    """The ids of the schools one of whose current links (own, or of a current programme) was
    last found in another state than OK, as the page's "failing" mark says.

    A join and a ``UNION``, not a correlated ``EXISTS`` per school: on a freshly loaded
    PostgreSQL without statistics the correlated form ran a minute at 10,000 schools, while
    hash joins do not depend on the planner's guesses.
    """
    failing = (UrlHealth.url == Link.url) & (UrlHealth.status != LinkStatus.OK)
    own = (
        select(Link.school_id.label("school_id"))
        .join(UrlHealth, failing)
        .where(Link.school_id.is_not(None), Link.retired_at.is_(None))
    )
    taught = (
        select(school_programme.c.school_id.label("school_id"))
        .join(Programme, Programme.id == school_programme.c.programme_id)
        .join(Link, Link.programme_id == Programme.id)
        .join(UrlHealth, failing)
        .where(Programme.retired_at.is_(None), Link.retired_at.is_(None))
    )
    return union(own, taught).subquery("failing_school")


@dataclass(frozen=True, slots=True)
class SchoolCounts:
    partners: int
    #: Partners with at least one link not found OK at its last check.
    failing: int


async def count_partner_schools(session: AsyncSession) -> SchoolCounts:
    """How many current partners there are, and how many have a failing link."""
    failing = _failing_schools()
    query = (
        select(func.count(), func.count(failing.c.school_id))
        .select_from(School)
        .outerjoin(failing, failing.c.school_id == School.id)
        .where(is_current_partner())
    )
    row = (await session.execute(query)).one()
    return SchoolCounts(partners=int(row[0]), failing=int(row[1]))


async def page_partners_failing_first(
    session: AsyncSession, *, limit: int, offset: int
) -> list[SchoolRecord]:
    """Current partners, those with a failing link first, then by slug: one page of them."""
    failing = _failing_schools()
    failing_last = case((failing.c.school_id.is_not(None), 0), else_=1)
    query = (
        served_school_rows()
        .outerjoin(failing, failing.c.school_id == School.id)
        .where(is_current_partner())
        .order_by(failing_last, binary_order(session, School.slug))
        .limit(limit)
        .offset(offset)
    )
    return [SchoolRecord(*row) for row in await session.execute(query)]


async def count_links_by_status(session: AsyncSession) -> dict[LinkStatus | None, int]:
    """Current links by the health of their URL (None: never checked)."""
    query = (
        select(UrlHealth.status, func.count(Link.id))
        .select_from(Link)
        .outerjoin(UrlHealth, UrlHealth.url == Link.url)
        .where(Link.retired_at.is_(None))
        .group_by(UrlHealth.status)
    )
    return {status: int(count) for status, count in await session.execute(query)}


async def count_open_findings_by_severity(session: AsyncSession) -> dict[FindingSeverity, int]:
    """Open findings per severity (a severity with none is absent)."""
    query = (
        select(Finding.severity, func.count())
        .where(Finding.resolved_at.is_(None))
        .group_by(Finding.severity)
    )
    return {severity: int(count) for severity, count in await session.execute(query)}


def _waiting_for_review(below_confidence: float) -> ColumnElement[bool]:
    """SQL: a scraped fact of a current partner, served as scraped (no override of its field and
    key; the name fact is served under identity, not as a value), stale or below confidence."""
    overridden = exists().where(
        SchoolOverride.school_id == SchoolFact.school_id,
        SchoolOverride.field == SchoolFact.field,
        SchoolOverride.key == SchoolFact.key,
    )
    return and_(
        SchoolFact.field != FactField.NAME.value,
        or_(SchoolFact.stale.is_(True), SchoolFact.confidence < below_confidence),
        ~overridden,
        is_current_partner(),
    )


@dataclass(frozen=True, slots=True)
class ReviewKey:
    school_id: int
    field: str
    key: str


async def page_values_to_review(
    session: AsyncSession, *, below_confidence: float, limit: int
) -> list[ReviewKey]:
    """The first ``limit`` scraped values waiting for review, by school slug, field and id."""
    query = (
        select(SchoolFact.school_id, SchoolFact.field, SchoolFact.key)
        .join(School, School.id == SchoolFact.school_id)
        .where(_waiting_for_review(below_confidence))
        .order_by(binary_order(session, School.slug), SchoolFact.field, SchoolFact.id)
        .limit(limit)
    )
    return [ReviewKey(*row) for row in await session.execute(query)]


async def count_values_to_review(session: AsyncSession, *, below_confidence: float) -> int:
    """How many scraped values wait for review (see :func:`page_values_to_review`)."""
    query = (
        select(func.count())
        .select_from(SchoolFact)
        .join(School, School.id == SchoolFact.school_id)
        .where(_waiting_for_review(below_confidence))
    )
    return int(await session.scalar(query) or 0)
