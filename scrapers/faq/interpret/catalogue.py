"""The catalogue a page describes, keyed by natural keys (no database ids yet).

:mod:`scrapers.faq.interpret.reader` builds it from a parsed page;
:mod:`scrapers.faq.plan.compare` compares it with what the database holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapers.faq.interpret.findings import FindingSpec, LinkKey
from scrapers.faq.read import RevisionMeta
from service.db import LinkRole, OfferKind

#: Offer natural key: (school slug, programme key, kind, academic year, scope).
OfferKey = tuple[str, str | None, OfferKind | None, str, str]


@dataclass(slots=True)
class SchoolSpec:
    slug: str
    name: str
    country_code: str
    short_name: str | None = None
    city: str | None = None
    parent_slug: str | None = None
    website: str | None = None
    #: Listed by the page as a partner (False for parents and "commune avec" schools only).
    is_partner: bool = False


@dataclass(slots=True)
class ProgrammeSpec:
    key: str
    name: str
    school_slugs: tuple[str, ...]
    url: str | None = None


@dataclass(slots=True)
class OfferSpec:
    key: OfferKey
    places: int | None
    line: int | None = None

    @property
    def school_slug(self) -> str:
        return self.key[0]

    @property
    def kind(self) -> OfferKind | None:
        return self.key[2]

    @property
    def scope(self) -> str:
        return self.key[4]

    @property
    def tracks(self) -> tuple[str, ...]:
        return tuple(self.scope.split(",")) if self.scope else ()


@dataclass(slots=True)
class LinkSpec:
    key: LinkKey
    role: LinkRole


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A selection rule: for every track (``track`` None) or for one."""

    track: str | None
    semesters: tuple[str, ...]
    criteria: tuple[str, ...]
    source_text: str


@dataclass(slots=True)
class Catalogue:
    """Everything a page says, ready to be compared with the database."""

    meta: RevisionMeta
    academic_year: str | None = None
    countries: set[str] = field(default_factory=set)
    #: Home tracks by code, with a name when the page gives one.
    tracks: dict[str, str | None] = field(default_factory=dict)
    schools: dict[str, SchoolSpec] = field(default_factory=dict)
    programmes: dict[str, ProgrammeSpec] = field(default_factory=dict)
    offers: dict[OfferKey, OfferSpec] = field(default_factory=dict)
    links: dict[LinkKey, LinkSpec] = field(default_factory=dict)
    #: None when the page has no "Pour qui ?" section (the stored rules are then kept).
    rules: list[RuleSpec] | None = None
    findings: list[FindingSpec] = field(default_factory=list)

    @property
    def partner_slugs(self) -> set[str]:
        return {slug for slug, school in self.schools.items() if school.is_partner}
