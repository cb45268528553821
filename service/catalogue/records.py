"""Immutable records the query modules return: what the API reads, detached from the ORM."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

from service.db import FindingSeverity, LinkRole, OfferKind

R = TypeVar("R")


#: Each record class's field names, and whether the field holds a tuple (JSON gives lists).
_FIELDS: dict[type, tuple[tuple[str, bool], ...]] = {}


def _fields_of(cls: type) -> tuple[tuple[str, bool], ...]:
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = tuple(
            (item.name, str(item.type).startswith("tuple")) for item in fields(cls)
        )
    return found


def record_from(cls: type[R], row: Mapping[Any, Any]) -> R:
    """A record of ``cls`` from a row's columns of the same names (extra columns ignored).

    By name, never by position: a select list that changes order cannot shift values into the
    wrong fields. A JSON list read for a tuple field becomes a tuple. A field the row lacks
    keeps its default (a missing required one fails in ``cls()``).
    """
    values: dict[str, Any] = {}
    for name, is_tuple in _fields_of(cls):
        if name in row:
            value = row[name]
            values[name] = tuple(value) if is_tuple and isinstance(value, list) else value
    return cls(**values)


@dataclass(frozen=True, slots=True)
class CountryRecord:
    code: str
    name_fr: str
    name_en: str


@dataclass(frozen=True, slots=True)
class SchoolRecord:
    id: int
    slug: str
    name: str
    short_name: str | None
    city: str | None
    country_code: str
    parent_id: int | None
    website: str | None
    is_partner: bool
    retired_at: datetime | None


@dataclass(frozen=True, slots=True)
class ProgrammeRecord:
    id: int
    key: str
    name: str
    url: str | None
    retired_at: datetime | None


@dataclass(frozen=True, slots=True)
class OfferRecord:
    id: int
    school_id: int
    programme_id: int | None
    kind: OfferKind | None
    places: int | None
    academic_year: str
    retired_at: datetime | None


@dataclass(frozen=True, slots=True)
class HomeTrackRecord:
    code: str
    name: str | None


@dataclass(frozen=True, slots=True)
class SelectionRuleRecord:
    id: int
    home_track_code: str | None
    semesters: tuple[str, ...]
    criteria: tuple[str, ...]
    source_text: str


@dataclass(frozen=True, slots=True)
class LinkRecord:
    id: int
    url: str
    role: LinkRole
    school_id: int | None
    programme_id: int | None


@dataclass(frozen=True, slots=True)
class FindingRecord:
    id: int
    kind: str
    origin: str
    severity: FindingSeverity
    message: str
    detail: dict[str, object]
    school_id: int | None
    source_line: int | None
    first_seen_at: datetime
    resolved_at: datetime | None
    link_id: int | None = None
