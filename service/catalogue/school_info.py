"""What the catalogue knows about schools beyond the FAQ, with each value's source and freshness.

Batched by school ids, results in key order (one ``SchoolInfo`` per id, empty for an unknown
id), so a DataLoader can call it directly. Precedence is applied here
(``docs/decisions/0040-precedence-of-values.md``): an admin override beats the curated value,
which beats the scraped one; scraped values are stored beside curated ones, never over them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
from service.db.models import School, SchoolFact, SchoolOverride

Source = Literal["override", "curated", "scraped"]

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
    school: School | None,
    facts: dict[tuple[str, str], SchoolFact],
    overrides: dict[tuple[str, str], SchoolOverride],
) -> tuple[InfoValue, ...]:
    resolved = []
    for name in CURATED_FIELDS:
        override = overrides.get((name, ""))
        curated = getattr(school, name) if school is not None else None
        if override is not None:
            resolved.append(_overridden(override, CuratedText.from_json(override.value)))
        elif curated is not None:
            resolved.append(
                InfoValue(field=name, key="", value=CuratedText(str(curated)), source="curated")
            )
        elif (scraped := _scraped_identity(facts, name)) is not None:
            resolved.append(scraped)
    return tuple(resolved)


def _values(
    facts: dict[tuple[str, str], SchoolFact], overrides: dict[tuple[str, str], SchoolOverride]
) -> tuple[InfoValue, ...]:
    served = []
    for key, fact in facts.items():
        if fact.field == FactField.NAME.value:
            continue  # served as the name's scraped fallback, under identity
        override = overrides.get(key)
        row: SchoolFact | SchoolOverride = fact if override is None else override
        value = read_stored(row.field, row.key, row.value)
        if value is None:
            continue  # a field this version does not know: nothing reads it
        served.append(_scraped(fact, value) if override is None else _overridden(override, value))
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
        s.id: s
        for s in await session.scalars(select(School).where(member_of(session, School.id, ids)))
    }
    facts: dict[int, dict[tuple[str, str], SchoolFact]] = defaultdict(dict)
    query = (
        select(SchoolFact)
        .where(member_of(session, SchoolFact.school_id, ids))
        .order_by(SchoolFact.school_id, SchoolFact.field, SchoolFact.id)
    )
    for fact in await session.scalars(query):
        facts[fact.school_id][(fact.field, fact.key)] = fact
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
            values=_values(facts[school_id], overrides[school_id]),
            identity=_identity(schools.get(school_id), facts[school_id], overrides[school_id]),
        )
        for school_id in school_ids
    ]
