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
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.fact_sql import FactSql
from service.catalogue.school_info import served_facts

CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")


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


def _rank(level: str) -> str:
    """SQL: the CEFR rank of ``level`` (1 for A1 … 6 for C2), NULL for anything else."""
    whens = " ".join(f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(CEFR_LEVELS, 1))
    return f"(CASE {level} {whens} END)"


def _iso_date(postgres: bool, text: str) -> str:
    """SQL: ``text`` is a date of the form ``YYYY-MM-DD`` (a real day: no 2026-02-30)."""
    pattern = (
        f"{text} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$'"
        if postgres
        else f"{text} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'"
    )
    year = f"CAST(substr({text}, 1, 4) AS INTEGER)"
    month, day = f"substr({text}, 6, 2)", f"substr({text}, 9, 2)"
    leap = f"(({year} % 4 = 0 AND {year} % 100 <> 0) OR {year} % 400 = 0)"
    last = (
        f"CASE {month} WHEN '02' THEN CASE WHEN {leap} THEN '29' ELSE '28' END "
        "WHEN '04' THEN '30' WHEN '06' THEN '30' WHEN '09' THEN '30' WHEN '11' THEN '30' "
        "ELSE '31' END"
    )
    return (
        f"({pattern} AND substr({text}, 1, 4) <> '0000' AND {month} BETWEEN '01' AND '12' "
        f"AND {day} BETWEEN '01' AND {last})"
    )


#: The served values as statements name them (``school_info.served_facts``).
SERVED_FACT = "served_fact"
#: The served language requirements, read once per row (:func:`verdict_sources`).
STUDENT_LANGUAGE = "student_language"
#: The served deadlines, read once per row (:func:`verdict_sources`).
STUDENT_DEADLINE = "student_deadline"


def verdict_sources(postgres: bool) -> list[tuple[str, str]]:
    """The common table expressions :class:`VerdictSql` reads, after ``served_fact``, as
    (name, SELECT): each served language requirement and deadline with its parts read once
    (``fact_values``' leniency, in SQL). Statements define them once in front, so that the
    verdict's subqueries stay shallow (SQLite's parser has a fixed stack)."""
    read = FactSql(postgres)
    yes, no = ("true", "false") if postgres else ("1", "0")
    value, key = "f.value", "f.key"
    status = f"coalesce({read.text(value, 'status')}, {read.key_part(key, 2)}, '')"
    flag = read.boolean(value, "required")
    required = (
        f"CASE WHEN {flag} IS NOT NULL THEN {flag} WHEN {status} = 'required' THEN {yes} "
        f"WHEN {status} = 'recommended' THEN {no} END"
    )
    level = _rank(f"upper(coalesce({read.text(value, 'level')}, ''))")
    language = (
        f"SELECT f.school_id AS school_id, "
        f"lower(coalesce({read.text(value, 'language')}, {read.key_part(key, 0)}, '')) "
        f"AS language, {level} AS level, "
        f"CASE WHEN ({required}) = {no} THEN {no} ELSE {yes} END AS asked "
        f"FROM {SERVED_FACT} AS f WHERE f.field = 'language_requirement'"
    )
    day = f"coalesce({read.text(value, 'date')}, '')"
    deadline = (
        f"SELECT f.school_id AS school_id, "
        f"lower(coalesce({read.text(value, 'kind')}, {read.key_part(key, 0)}, '')) AS kind, "
        f"lower(coalesce({read.text(value, 'semester')}, {read.key_part(key, 1)}, '')) AS term, "
        f"{day} AS day, CASE WHEN {_iso_date(postgres, day)} THEN {yes} ELSE {no} END AS dated "
        f"FROM {SERVED_FACT} AS f WHERE f.field = 'deadline'"
    )
    return [(STUDENT_LANGUAGE, language), (STUDENT_DEADLINE, deadline)]


#: The common table of each criterion's per-school answers (see :meth:`VerdictSql.tables`).
VERDICT_TABLES = {
    RequirementFact.LANGUAGE_REQUIREMENT: "verdict_language",
    RequirementFact.APPLICATION_DEADLINE: "verdict_deadline",
    RequirementFact.SEMESTER: "verdict_semester",
}


@dataclass(frozen=True, slots=True)
class VerdictSql:
    """The verdict of decision 0102 as SQL: per criterion asked, a common table of the
    schools' answers (``school_id``, ``c``: 1 met, 0 not met, NULL unknown), computed once per
    statement by grouping the served values (``served_fact``, the rows of
    ``school_info.served_facts``, read by :func:`verdict_sources`). A school absent from a
    table has no value the criterion reads: unknown. Only 0 excludes. The student's side is
    three SQL values: ``levels`` (a JSON object, language → CEFR level, as :func:`levels_json`
    writes it), ``earliest`` (an ISO date, text) and ``semester`` (``autumn``, ``spring``,
    ``year``; text). The one place the rule is written: the resolvers run it
    (:func:`assess_schools`) and the compiler puts the same tables in front of its statement.
    """

    postgres: bool
    levels: str = "NULL"
    earliest: str = "NULL"
    semester: str = "NULL"
    #: Names this statement's tables apart from another filter's (see :func:`verdict_table`).
    suffix: str = ""

    @property
    def _yes(self) -> str:
        return "true" if self.postgres else "1"

    def _student(self) -> str:
        if self.postgres:
            return f"json_each_text({self.levels}) AS sl(key, value)"
        return f"json_each({self.levels}) AS sl"

    def _languages(self) -> str:
        # Per school and language asked: any required (or unsaid) level above the student's,
        # and whether every such requirement names a CEFR level (a test score does not).
        per = (
            f"SELECT lr.school_id AS school_id, "
            f"max(CASE WHEN lr.level > {_rank('sl.value')} THEN 1 ELSE 0 END) AS above, "
            f"CASE WHEN count(lr.level) > 0 AND count(lr.level) = count(*) THEN 1 ELSE 0 END "
            f"AS known FROM {STUDENT_LANGUAGE} AS lr JOIN {self._student()} ON "
            f"lr.language = sl.key WHERE lr.asked = {self._yes} GROUP BY lr.school_id, sl.key"
        )
        # Not met when one language asks more; met when every language is known; else unknown
        # (a language nothing is said about has no row).
        asked = f"(SELECT count(*) FROM {self._student()})"
        return (
            f"SELECT per.school_id AS school_id, CASE WHEN max(per.above) = 1 THEN 0 "
            f"WHEN sum(per.known) = {asked} THEN 1 END AS c FROM ({per}) AS per "
            "GROUP BY per.school_id"
        )

    def _deadline(self) -> str:
        # Application deadlines for the semester (when given), the year or any semester: met
        # by one on or after the date; unknown when one has no year (or the school has none).
        day = 'dl.day COLLATE "C"' if self.postgres else "dl.day"
        return (
            f"SELECT dl.school_id AS school_id, CASE WHEN max(CASE WHEN dl.dated = {self._yes} "
            f"AND {day} >= {self.earliest} THEN 1 ELSE 0 END) = 1 THEN 1 "
            f"WHEN max(CASE WHEN dl.dated = {self._yes} THEN 0 ELSE 1 END) = 1 THEN NULL "
            f"ELSE 0 END AS c FROM {STUDENT_DEADLINE} AS dl WHERE dl.kind = 'application' AND "
            f"({self.semester} IS NULL OR dl.term IN ('', 'any', 'year', {self.semester})) "
            "GROUP BY dl.school_id"
        )

    def _semester(self) -> str:
        # Any deadline, of any kind, for the semester, the year or any semester (none: unknown).
        return (
            f"SELECT dl.school_id AS school_id, max(CASE WHEN dl.term IN ('', 'any', 'year', "
            f"{self.semester}) THEN 1 ELSE 0 END) AS c FROM {STUDENT_DEADLINE} AS dl "
            "GROUP BY dl.school_id"
        )

    def tables(self, asked: Sequence[RequirementFact]) -> list[tuple[str, str]]:
        """The (name, SELECT) of each asked criterion's table, to define in front (once)."""
        sql = {
            RequirementFact.LANGUAGE_REQUIREMENT: self._languages,
            RequirementFact.APPLICATION_DEADLINE: self._deadline,
            RequirementFact.SEMESTER: self._semester,
        }
        return [(verdict_table(fact, self.suffix), sql[fact]()) for fact in asked]


def verdict_table(fact: RequirementFact, suffix: str = "") -> str:
    """The name of ``fact``'s table of answers (``suffix``: one filter's among several)."""
    return VERDICT_TABLES[fact] + (f"_{suffix}" if suffix else "")


def answer_of(fact: RequirementFact, school: str, suffix: str = "") -> str:
    """SQL: the answer of ``fact`` for the school whose id is ``school`` (NULL: unknown)."""
    table = verdict_table(fact, suffix)
    return f"(SELECT v.c FROM {table} AS v WHERE v.school_id = {school})"


def excluded_by(fact: RequirementFact, suffix: str = "") -> str:
    """SQL: the ids of the schools ``fact``'s criterion excludes (answered 0)."""
    return f"SELECT v.school_id FROM {verdict_table(fact, suffix)} AS v WHERE v.c = 0"


def asked_criteria(requirements: Requirements) -> list[RequirementFact]:
    """The criteria ``requirements`` asks, in the order a verdict names them."""
    asked: list[RequirementFact] = []
    if requirements.levels:
        asked.append(RequirementFact.LANGUAGE_REQUIREMENT)
    if requirements.deadline_on_or_after is not None:
        asked.append(RequirementFact.APPLICATION_DEADLINE)
    if requirements.semester:
        asked.append(RequirementFact.SEMESTER)
    return asked


def verdict_of(asked: Sequence[RequirementFact], answers: Sequence[Any]) -> Verdict:
    """The verdict from each asked criterion's SQL answer (1, 0 or NULL)."""
    if any(answer is not None and not answer for answer in answers):
        return Verdict(matches=False)
    unknown = tuple(fact for fact, answer in zip(asked, answers, strict=True) if answer is None)
    return Verdict(matches=True, unknown=unknown)


def levels_json(requirements: Requirements) -> str:
    """The student's levels as the JSON object :meth:`VerdictSql.languages` reads."""
    return orjson.dumps(dict(requirements.levels)).decode()


def served_facts_sql(dialect: Any) -> str:
    """The SQL text of ``served_facts()`` for an SQLAlchemy dialect (no parameters in it)."""
    compiled = served_facts().compile(dialect=dialect, compile_kwargs={"literal_binds": True})
    return str(compiled)


async def assess_schools(
    session: AsyncSession, school_ids: Sequence[int], requirements: Requirements
) -> dict[int, Verdict]:
    """The verdict of each school (one statement: the SQL of :class:`VerdictSql`)."""
    if not school_ids or not requirements:
        return {school_id: Verdict(matches=True) for school_id in school_ids}
    dialect = session.get_bind().dialect
    postgres = dialect.name == "postgresql"
    text_type, json_type = "TEXT", "json" if postgres else "TEXT"
    asked = asked_criteria(requirements)
    verdict = VerdictSql(
        postgres,
        f"CAST(:levels AS {json_type})",
        f"CAST(:earliest AS {text_type})",
        f"CAST(:semester AS {text_type})",
    )
    ids = (
        "SELECT CAST(value AS INTEGER) FROM json_array_elements_text(CAST(:ids AS json))"
        if postgres
        else "SELECT value FROM json_each(:ids)"
    )
    columns = ", ".join(f"{answer_of(fact, 'vs.id')} AS c{n}" for n, fact in enumerate(asked))
    sources = [(SERVED_FACT, served_facts_sql(dialect)), *verdict_sources(postgres)]
    # The answers are computed once (each is read once per school).
    ctes = ", ".join(
        [
            *(f"{name} AS NOT MATERIALIZED ({select})" for name, select in sources),
            *(f"{name} AS MATERIALIZED ({select})" for name, select in verdict.tables(asked)),
        ]
    )
    statement = text(
        f"WITH {ctes} SELECT vs.id AS id, {columns} FROM school AS vs WHERE vs.id IN ({ids})"
    )
    earliest = requirements.deadline_on_or_after
    rows = await session.execute(
        statement,
        {
            "levels": levels_json(requirements),
            "earliest": None if earliest is None else earliest.isoformat(),
            "semester": requirements.semester,
            "ids": orjson.dumps(sorted(set(school_ids))).decode(),
        },
    )
    found = {row.id: verdict_of(asked, row[1:]) for row in rows}
    return {school_id: found[school_id] for school_id in school_ids if school_id in found}
