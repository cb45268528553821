"""What the catalogue knows about schools beyond the FAQ, with each value's source and freshness.

Batched by school ids, results in key order (one ``SchoolInfo`` per id, empty for an unknown
id), so a DataLoader can call it directly. Precedence
(``docs/decisions/0040-precedence-of-values.md``: an admin override beats the curated value,
which beats the scraped one) is decided in SQL by ``service.catalogue.precedence``, the
expression the served school columns use too; this module only builds the values it chose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, Select, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import Label
from sqlalchemy.sql.selectable import Subquery

from service.catalogue.fact_values import (
    Address,
    CuratedText,
    FactValue,
    Name,
    needs_review,
    read_stored,
    read_value,
)
from service.catalogue.fields import ADMIN_RETIREMENT_FIELD, CURATED_FIELDS, FactField
from service.catalogue.id_sets import member_of
from service.catalogue.precedence import Candidates, Source, served_source, served_stale
from service.catalogue.served_fields import served_school
from service.db import School, SchoolFact, SchoolOverride

#: Overrides that are not served as facts: identity fields, and the admin's retirement mark.
_NOT_INFO = frozenset((*CURATED_FIELDS, ADMIN_RETIREMENT_FIELD))


@dataclass(frozen=True, slots=True)
class InfoValue:
    """One value as served: where it comes from and how fresh it is.

    ``value`` is typed by the field (``service.catalogue.fact_values``; a curated field is a
    ``CuratedText``). Scraped values carry their provenance (page, fetch time, extractor,
    snippet, confidence) and freshness (``last_good_at``, ``stale``); overrides carry who set
    them and why.
    """

    field: str
    key: str
    value: FactValue
    source: Source
    source_url: str | None = None
    fetched_at: datetime | None = None
    last_good_at: datetime | None = None
    stale: bool = False
    confidence: float | None = None
    extractor: str | None = None
    snippet: str | None = None
    overridden_by: str | None = None
    override_reason: str | None = None
    overridden_at: datetime | None = None

    @property
    def needs_review(self) -> bool:
        """A scraped value less confident than the review threshold: served, but flagged."""
        return self.source == "scraped" and needs_review(self.confidence)


@dataclass(frozen=True, slots=True)
class SchoolInfo:
    """Everything served about one school beyond the offers."""

    school_id: int
    #: Scraped or overridden facts (deadlines, contacts, …), each with its source.
    values: tuple[InfoValue, ...] = ()
    #: Name, city, country code and website, each from override, curation or the pages.
    identity: tuple[InfoValue, ...] = ()

    def of(self, field: FactField) -> list[InfoValue]:
        return [value for value in self.values if value.field == field.value]

    def one(self, field: FactField) -> InfoValue | None:
        found = self.of(field)
        return found[0] if found else None

    def identity_of(self, name: str) -> InfoValue | None:
        return next((value for value in self.identity if value.field == name), None)

    @property
    def deadlines(self) -> list[InfoValue]:
        return self.of(FactField.DEADLINE)

    @property
    def language_requirements(self) -> list[InfoValue]:
        return self.of(FactField.LANGUAGE_REQUIREMENT)

    @property
    def credits(self) -> list[InfoValue]:
        return self.of(FactField.CREDITS)

    @property
    def contacts(self) -> list[InfoValue]:
        """E-mails, then phones."""
        return self.of(FactField.EMAIL) + self.of(FactField.PHONE)

    @property
    def description(self) -> InfoValue | None:
        return self.one(FactField.DESCRIPTION)


def _scraped(fact: SchoolFact, value: FactValue) -> InfoValue:
    return InfoValue(
        field=fact.field,
        key=fact.key,
        value=value,
        source="scraped",
        source_url=fact.source_url,
        fetched_at=fact.fetched_at,
        last_good_at=fact.last_good_at,
        stale=fact.stale,
        confidence=fact.confidence,
        extractor=f"{fact.extractor} v{fact.extractor_version}",
        snippet=fact.snippet,
    )


def _overridden(override: SchoolOverride, value: FactValue) -> InfoValue:
    return InfoValue(
        field=override.field,
        key=override.key,
        value=value,
        source="override",
        overridden_by=override.created_by,
        override_reason=override.reason,
        overridden_at=override.created_at,
    )


#: The scraped fact standing for a curated field: (fact field, part of its value).
_SCRAPED_IDENTITY: dict[str, tuple[FactField, str]] = {
    "name": (FactField.NAME, "name"),
    "city": (FactField.ADDRESS, "locality"),
    "country_code": (FactField.ADDRESS, "country_code"),
}


def _scraped_identity_by_school() -> Subquery:
    """One row per school with facts: the scraped value standing for each curated field."""
    return (
        select(
            SchoolFact.school_id,
            *(
                func.max(
                    case(
                        (SchoolFact.field == fact.value, SchoolFact.value[part].as_string()),
                    )
                ).label(name)
                for name, (fact, part) in _SCRAPED_IDENTITY.items()
            ),
        )
        .where(SchoolFact.key == "")
        .group_by(SchoolFact.school_id)
        .subquery()
    )


def _identity_query(session: AsyncSession, ids: Sequence[int]) -> Select[*tuple[Any, ...]]:
    """Each school, and the source each curated field is served from (precedence in SQL)."""
    served = served_school(School)
    scraped = _scraped_identity_by_school()

    def source(name: str) -> Label[Any]:
        candidates = replace(
            served.candidates(name),
            scraped=scraped.c[name] if name in _SCRAPED_IDENTITY else None,
        )
        return served_source(candidates).label(name)

    query = served.join(select(School, *(source(name) for name in CURATED_FIELDS)))
    return query.outerjoin(scraped, scraped.c.school_id == School.id).where(
        member_of(session, School.id, ids)
    )


def _scraped_identity(facts: dict[tuple[str, str], SchoolFact], name: str) -> InfoValue | None:
    """The scraped value standing for a curated field (name from JSON-LD, city from address)."""
    source = {"name": FactField.NAME, "city": FactField.ADDRESS, "country_code": FactField.ADDRESS}
    fact = facts.get((source[name].value, "")) if name in source else None
    if fact is None:
        return None
    value = read_value(source[name], fact.key, fact.value)
    text = None
    if isinstance(value, Name):
        text = value.name
    elif isinstance(value, Address):
        text = value.country_code if name == "country_code" else value.locality
    if text is None:
        return None
    return replace(_scraped(fact, CuratedText(text)), field=name)


def _identity(
    row: RowMapping,
    facts: dict[tuple[str, str], SchoolFact],
    overrides: dict[tuple[str, str], SchoolOverride],
) -> tuple[InfoValue, ...]:
    school: School = row["School"]
    resolved = []
    for name in CURATED_FIELDS:
        source: Source | None = row[name]
        if source == "override":
            override = overrides[(name, "")]
            resolved.append(_overridden(override, CuratedText.from_json(override.value)))
        elif source == "curated":
            curated = CuratedText(str(getattr(school, name)))
            resolved.append(InfoValue(field=name, key="", value=curated, source="curated"))
        elif source == "scraped" and (scraped := _scraped_identity(facts, name)) is not None:
            resolved.append(scraped)
    return tuple(resolved)


def _facts_query(session: AsyncSession, ids: Sequence[int]) -> Select[*tuple[Any, ...]]:
    """Each scraped fact, and whether an override of the same field and key beats it."""
    candidates = Candidates(
        override=SchoolOverride.value, scraped=SchoolFact.value, scraped_stale=SchoolFact.stale
    )
    same_key = and_(
        SchoolOverride.school_id == SchoolFact.school_id,
        SchoolOverride.field == SchoolFact.field,
        SchoolOverride.key == SchoolFact.key,
    )
    return (
        select(
            SchoolFact,
            served_source(candidates).label("source"),
            served_stale(candidates).label("stale"),
        )
        .outerjoin(SchoolOverride, same_key)
        .where(member_of(session, SchoolFact.school_id, ids))
        .order_by(SchoolFact.school_id, SchoolFact.field, SchoolFact.id)
    )


def _values(
    facts: dict[tuple[str, str], SchoolFact],
    sources: dict[tuple[str, str], RowMapping],
    overrides: dict[tuple[str, str], SchoolOverride],
) -> tuple[InfoValue, ...]:
    served = []
    for key, fact in facts.items():
        if fact.field == FactField.NAME.value:
            continue  # served as the name's scraped fallback, under identity
        decided = sources[key]
        if decided["source"] == "override":
            override = overrides[key]
            value = read_stored(override.field, override.key, override.value)
            if value is not None:
                served.append(_overridden(override, value))
            continue
        value = read_stored(fact.field, fact.key, fact.value)
        if value is None:
            continue  # a field this version does not know: nothing reads it
        served.append(replace(_scraped(fact, value), stale=bool(decided["stale"])))
    # An override with no scraped value beside it: the only candidate.
    for key, override in overrides.items():
        if key in facts or override.field in _NOT_INFO:
            continue
        value = read_stored(override.field, override.key, override.value)
        if value is not None:
            served.append(_overridden(override, value))
    return tuple(served)


async def load_school_info(session: AsyncSession, school_ids: Sequence[int]) -> list[SchoolInfo]:
    """One :class:`SchoolInfo` per id, in the order of ``school_ids`` (three queries)."""
    ids = list(dict.fromkeys(school_ids))
    schools = {
        row["School"].id: row
        for row in (await session.execute(_identity_query(session, ids))).mappings()
    }
    facts: dict[int, dict[tuple[str, str], SchoolFact]] = defaultdict(dict)
    sources: dict[int, dict[tuple[str, str], RowMapping]] = defaultdict(dict)
    for row in (await session.execute(_facts_query(session, ids))).mappings():
        fact: SchoolFact = row["SchoolFact"]
        facts[fact.school_id][(fact.field, fact.key)] = fact
        sources[fact.school_id][(fact.field, fact.key)] = row
    overrides: dict[int, dict[tuple[str, str], SchoolOverride]] = defaultdict(dict)
    query_overrides = (
        select(SchoolOverride)
        .where(member_of(session, SchoolOverride.school_id, ids))
        .order_by(SchoolOverride.id)
    )
    for override in await session.scalars(query_overrides):
        overrides[override.school_id][(override.field, override.key)] = override
    return [
        SchoolInfo(
            school_id=school_id,
            values=_values(facts[school_id], sources[school_id], overrides[school_id]),
            identity=()
            if school_id not in schools
            else _identity(schools[school_id], facts[school_id], overrides[school_id]),
        )
        for school_id in school_ids
    ]
