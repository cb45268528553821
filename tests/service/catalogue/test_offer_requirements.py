"""The verdict of decision 0102 as the SQL both read paths run (``VerdictSql``), on its edges."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.offer_requirements import (
    RequirementFact,
    Requirements,
    Verdict,
    assess_schools,
)
from tests.factories import make_override, make_school, make_school_fact

LANGUAGE = RequirementFact.LANGUAGE_REQUIREMENT
DEADLINE = RequirementFact.APPLICATION_DEADLINE
SEMESTER = RequirementFact.SEMESTER


async def _verdict(
    session: AsyncSession, facts: list[tuple[str, str, dict[str, Any]]], asked: Requirements
) -> Verdict:
    school = await make_school(session, slug="partner", name="Partner")
    for field, key, value in facts:
        await make_school_fact(session, school=school, field=field, key=key, value=value)
    return (await assess_schools(session, [school.id], asked))[school.id]


async def test_a_level_read_from_the_key_decides(session: AsyncSession) -> None:
    facts = [("language_requirement", "fr/cefr/required", {"level": "c1"})]
    assert await _verdict(session, facts, Requirements(levels={"fr": "B2"})) == Verdict(False)


async def test_a_recommended_level_and_a_test_score_leave_the_language_unknown(
    session: AsyncSession,
) -> None:
    facts: list[tuple[str, str, dict[str, Any]]] = [
        ("language_requirement", "en/cefr/recommended", {"level": "C2"}),
        ("language_requirement", "en/toefl_ibt/required", {"test": "TOEFL iBT", "score": 90}),
    ]
    verdict = await _verdict(session, facts, Requirements(levels={"en": "B1"}))
    assert verdict == Verdict(True, (LANGUAGE,))


async def test_an_override_beats_the_scraped_level(session: AsyncSession) -> None:
    school = await make_school(session, slug="partner", name="Partner")
    value = {"language": "en", "level": "B2", "required": True}
    await make_school_fact(
        session, school=school, field="language_requirement", key="en/cefr/required", value=value
    )
    await make_override(
        session,
        school=school,
        field="language_requirement",
        key="en/cefr/required",
        value={**value, "level": "A2"},
    )
    verdicts = await assess_schools(session, [school.id], Requirements(levels={"en": "A2"}))
    assert verdicts == {school.id: Verdict(True)}


async def test_a_date_that_is_no_day_or_has_no_year_is_unknown(session: AsyncSession) -> None:
    for text in ("2026-02-30", "--04-15", "20260415"):
        facts = [("deadline", "application/any", {"date": text})]
        asked = Requirements(deadline_on_or_after=date(2026, 1, 1))
        assert await _verdict(session, facts, asked) == Verdict(True, (DEADLINE,)), text
        await session.rollback()


async def test_a_leap_day_is_a_day(session: AsyncSession) -> None:
    facts = [("deadline", "application/autumn", {"date": "2028-02-29"})]
    asked = Requirements(deadline_on_or_after=date(2028, 3, 1))
    assert await _verdict(session, facts, asked) == Verdict(False)


async def test_a_semester_is_met_by_the_year_or_any_semester_of_any_kind(
    session: AsyncSession,
) -> None:
    facts = [("deadline", "nomination/any", {"date": "2026-03-01"})]
    assert await _verdict(session, facts, Requirements(semester="spring")) == Verdict(True)
    await session.rollback()
    facts = [("deadline", "application/autumn", {"date": "2026-03-01"})]
    assert await _verdict(session, facts, Requirements(semester="spring")) == Verdict(False)
    await session.rollback()
    assert await _verdict(session, [], Requirements(semester="spring")) == Verdict(
        True, (SEMESTER,)
    )
