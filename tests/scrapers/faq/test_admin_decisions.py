"""What an admin decided survives re-imports of the FAQ page: overrides and retirements."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.importer import import_faq
from scrapers.faq.report.summary import ImportReport
from service.admin.overrides import OverrideApplied, override_school_field
from service.admin.retirement import SchoolRestored, SchoolRetired, restore_school, retire_school
from service.admin.validation import InvalidInput
from service.catalogue import schools
from service.db.models import School
from tests.scrapers.faq.pages import REVISION_2021, REVISION_2021_UPDATED

ACTOR = "token:0123456789ab"


async def _import(session: AsyncSession, text: str) -> ImportReport:
    report = await import_faq(session, text)
    await session.commit()
    return report


def _touched(report: ImportReport) -> set[str]:
    """The schools an import changed, retired or restored."""
    plan = report.plan.schools
    return {str(change.key) for change in (*plan.changed, *plan.retired)}


async def _retired(session: AsyncSession, slug: str) -> bool:
    retired_at = await session.scalar(select(School.retired_at).where(School.slug == slug))
    return retired_at is not None


async def test_an_override_is_still_served_after_the_page_is_imported_again(
    session: AsyncSession,
) -> None:
    await _import(session, REVISION_2021)
    result = await override_school_field(
        session, actor=ACTOR, slug="ensiie", field="city", value="Évry-Courcouronnes", reason="x"
    )
    assert isinstance(result, OverrideApplied)
    await session.commit()
    report = await _import(session, REVISION_2021_UPDATED)
    assert report.changed
    served = await schools.school_by_slug(session, "ensiie")
    assert served is not None
    assert served.city == "Évry-Courcouronnes"


async def test_a_school_an_admin_retired_stays_retired_when_the_page_lists_it_again(
    session: AsyncSession,
) -> None:
    await _import(session, REVISION_2021)
    retired = await retire_school(session, actor=ACTOR, slug="ensim", reason="agreement ended")
    assert isinstance(retired, SchoolRetired)
    await session.commit()

    for page in (REVISION_2021_UPDATED, REVISION_2021, REVISION_2021_UPDATED, REVISION_2021):
        report = await _import(session, page)  # the page drops ENSIM, then lists it again
        assert "ensim" not in _touched(report)
        assert await _retired(session, "ensim")


async def test_after_the_admin_restores_it_the_page_decides_again(session: AsyncSession) -> None:
    await _import(session, REVISION_2021)
    await retire_school(session, actor=ACTOR, slug="ensim", reason="agreement ended")
    await session.commit()
    restored = await restore_school(session, actor=ACTOR, slug="ensim", reason="renewed")
    assert isinstance(restored, SchoolRestored)
    await session.commit()
    assert not await _retired(session, "ensim")

    await _import(session, REVISION_2021_UPDATED)  # the page drops ENSIM: retired by the page
    assert await _retired(session, "ensim")
    refused = await restore_school(session, actor=ACTOR, slug="ensim", reason="renewed")
    assert isinstance(refused, InvalidInput)
    assert refused.field == "slug"
    await _import(session, REVISION_2021)  # listed again: restored by the page
    assert not await _retired(session, "ensim")
