"""What the catalogue knows about schools beyond the FAQ, with each value's source and freshness.

Batched by school ids, results in key order (one ``SchoolInfo`` per id, empty for an unknown
id), so a DataLoader can call it directly. Precedence
(``docs/decisions/0040-precedence-of-values.md``: an admin override beats the curated value,
which beats the scraped one) is decided in SQL by ``service.catalogue.precedence``, the
expression the served school columns use too; this module only builds the values it chose.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    RowMapping,
    Select,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    select,
    true,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement, Label
from sqlalchemy.sql.selectable import Subquery

from service.catalogue.fact_values import (
    Address,
    CuratedText,
    FactValue,
    Name,
    needs_review,
    read_stored,
)
from service.catalogue.fields import (
    ADMIN_RETIREMENT_FIELD,
    CURATED_FIELDS,
    STORED_FIELDS,
    FactField,
)
from service.catalogue.id_sets import member_of
from service.catalogue.precedence import (
    Candidates,
    Source,
    served_source,
    served_stale,
    served_value,
)
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


def identity_sources(*leading: Any) -> Select[*tuple[Any, ...]]:
    """SQL: ``leading`` columns of each school, then the source each curated field is served
    from (``'override'``, ``'curated'``, ``'scraped'`` or NULL; precedence in SQL), a column
    named like the field. Both read paths use it (the compiled one:
    ``service.graphql.compiler.info``)."""
    served = served_school(School)
    scraped = _scraped_identity_by_school()

    def source(name: str) -> Label[Any]:
        candidates = replace(
            served.candidates(name),
            scraped=scraped.c[name] if name in _SCRAPED_IDENTITY else None,
        )
        return served_source(candidates).label(name)

    query = served.join(select(*leading, *(source(name) for name in CURATED_FIELDS)))
    return query.outerjoin(scraped, scraped.c.school_id == School.id)


def _identity_query(session: AsyncSession, ids: Sequence[int]) -> Select[*tuple[Any, ...]]:
    """Each school, and the source each curated field is served from (precedence in SQL)."""
    return identity_sources(School).where(member_of(session, School.id, ids))


#: The scraped fact and part each curated field falls back on (name, city, country code).
SCRAPED_IDENTITY: dict[str, tuple[str, str]] = {
    name: (fact.value, part) for name, (fact, part) in _SCRAPED_IDENTITY.items()
}


def _scraped_identity(facts: dict[str, InfoValue], name: str) -> InfoValue | None:
    """The scraped value standing for a curated field (name from JSON-LD, city from address)."""
    found = facts.get(_SCRAPED_IDENTITY[name][0].value) if name in _SCRAPED_IDENTITY else None
    if found is None:
        return None
    text = None
    if isinstance(found.value, Name):
        text = found.value.name
    elif isinstance(found.value, Address):
        text = found.value.country_code if name == "country_code" else found.value.locality
    if text is None:
        return None
    return replace(found, field=name, value=CuratedText(text))


def _identity(
    row: RowMapping,
    facts: dict[str, InfoValue],
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


#: The fields served under ``School.info``'s values: the stored facts but the name (served as
#: the name's scraped fallback, under identity); an override of another field is not a fact.
INFO_FIELDS: tuple[str, ...] = tuple(
    sorted(field.value for field in STORED_FIELDS if field.value not in _NOT_INFO)
)


def served_facts(
    schools: Callable[[Any], ColumnElement[bool]] | None = None,
) -> Select[*tuple[Any, ...]]:
    """SQL: every value served under ``School.info``, one row each, with its source.

    The scraped facts, each replaced by the override of its field and key when there is one
    (the precedence of ``service.catalogue.precedence``), then the overrides with no fact
    beside them. Columns: ``school_id``, ``field``, ``key``, ``value`` (the served JSON),
    ``source``, ``stale``, the scraped provenance (NULL unless scraped: ``source_url``,
    ``fetched_at``, ``last_good_at``, ``confidence``, ``extractor``, ``extractor_version``,
    ``snippet``), the override's (NULL unless overridden: ``override_reason``,
    ``overridden_by``, ``overridden_at``), and the served order within a school and field:
    ``rank`` (0 for facts, 1 for overrides alone) then ``position`` (their ids). Both read
    paths and the student filters read it (resolvers: ``load_school_info``; compiled:
    ``service.graphql.compiler.info``; the filters: ``service.catalogue.offer_requirements``).
    ``schools(school_id column)``: only the schools it admits, applied inside each part (a
    filter over the union would not reach the tables' indexes).
    """

    def admitted(school_id: Any) -> ColumnElement[bool]:
        return true() if schools is None else schools(school_id)

    candidates = Candidates(
        override=SchoolOverride.value, scraped=SchoolFact.value, scraped_stale=SchoolFact.stale
    )
    same_key = and_(
        SchoolOverride.school_id == SchoolFact.school_id,
        SchoolOverride.field == SchoolFact.field,
        SchoolOverride.key == SchoolFact.key,
    )
    source = served_source(candidates)
    scraped = source == literal("scraped")
    overridden = source == literal("override")

    def when(condition: ColumnElement[bool], value: Any, name: str) -> Label[Any]:
        return case((condition, value), else_=null()).label(name)

    facts = (
        select(
            SchoolFact.school_id,
            SchoolFact.field,
            SchoolFact.key,
            served_value(candidates).label("value"),
            source.label("source"),
            served_stale(candidates).label("stale"),
            when(scraped, SchoolFact.source_url, "source_url"),
            when(scraped, SchoolFact.fetched_at, "fetched_at"),
            when(scraped, SchoolFact.last_good_at, "last_good_at"),
            when(scraped, SchoolFact.confidence, "confidence"),
            when(scraped, SchoolFact.extractor, "extractor"),
            when(scraped, SchoolFact.extractor_version, "extractor_version"),
            when(scraped, SchoolFact.snippet, "snippet"),
            when(overridden, SchoolOverride.reason, "override_reason"),
            when(overridden, SchoolOverride.created_by, "overridden_by"),
            when(overridden, SchoolOverride.created_at, "overridden_at"),
            literal(0).label("rank"),
            SchoolFact.id.label("position"),
        )
        .outerjoin(SchoolOverride, same_key)
        .where(SchoolFact.field.in_(INFO_FIELDS), admitted(SchoolFact.school_id))
    )
    beside = (
        select(SchoolFact.id)
        .where(
            SchoolFact.school_id == SchoolOverride.school_id,
            SchoolFact.field == SchoolOverride.field,
            SchoolFact.key == SchoolOverride.key,
        )
        .exists()
    )
    alone = select(
        SchoolOverride.school_id,
        SchoolOverride.field,
        SchoolOverride.key,
        SchoolOverride.value,
        literal("override").label("source"),
        false().label("stale"),
        *(_null_as(getattr(SchoolFact, name), name) for name in _SCRAPED_PROVENANCE),
        SchoolOverride.reason,
        SchoolOverride.created_by,
        SchoolOverride.created_at,
        literal(1).label("rank"),
        SchoolOverride.id,
    ).where(SchoolOverride.field.in_(INFO_FIELDS), ~beside, admitted(SchoolOverride.school_id))
    return facts.union_all(alone)  # type: ignore[return-value]


def _null_as(column: Any, name: str) -> Label[Any]:
    """NULL of ``column``'s type (PostgreSQL types a union's columns by its first member)."""
    return cast(null(), column.type).label(name)


_SCRAPED_PROVENANCE = (
    "source_url",
    "fetched_at",
    "last_good_at",
    "confidence",
    "extractor",
    "extractor_version",
    "snippet",
)


def _served(row: RowMapping) -> InfoValue | None:
    """The value of a row of :func:`served_facts` (whose provenance columns are NULL where
    its source has none)."""
    value = read_stored(row["field"], row["key"], row["value"])
    if value is None:
        return None  # a field this version does not know: nothing reads it
    scraped = row["source"] == "scraped"
    return InfoValue(
        field=row["field"],
        key=row["key"],
        value=value,
        source=row["source"],
        source_url=row["source_url"],
        fetched_at=row["fetched_at"],
        last_good_at=row["last_good_at"],
        stale=bool(row["stale"]),
        confidence=row["confidence"],
        extractor=f"{row['extractor']} v{row['extractor_version']}" if scraped else None,
        snippet=row["snippet"],
        overridden_by=row["overridden_by"],
        override_reason=row["override_reason"],
        overridden_at=row["overridden_at"],
    )


def _identity_facts(schools: Callable[[Any], ColumnElement[bool]]) -> Select[*tuple[Any, ...]]:
    """The scraped facts the identity falls back on (name, address; key ``""``), as they are
    (not replaced by an override of their own: the identity has its own precedence), in the
    columns of :func:`served_facts` with ``rank`` 2."""
    return select(
        SchoolFact.school_id,
        SchoolFact.field,
        SchoolFact.key,
        SchoolFact.value,
        literal("scraped").label("source"),
        SchoolFact.stale,
        *(getattr(SchoolFact, name) for name in _SCRAPED_PROVENANCE),
        _null_as(SchoolOverride.reason, "override_reason"),
        _null_as(SchoolOverride.created_by, "overridden_by"),
        _null_as(SchoolOverride.created_at, "overridden_at"),
        literal(2).label("rank"),
        SchoolFact.id,
    ).where(
        schools(SchoolFact.school_id),
        SchoolFact.key == "",
        SchoolFact.field.in_([FactField.NAME.value, FactField.ADDRESS.value]),
    )


async def _served_values(
    session: AsyncSession, ids: Sequence[int]
) -> tuple[dict[int, tuple[InfoValue, ...]], dict[int, dict[str, InfoValue]]]:
    """Each school's served values, and the scraped facts its identity falls back on (one
    statement)."""

    def schools(school_id: Any) -> ColumnElement[bool]:
        return member_of(session, school_id, ids)

    served, identity = served_facts(schools).subquery(), _identity_facts(schools).subquery()
    both = union_all(select(served), select(identity)).subquery()
    query = select(both).order_by(both.c.school_id, both.c.field, both.c.rank, both.c.position)
    values: dict[int, list[InfoValue]] = defaultdict(list)
    facts: dict[int, dict[str, InfoValue]] = defaultdict(dict)
    for row in (await session.execute(query)).mappings():
        value = _served(row)
        if value is None:
            continue
        if row["rank"] == 2:
            facts[row["school_id"]][value.field] = value
        else:
            values[row["school_id"]].append(value)
    return {school_id: tuple(found) for school_id, found in values.items()}, facts


async def load_school_info(session: AsyncSession, school_ids: Sequence[int]) -> list[SchoolInfo]:
    """One :class:`SchoolInfo` per id, in the order of ``school_ids`` (three queries)."""
    ids = list(dict.fromkeys(school_ids))
    schools = {
        row["School"].id: row
        for row in (await session.execute(_identity_query(session, ids))).mappings()
    }
    overrides: dict[int, dict[tuple[str, str], SchoolOverride]] = defaultdict(dict)
    query_overrides = (
        select(SchoolOverride)
        .where(
            member_of(session, SchoolOverride.school_id, ids),
            SchoolOverride.key == "",
            SchoolOverride.field.in_(CURATED_FIELDS),
        )
        .order_by(SchoolOverride.id)
    )
    for override in await session.scalars(query_overrides):
        overrides[override.school_id][(override.field, override.key)] = override
    values, facts = await _served_values(session, ids)
    return [
        SchoolInfo(
            school_id=school_id,
            values=values.get(school_id, ()),
            identity=()
            if school_id not in schools
            else _identity(schools[school_id], facts[school_id], overrides[school_id]),
        )
        for school_id in school_ids
    ]
