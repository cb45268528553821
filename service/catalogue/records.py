"""Immutable records the query modules return: what the API reads, detached from the ORM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from service.db.models import FindingSeverity, LinkRole, OfferKind


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
