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
    #: Each offer's places (None: not given). The key says the rest: a record per offer beside
    #: its key was ~0.7 times the page's size on a first import (decision 0341).
    offers: dict[OfferKey, int | None] = field(default_factory=dict)
    #: Each link's role, by key (decision 0341, as offers).
    links: dict[LinkKey, LinkRole] = field(default_factory=dict)
    #: None when the page has no "Pour qui ?" section (the stored rules are then kept).
    rules: list[RuleSpec] | None = None
    findings: list[FindingSpec] = field(default_factory=list)

    @property
    def partner_slugs(self) -> set[str]:
        return {slug for slug, school in self.schools.items() if school.is_partner}
