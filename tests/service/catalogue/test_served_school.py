"""A school's own fields as served: an admin override beats the curated column everywhere."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue import countries, offers, schools
from service.catalogue.fields import ADMIN_RETIREMENT_FIELD
from service.catalogue.offers import OfferCriteria
from service.catalogue.school_info import load_school_info
from service.catalogue.schools import SchoolCriteria
from service.catalogue.search_documents import SearchField, SearchTarget, load_search_documents
from service.db.models import School
from tests.factories import make_country, make_offer, make_override, make_school


async def _phelma(session: AsyncSession) -> School:
    return await make_school(
        session,
        slug="phelma",
        name="Phelma",
        short_name=None,
        city="Grenoble",
        country_code="FR",
        website="http://phelma.example",
    )


async def _override(session: AsyncSession, school: School, field: str, value: str) -> None:
    await make_override(session, school=school, field=field, value={"value": value})


async def test_every_overridden_column_is_served_in_place_of_the_curated_one(
    session: AsyncSession,
) -> None:
    phelma = await _phelma(session)
    untouched = await make_school(session, slug="ense3", name="Ense3", city="Grenoble")
    for field, value in {
        "name": "Grenoble INP - Phelma",
        "short_name": "PHELMA",
        "city": "Saint-Martin-d'Hères",
        "website": "https://phelma.grenoble-inp.example/",
        "country_code": "BE",
    }.items():
        await _override(session, phelma, field, value)

    record = await schools.school_by_slug(session, "phelma")
    assert record is not None
    assert (
        record.name,
        record.short_name,
        record.city,
        record.website,
        record.country_code,
    ) == (
        "Grenoble INP - Phelma",
        "PHELMA",
        "Saint-Martin-d'Hères",
        "https://phelma.grenoble-inp.example/",
        "BE",
    )
    by_id = await schools.schools_by_ids(session, [phelma.id, untouched.id])
    assert (by_id[phelma.id].name, by_id[untouched.id].name) == ("Grenoble INP - Phelma", "Ense3")
    assert by_id[untouched.id].city == "Grenoble"


async def test_an_overridden_country_moves_the_school_to_that_country_everywhere(
    session: AsyncSession,
) -> None:
    phelma = await _phelma(session)
    await make_school(session, slug="ensimag", name="Ensimag", country_code="FR")
    await make_school(session, slug="kth", name="KTH", country_code="SE")
    await make_offer(session, school=phelma, places=2)
    await _override(session, phelma, "country_code", "BE")
    await make_country(session, "BE")

    in_france = SchoolCriteria(country_codes=["FR"])
    page = await schools.page_schools(session, in_france, limit=10, after_slug=None)
    assert [school.slug for school in page] == ["ensimag"]

    in_belgium = SchoolCriteria(country_codes=["be"])
    page = await schools.page_schools(session, in_belgium, limit=10, after_slug=None)
    assert [school.slug for school in page] == ["phelma"]
    assert await schools.count_schools(session, in_belgium) == 1
    assert await schools.count_schools(session, SchoolCriteria(country_codes=["FR"])) == 1

    listed = await countries.list_countries(session, codes=["BE", "FR", "SE"], with_partners=True)
    assert [country.code for country in listed] == ["BE", "FR", "SE"]

    belgian_offers = await offers.list_offers(session, OfferCriteria(country_code="BE"))
    assert [offer.school_id for offer in belgian_offers] == [phelma.id]
    assert await offers.list_offers(session, OfferCriteria(country_code="FR")) == []


async def test_a_country_whose_only_partner_moved_away_has_no_partners_left(
    session: AsyncSession,
) -> None:
    phelma = await _phelma(session)
    await make_school(session, slug="kth", name="KTH", country_code="SE")
    await _override(session, phelma, "country_code", "SE")
    listed = await countries.list_countries(session, codes=["FR", "SE"], with_partners=True)
    assert [country.code for country in listed] == ["SE"]


async def test_search_reads_the_overridden_name_and_city(session: AsyncSession) -> None:
    phelma = await _phelma(session)
    await _override(session, phelma, "name", "Grenoble INP - Phelma")
    await _override(session, phelma, "city", "Saint-Martin-d'Hères")
    documents = {
        (document.field, document.text)
        for document in await load_search_documents(session)
        if document.target is SearchTarget.SCHOOL and document.key == phelma.id
    }
    assert documents == {
        (SearchField.NAME, "Grenoble INP - Phelma"),
        (SearchField.CITY, "Saint-Martin-d'Hères"),
    }


async def test_school_info_serves_the_short_name_and_never_the_retirement_mark(
    session: AsyncSession,
) -> None:
    phelma = await _phelma(session)
    await _override(session, phelma, "short_name", "PHELMA")
    await make_override(session, school=phelma, field=ADMIN_RETIREMENT_FIELD, value={"value": True})
    (info,) = await load_school_info(session, [phelma.id])
    short_name = info.identity_of("short_name")
    assert short_name is not None
    assert (short_name.value.to_json(), short_name.source) == ({"value": "PHELMA"}, "override")
    assert info.values == ()
