"""What a partner asks and when, checked against a student's answers, unknown facts kept apart.

The facts are the school's (served values, overrides first: service.catalogue.school_info), so
every offer of a school gets the same verdict. A criterion the catalogue cannot decide (no
deadline known, a date without a year, a test score instead of a CEFR level) never excludes
an offer: it matches, and the verdict names the criterion as matched on unknown data.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.fact_values import Deadline, LanguageRequirement
from service.catalogue.school_info import SchoolInfo, load_school_info

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
#: A deadline or requirement for "any" semester (or none named) holds for every semester.
_ANY_SEMESTER = frozenset({"", "any"})


class RequirementFact(enum.StrEnum):
    """A criterion of the student's question, by the fact it reads."""

    LANGUAGE_REQUIREMENT = "language_requirement"
    APPLICATION_DEADLINE = "application_deadline"
    SEMESTER = "semester"


@dataclass(frozen=True, slots=True)
class Requirements:
    """The student's side: levels per language, the earliest deadline they can meet, a term."""

    #: ISO 639-1 language → the highest CEFR level the partner may ask (the student's level).
    levels: Mapping[str, str] = field(default_factory=dict)
    deadline_on_or_after: date | None = None
    #: "autumn", "spring" or "year".
    semester: str | None = None

    def __bool__(self) -> bool:
        return bool(self.levels) or self.deadline_on_or_after is not None or bool(self.semester)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the school's offers match, and which criteria matched only for want of facts."""

    matches: bool
    unknown: tuple[RequirementFact, ...] = ()


def _low(text: str | None) -> str:
    return (text or "").lower()


def _languages(info: SchoolInfo, levels: Mapping[str, str]) -> bool | None:
    """True/False when every language given is decided, None when one is not."""
    unknown = False
    requirements = [
        value.value
        for value in info.language_requirements
        if isinstance(value.value, LanguageRequirement)
    ]
    for language, most in levels.items():
        asked = [
            requirement
            for requirement in requirements
            if _low(requirement.language) == language.lower() and requirement.required is not False
        ]
        cefr = [(requirement.level or "").upper() for requirement in asked]
        known = [level for level in cefr if level in CEFR_LEVELS]
        if any(CEFR_LEVELS.index(level) > CEFR_LEVELS.index(most) for level in known):
            return False
        # Nothing said about this language, or only a test score: cannot tell.
        unknown = unknown or not known or len(known) < len(asked)
    return None if unknown else True


def _all_deadlines(info: SchoolInfo) -> list[Deadline]:
    return [value.value for value in info.deadlines if isinstance(value.value, Deadline)]


def _deadlines(info: SchoolInfo, semester: str | None) -> list[Deadline]:
    return [
        deadline
        for deadline in _all_deadlines(info)
        if _low(deadline.kind) == "application"
        and (semester is None or _low(deadline.semester) in _ANY_SEMESTER | {semester, "year"})
    ]


def _deadline(info: SchoolInfo, earliest: date, semester: str | None) -> bool | None:
    dated: list[date] = []
    undated = False
    for deadline in _deadlines(info, semester):
        try:
            dated.append(date.fromisoformat(deadline.date or ""))
        except ValueError:
            undated = True  # "--04-15": the page gives no year
    if any(day >= earliest for day in dated):
        return True
    return None if undated or not dated else False


def _semester(info: SchoolInfo, semester: str) -> bool | None:
    terms = {_low(deadline.semester) for deadline in _all_deadlines(info)}
    if not terms:
        return None
    return bool(terms & (_ANY_SEMESTER | {semester, "year"}))


def assess(info: SchoolInfo, requirements: Requirements) -> Verdict:
    """The verdict for one school's offers."""
    checks: list[tuple[RequirementFact, bool | None]] = []
    if requirements.levels:
        checks.append((RequirementFact.LANGUAGE_REQUIREMENT, _languages(info, requirements.levels)))
    if requirements.deadline_on_or_after is not None:
        answer = _deadline(info, requirements.deadline_on_or_after, requirements.semester)
        checks.append((RequirementFact.APPLICATION_DEADLINE, answer))
    if requirements.semester:
        checks.append((RequirementFact.SEMESTER, _semester(info, requirements.semester)))
    if any(answer is False for _, answer in checks):
        return Verdict(matches=False)
    return Verdict(matches=True, unknown=tuple(fact for fact, answer in checks if answer is None))


async def assess_schools(
    session: AsyncSession, school_ids: Sequence[int], requirements: Requirements
) -> dict[int, Verdict]:
    """The verdict of each school (one batch of school information)."""
    infos = await load_school_info(session, school_ids)
    return {info.school_id: assess(info, requirements) for info in infos}
