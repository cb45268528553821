"""School info as served: override beats curated beats scraped, with provenance and freshness."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.fact_values import Deadline
from service.catalogue.school_info import InfoValue, SchoolInfo, load_school_info
from service.db.models import School
from tests.factories import make_override, make_school, make_school_fact
from tests.service.catalogue.statements import counting_statements

FETCHED = datetime(2025, 1, 15, tzinfo=UTC)
ESPOO = {
    "street": "Otakaari 24",
    "postal_code": "02150",
    "locality": "Espoo",
    "country_code": "FI",
    "country": "FI",
}
DEADLINE: dict[str, object] = {
    "kind": "application",
    "semester": "autumn",
    "date": "2025-04-15",
    "opens": None,
}


async def _aalto(session: AsyncSession, *, city: str | None) -> School:
    school = await make_school(
        session,
        slug="aalto",
        name="Aalto University",
        city=city,
        country_code="FI",
        website="https://www.aalto.fi/en",
    )
    await make_school_fact(session, school=school, field="address", value=ESPOO)
    await make_school_fact(session, school=school, field="name", value={"name": "Aalto-yliopisto"})
    await make_school_fact(
        session, school=school, field="deadline", key="application/autumn", value=DEADLINE
    )
    return school


async def _info(session: AsyncSession, school: School) -> SchoolInfo:
    (info,) = await load_school_info(session, [school.id])
    return info


def _served(info: SchoolInfo, name: str) -> tuple[object, str]:
    value = info.identity_of(name)
    assert value is not None
    return value.value.to_json()["value"], value.source


async def test_curated_beats_scraped_and_scraped_fills_what_curation_lacks(
    session: AsyncSession,
) -> None:
    with_city = await _info(session, await _aalto(session, city="Helsinki"))
    assert _served(with_city, "city") == ("Helsinki", "curated")
    assert _served(with_city, "name") == ("Aalto University", "curated")
    assert _served(with_city, "country_code") == ("FI", "curated")

    other = await make_school(session, slug="other", name="Other", country_code="FI")
    await make_school_fact(session, school=other, field="address", value=ESPOO, stale=True)
    city = (await _info(session, other)).identity_of("city")
    assert city is not None
    assert (city.value.to_json(), city.source, city.stale, city.source_url) == (
        {"value": "Espoo"},
        "scraped",
        True,
        "https://partner.example/exchange",
    )


async def test_an_override_beats_curated_and_scraped_values(session: AsyncSession) -> None:
    school = await _aalto(session, city="Helsinki")
    await make_override(
        session,
        school=school,
        field="city",
        value={"value": "Otaniemi"},
        reason="campus city",
        created_by="ri@ensias.example",
    )
    corrected: dict[str, object] = {**DEADLINE, "date": "2025-04-30"}
    await make_override(
        session, school=school, field="deadline", key="application/autumn", value=corrected
    )
    info = await _info(session, school)
    city = info.identity_of("city")
    assert city is not None
    assert (city.value.to_json(), city.source, city.overridden_by, city.override_reason) == (
        {"value": "Otaniemi"},
        "override",
        "ri@ensias.example",
        "campus city",
    )
    (deadline,) = info.deadlines
    assert (deadline.value.to_json(), deadline.source, deadline.source_url) == (
        corrected,
        "override",
        None,
    )


async def test_scraped_values_carry_their_provenance_and_freshness(session: AsyncSession) -> None:
    info = await _info(session, await _aalto(session, city=None))
    (deadline,) = info.deadlines
    assert deadline == InfoValue(
        field="deadline",
        key="application/autumn",
        value=Deadline(kind="application", semester="autumn", date="2025-04-15"),
        source="scraped",
        source_url="https://partner.example/exchange",
        fetched_at=FETCHED,
        last_good_at=FETCHED,
        stale=False,
        confidence=0.9,
        extractor="generic/test v1",
        snippet="",
    )
    assert [value.field for value in info.values] == ["address", "deadline"]


async def test_info_comes_in_key_order_with_empty_info_for_unknown_ids(
    session: AsyncSession,
) -> None:
    aalto = await _aalto(session, city=None)
    bare = await make_school(session, slug="bare", name="Bare School")
    infos = await load_school_info(session, [bare.id, 999999, aalto.id])
    assert [info.school_id for info in infos] == [bare.id, 999999, aalto.id]
    assert (infos[0].values, infos[1].values, infos[1].identity) == ((), (), ())
    assert len(infos[2].deadlines) == 1


async def test_the_statement_count_depends_on_the_query_not_on_the_rows(
    session: AsyncSession,
) -> None:
    one = await _aalto(session, city=None)
    async with counting_statements(session) as few:
        await load_school_info(session, [one.id])
    more = []
    for number in range(3):
        school = await make_school(session, slug=f"s{number}", name=f"School {number}")
        await make_school_fact(
            session,
            school=school,
            field="email",
            key="a@b.example",
            value={"email": "a@b.example", "label": None},
        )
        more.append(school.id)
    async with counting_statements(session) as many:
        await load_school_info(session, [one.id, *more])
    assert len(few) == len(many) == 3
