"""What the reconcile tests read back: a school's stored facts, and ENSIMAG reconciled once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.reconcile.school import reconcile_school
from service.db.models import School, SchoolFact
from tests.factories import make_school
from tests.scrapers.reconcile.pages import NOW, fetched


async def stored_facts(session: AsyncSession, school: School) -> dict[tuple[str, str], SchoolFact]:
    """The school's stored facts by (field, key)."""
    rows = await session.scalars(select(SchoolFact).where(SchoolFact.school_id == school.id))
    return {(row.field, row.key): row for row in rows}


async def reconciled_ensimag(session: AsyncSession) -> School:
    """ENSIMAG, with its exchange page (French) reconciled at ``NOW``."""
    school = await make_school(session, slug="ensimag", name="ENSIMAG", city="Grenoble")
    await reconcile_school(session, school.id, [fetched("ensimag-venir-en-echange-fr")], now=NOW)
    return school
