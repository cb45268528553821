"""``school.served_country_code``: kept equal to coalesce(override, curated) by the triggers of
migration 0008, whoever writes; the country filter reads it from its index."""

from __future__ import annotations

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue import schools
from service.catalogue.schools import SchoolCriteria
from service.db.models import School, SchoolOverride
from tests.factories import make_country, make_override, make_school


async def _served_country(session: AsyncSession, school: School) -> str | None:
    query = select(School.served_country_code).where(School.id == school.id)
    return (await session.execute(query)).scalar_one()


async def test_the_served_country_follows_overrides_and_the_curated_column(
    session: AsyncSession,
) -> None:
    await make_country(session, "IT")
    await make_country(session, "ES")
    school = await make_school(session, slug="polimi", country_code="FR")
    assert await _served_country(session, school) == "FR"

    override = await make_override(
        session, school=school, field="country_code", value={"value": "IT"}
    )
    await make_override(session, school=school, field="city", value={"value": "Milano"})
    assert await _served_country(session, school) == "IT"

    # The importer changes the curated country: the override still wins.
    await session.execute(update(School).where(School.id == school.id).values(country_code="ES"))
    assert await _served_country(session, school) == "IT"

    await session.execute(
        update(SchoolOverride).where(SchoolOverride.id == override.id).values(value={"value": "FR"})
    )
    assert await _served_country(session, school) == "FR"

    await session.execute(delete(SchoolOverride).where(SchoolOverride.id == override.id))
    assert await _served_country(session, school) == "ES"

    listed = await schools.page_schools(
        session, SchoolCriteria(country_codes=["es"]), limit=10, after_slug=None
    )
    assert [(record.slug, record.country_code) for record in listed] == [("polimi", "ES")]
    assert await schools.count_schools(session, SchoolCriteria(country_codes=["ES"])) == 1
    assert await schools.count_schools(session, SchoolCriteria(country_codes=["IT"])) == 0


async def test_the_country_filter_reads_the_index(session: AsyncSession) -> None:
    dialect = session.get_bind().dialect
    if dialect.name != "postgresql":
        explain = "EXPLAIN QUERY PLAN SELECT id FROM school WHERE served_country_code IN ('FR')"
        plan = " ".join(str(row[-1]) for row in await session.execute(text(explain)))
        assert "ix_school_served_country_code_is_partner_retired_at" in plan
        return
    await make_school(session, slug="phelma", country_code="FR")
    criteria = SchoolCriteria(country_codes=["FR"])
    # Only a plan that can use an index survives this; coalesce(override, curated) could not.
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    for query in (
        schools.count_query(criteria),
        schools.school_page_query(session, criteria, limit=20, after_slug=None),
    ):
        compiled = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        plan = "\n".join(row[0] for row in await session.execute(text(f"EXPLAIN {compiled}")))
        assert "ix_school_served_country_code_is_partner_retired_at" in plan, plan
