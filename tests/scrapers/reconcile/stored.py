"""What the reconcile tests read back: a school's stored facts; ENSIMAG reconciled once, and
again after a redesign of its page."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.extract.facts import PageExtraction
from scrapers.reconcile.outcome import ReconcileReport
from scrapers.reconcile.school import reconcile_school
from service.db.models import School, SchoolFact
from tests.factories import make_school
from tests.scrapers.reconcile.pages import NOW, fetched, later


async def stored_facts(session: AsyncSession, school: School) -> dict[tuple[str, str], SchoolFact]:
    """The school's stored facts by (field, key)."""
    rows = await session.scalars(select(SchoolFact).where(SchoolFact.school_id == school.id))
    return {(row.field, row.key): row for row in rows}


async def reconciled_ensimag(session: AsyncSession) -> School:
    """ENSIMAG, with its exchange page (French) reconciled at ``NOW``."""
    school = await make_school(session, slug="ensimag", name="ENSIMAG", city="Grenoble")
    await reconcile_school(session, school.id, [fetched("ensimag-venir-en-echange-fr")], now=NOW)
    return school


async def redesigned_ensimag(
    session: AsyncSession,
) -> tuple[School, PageExtraction, ReconcileReport]:
    """:func:`reconciled_ensimag`, then its page after a redesign that lost the exchange values,
    reconciled a day later: the school, that page and its report."""
    school = await reconciled_ensimag(session)
    redesign = fetched("ensimag-venir-en-echange-fr-redesign", days_later=1)
    report = await reconcile_school(session, school.id, [redesign], now=later(1))
    return school, redesign, report
