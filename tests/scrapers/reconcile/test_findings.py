"""Findings from pages: identity, soft 404, another partner's site, contradictions."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.reconcile.findings import (
    CONTRADICTS_CATALOGUE,
    IDENTITY_MISMATCH,
    OTHER_PARTNER_SITE,
    SOFT_404,
    fingerprint,
)
from scrapers.reconcile.school import reconcile_school
from service.db.models import Finding, FindingSeverity, School, SchoolFact
from tests.factories import make_link, make_override, make_school
from tests.scrapers.reconcile.pages import NOW, fetched, later

ESISAR_PAGE = "https://esisar.grenoble-inp.fr/fr/formation/cycle-ingenieur-1"


async def _findings(session: AsyncSession, school: School) -> list[Finding]:
    query = select(Finding).where(Finding.school_id == school.id).order_by(Finding.id)
    return list(await session.scalars(query))


async def _fact_count(session: AsyncSession, school: School) -> int:
    query = select(func.count()).select_from(SchoolFact).where(SchoolFact.school_id == school.id)
    return await session.scalar(query) or 0


async def test_a_page_on_another_partners_site_is_a_finding_and_not_evidence(
    session: AsyncSession,
) -> None:
    bordeaux = await make_school(
        session, slug="bordeaux-inp", name="Bordeaux INP", is_partner=False
    )
    enseirb = await make_school(
        session, slug="enseirb-matmeca", name="ENSEIRB-MATMECA", parent=bordeaux
    )
    await make_school(session, slug="esisar", name="Esisar", website=ESISAR_PAGE)
    link = await make_link(session, url=ESISAR_PAGE, school=enseirb)
    report = await reconcile_school(
        session, enseirb.id, [fetched("esisar-cycle-ingenieur-fr")], now=NOW
    )
    assert report.unusable_pages == {
        ESISAR_PAGE: f"{ESISAR_PAGE} is on the site of another partner, esisar"
    }
    assert await _fact_count(session, enseirb) == 0
    (finding,) = await _findings(session, enseirb)
    assert (finding.kind, finding.origin, finding.severity, finding.link_id) == (
        OTHER_PARTNER_SITE,
        "sync",
        FindingSeverity.WARNING,
        link.id,
    )
    assert finding.detail == {"url": ESISAR_PAGE, "other_school": "esisar"}
    assert finding.fingerprint == fingerprint(
        enseirb.id, OTHER_PARTNER_SITE, (ESISAR_PAGE, "esisar")
    )


async def test_a_page_titled_with_another_name_is_an_identity_mismatch(
    session: AsyncSession,
) -> None:
    enseirb = await make_school(session, slug="enseirb-matmeca", name="ENSEIRB-MATMECA")
    report = await reconcile_school(
        session, enseirb.id, [fetched("esisar-cycle-ingenieur-fr")], now=NOW
    )
    (finding,) = await _findings(session, enseirb)
    assert finding.kind == IDENTITY_MISMATCH
    assert finding.message == (
        "the page calls itself 'Cycle ingénieur - Grenoble INP - Esisar, UGA', which matches none"
        " of ['ENSEIRB-MATMECA']"
    )
    assert list(report.unusable_pages) == [ESISAR_PAGE]
    assert await _fact_count(session, enseirb) == 0


async def test_a_page_titled_in_another_language_or_with_the_parent_name_is_the_school(
    session: AsyncSession,
) -> None:
    aalto = await make_school(session, slug="aalto", name="Aalto University", country_code="FI")
    finnish = await reconcile_school(
        session, aalto.id, [fetched("aalto-vaihto-opiskelijat-fi")], now=NOW
    )
    grenoble = await make_school(
        session, slug="grenoble-inp", name="Grenoble INP", is_partner=False
    )
    phelma = await make_school(session, slug="phelma", name="Phelma", parent=grenoble)
    esisar_page = await reconcile_school(
        session, phelma.id, [fetched("esisar-cycle-ingenieur-fr")], now=NOW
    )
    assert (finnish.unusable_pages, esisar_page.unusable_pages) == ({}, {})


async def test_a_deep_link_that_lands_on_the_homepage_is_a_soft_404(session: AsyncSession) -> None:
    isima = await make_school(session, slug="isima", name="ISIMA", city="Aubière")
    deep = "https://www.isima.fr/ingénieur-isima/"
    homepage = fetched("isima-homepage", requested_url=deep)
    report = await reconcile_school(session, isima.id, [homepage], now=NOW)
    (finding,) = await _findings(session, isima)
    assert (finding.kind, finding.detail) == (SOFT_404, {"url": deep})
    assert finding.message == f"{deep} lands on the homepage https://www.isima.fr/"
    assert await _fact_count(session, isima) == 0  # the homepage's news are not exchange facts
    assert report.unusable_pages == {"https://www.isima.fr/": finding.message}


async def test_a_homepage_fetched_as_a_homepage_is_fine(session: AsyncSession) -> None:
    isima = await make_school(session, slug="isima", name="ISIMA", city="Aubière")
    report = await reconcile_school(session, isima.id, [fetched("isima-homepage")], now=NOW)
    assert report.unusable_pages == {}
    assert await _fact_count(session, isima) > 0


async def test_a_scraped_city_that_disagrees_with_the_curated_one_is_a_finding(
    session: AsyncSession,
) -> None:
    aalto = await make_school(
        session, slug="aalto", name="Aalto University", city="Helsinki", country_code="FI"
    )
    await reconcile_school(session, aalto.id, [fetched("aalto-incoming-exchange-en")], now=NOW)
    (finding,) = await _findings(session, aalto)
    assert (finding.kind, finding.severity) == (CONTRADICTS_CATALOGUE, FindingSeverity.INFO)
    assert finding.detail == {
        "field": "city",
        "key": "",
        "scraped": "Espoo",
        "catalogue": "Helsinki",
        "catalogue_source": "curated",
    }
    await session.refresh(aalto)
    assert aalto.city == "Helsinki"


async def test_a_scraped_value_that_disagrees_with_an_override_is_a_finding(
    session: AsyncSession,
) -> None:
    aalto = await make_school(
        session, slug="aalto", name="Aalto University", city="Espoo", country_code="FI"
    )
    corrected: dict[str, object] = {
        "kind": "application",
        "semester": "autumn",
        "date": "2025-04-30",
        "opens": None,
    }
    await make_override(
        session, school=aalto, field="deadline", key="application/autumn", value=corrected
    )
    await reconcile_school(session, aalto.id, [fetched("aalto-incoming-exchange-en")], now=NOW)
    (finding,) = await _findings(session, aalto)
    assert finding.kind == CONTRADICTS_CATALOGUE
    assert (finding.detail["catalogue_source"], finding.detail["catalogue"]) == (
        "override",
        corrected,
    )
    assert finding.detail["scraped"] == {
        "kind": "application",
        "semester": "autumn",
        "date": "2025-04-15",
        "opens": None,
    }


async def test_observing_the_same_thing_again_adds_no_finding(session: AsyncSession) -> None:
    aalto = await make_school(
        session, slug="aalto", name="Aalto University", city="Helsinki", country_code="FI"
    )
    for day in range(3):
        page = fetched("aalto-incoming-exchange-en", days_later=day)
        report = await reconcile_school(session, aalto.id, [page], now=later(day))
        assert report.findings == ([CONTRADICTS_CATALOGUE] if day == 0 else [])
    assert len(await _findings(session, aalto)) == 1


async def test_import_findings_are_left_alone(session: AsyncSession) -> None:
    isima = await make_school(session, slug="isima", name="ISIMA")
    imported = Finding(
        fingerprint="f" * 64,
        kind="country_name_corrected",
        origin="import",
        severity=FindingSeverity.INFO,
        message="Finalde → Finlande",
        detail={},
        school_id=isima.id,
    )
    session.add(imported)
    await session.flush()
    await reconcile_school(session, isima.id, [fetched("isima-homepage")], now=NOW)
    await session.refresh(imported)
    assert imported.resolved_at is None
