"""The precedence expression (override > curated > scraped, and stale) and the triggers of
migration 0008, which keep the served country as a column, agree."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import String, delete, literal, null, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from service.catalogue.precedence import Candidates, served_source, served_stale, served_value
from service.catalogue.schools import served_school_rows
from service.db.models import School, SchoolOverride
from tests.factories import make_country, make_override, make_school


def _text(value: str | None) -> ColumnElement[Any]:
    return null() if value is None else literal(value, String)


@pytest.mark.parametrize(
    ("override", "curated", "scraped", "stale", "expected"),
    [
        ("o", "c", "s", True, ("o", "override", False)),
        (None, "c", "s", True, ("c", "curated", False)),
        (None, None, "s", True, ("s", "scraped", True)),
        (None, None, "s", False, ("s", "scraped", False)),
        (None, None, None, True, (None, None, False)),
    ],
)
async def test_the_strongest_present_source_is_served_and_only_a_scraped_value_is_stale(
    session: AsyncSession,
    override: str | None,
    curated: str | None,
    scraped: str | None,
    stale: bool,
    expected: tuple[str | None, str | None, bool],
) -> None:
    candidates = Candidates(
        override=_text(override),
        curated=_text(curated),
        scraped=_text(scraped),
        scraped_stale=true() if stale else ~true(),
    )
    query = select(served_value(candidates), served_source(candidates), served_stale(candidates))
    value, source, is_stale = (await session.execute(query)).one()
    assert (value, source, bool(is_stale)) == expected


async def _disagreements(session: AsyncSession) -> list[tuple[int, str | None, str | None]]:
    """Schools whose trigger-maintained served country differs from the expression's."""
    served = served_school_rows().subquery()
    query = select(School.id, School.served_country_code, served.c.country_code).join(
        served, served.c.id == School.id
    )
    return [
        (row.id, row.served_country_code, row.country_code)
        for row in await session.execute(query)
        if row.served_country_code != row.country_code
    ]


async def test_the_served_country_triggers_agree_with_the_precedence_expression(
    session: AsyncSession,
) -> None:
    await make_country(session, "IT")
    await make_country(session, "ES")
    polimi = await make_school(session, slug="polimi", country_code="FR")
    upm = await make_school(session, slug="upm", country_code="ES")
    await make_school(session, slug="ensimag", country_code="FR")
    assert await _disagreements(session) == []

    moved = await make_override(session, school=polimi, field="country_code", value={"value": "IT"})
    # An override whose value is null stands for nothing, for the triggers as for the API.
    await make_override(session, school=upm, field="country_code", value={"value": None})
    await make_override(session, school=upm, field="city", value={"value": "Madrid"})
    assert await _disagreements(session) == []

    await session.execute(update(School).where(School.id == polimi.id).values(country_code="ES"))
    await session.execute(
        update(SchoolOverride).where(SchoolOverride.id == moved.id).values(value={"value": "FR"})
    )
    assert await _disagreements(session) == []

    await session.execute(delete(SchoolOverride).where(SchoolOverride.school_id == upm.id))
    await session.execute(delete(SchoolOverride).where(SchoolOverride.id == moved.id))
    assert await _disagreements(session) == []
    countries = select(School.slug, School.served_country_code).order_by(School.slug)
    assert (await session.execute(countries)).all() == [
        ("ensimag", "FR"),
        ("polimi", "ES"),
        ("upm", "ES"),
    ]
