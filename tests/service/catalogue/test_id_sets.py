"""Batch queries take any number of keys in one parameter, and order slugs byte by byte."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.countries import list_countries
from service.catalogue.fact_values import CuratedText
from service.catalogue.findings import load_findings_by_school
from service.catalogue.link_health import load_link_checks, load_link_health, load_sync_runs
from service.catalogue.school_info import load_school_info
from service.catalogue.schools import SchoolCriteria, page_schools, schools_by_ids
from service.db.models import LinkStatus, UrlHealth
from tests.catalogues import FIRST_ID, build_synthetic_catalogue
from tests.factories import make_finding, make_link, make_school


async def test_forty_thousand_ids_fit_in_one_statement(session: AsyncSession) -> None:
    # Both drivers refuse more than 32,767 parameters; the ids travel as one value.
    await build_synthetic_catalogue(session, 16)
    found = await schools_by_ids(session, [*range(40_000), FIRST_ID + 3, FIRST_ID + 15])
    assert sorted(found) == [FIRST_ID + 3, FIRST_ID + 15]
    assert found[FIRST_ID + 3].slug == "partner-00003"


async def test_the_health_info_and_findings_batches_take_forty_thousand_ids(
    session: AsyncSession,
) -> None:
    school = await make_school(session, slug="aalto", name="Aalto University")
    link = await make_link(session, url="https://aalto.test/", school=school)
    at = datetime(2026, 3, 1, tzinfo=UTC)
    session.add(UrlHealth(url=link.url, status=LinkStatus.OK, http_status=200, checked_at=at))
    await make_finding(session, kind="soft_404", origin="sync", school=school)
    far = [*range(10_000_000, 10_040_000)]  # no such rows; the real id comes last

    link_ids = [*far, link.id]
    health = await load_link_health(session, link_ids)
    assert [(i, h.http_status) for i, h in zip(link_ids, health, strict=True) if h] == [
        (link.id, 200)
    ]
    assert sum(map(len, await load_link_checks(session, link_ids))) == 0
    assert [run for run in await load_sync_runs(session, far) if run] == []
    school_ids = [*far, school.id]
    info = await load_school_info(session, school_ids)
    named = [(i.school_id, v.value) for i in info for v in i.identity if v.field == "name"]
    assert named == [(school.id, CuratedText("Aalto University"))]
    findings = await load_findings_by_school(session, school_ids)
    assert [
        (i, [f.kind for f in fs]) for i, fs in zip(school_ids, findings, strict=True) if fs
    ] == [(school.id, ["soft_404"])]


async def test_string_keys_work_the_same(session: AsyncSession) -> None:
    await build_synthetic_catalogue(session, 16)
    found = await list_countries(session, codes=["FI", "ZZ", "FR"])
    assert [country.code for country in found] == ["FI", "FR"]
    assert found[0].name_en == "Finland"


async def test_slugs_sort_byte_by_byte_whatever_the_collation(session: AsyncSession) -> None:
    for slug in ["ab", "a-c", "b", "a-b-c"]:
        await make_school(session, slug=slug)
    page = await page_schools(session, SchoolCriteria(), limit=10, after_slug=None)
    assert [school.slug for school in page] == ["a-b-c", "a-c", "ab", "b"]
    after = await page_schools(session, SchoolCriteria(), limit=10, after_slug="a-c")
    assert [school.slug for school in after] == ["ab", "b"]
