"""Every mention of a school on the page, merged into one school per slug.

The same school appears several times (the open list and a track list, two programmes, two
campuses): its mentions are merged. The slug comes from the short name when the page gives one
("ENSIM : Ecole Nationale …" → ``ensim``), otherwise from the name. A city is kept only when
every mention names the same one: "Gardanne" named for one cursus of Mines Saint-Étienne is a
campus, not the school's city, and is reported instead.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache

from scrapers.faq.interpret.catalogue import SchoolSpec
from scrapers.faq.interpret.findings import FindingLog, FindingSpec
from scrapers.faq.interpret.link_text import NamedSchool
from service.text import slugify

SLUG_MAX_LENGTH = 120


def school_slug(named: NamedSchool) -> str:
    """The natural key of a school as a text names it ("" when the name has no letters)."""
    return _slug(named.short_name or named.name)


@lru_cache(maxsize=1 << 16)
def _slug(name: str) -> str:
    # Cached: a page names the same schools and parents over and over. Interned, so that the
    # ids read back after the writes are keyed by these same strings (decision 0207).
    return sys.intern(slugify(name)[:SLUG_MAX_LENGTH].strip("-"))


@dataclass(slots=True)
class _Mentions:
    """What the mentions of one school say, folded as they come: a parent named by thousands
    of items keeps a few fields, not a list per mention (decision 0205)."""

    #: The first mention's name, and the first that gives a short name.
    first: NamedSchool
    with_short: NamedSchool | None = None
    #: The first country, and the first of the page's own items (which wins when choosing).
    first_country: str = ""
    listed_country: str | None = None
    #: Each other country named, with the line of its first mention (in page order); None
    #: while every mention names the first country (most schools: no dict per school).
    other_countries: dict[str, int | None] | None = None
    #: The first city of the page's items for this school, the others (None while there is
    #: no other), and whether an item named none.
    city: str | None = None
    other_cities: set[str] | None = None
    city_missing: bool = False
    #: The first parent, the other parents (None while there is none), how many parent
    #: mentions and the second one's line.
    parent: str | None = None
    other_parents: set[str] | None = None
    parent_mentions: int = 0
    second_parent_line: int | None = None
    is_partner: bool = False
    line: int | None = None

    def countries(self) -> dict[str, int | None]:
        """Each country named, with the line of its first mention, in page order."""
        return {self.first_country: self.line, **(self.other_countries or {})}

    def cities(self) -> set[str]:
        named = set(self.other_cities or ())
        if self.city is not None:
            named.add(self.city)
        return named


class SchoolBook:
    """Collects mentions; :meth:`finish` merges them and reports contradictions."""

    def __init__(self, findings: FindingLog) -> None:
        self._findings = findings
        self._mentions: dict[str, _Mentions] = {}

    def add(
        self,
        named: NamedSchool,
        *,
        country: str,
        line: int | None,
        parent: str | None = None,
        listed: bool = False,
        city: str | None = None,
    ) -> str:
        """Record one mention; ``listed`` for the page's own items (partners). Returns the slug."""
        slug = school_slug(named)
        mentions = self._mentions.get(slug)
        if mentions is None:
            mentions = _Mentions(first=named, first_country=country, line=line)
            self._mentions[slug] = mentions
        if mentions.with_short is None and named.short_name:
            mentions.with_short = named
        if country != mentions.first_country:
            if mentions.other_countries is None:
                mentions.other_countries = {}
            mentions.other_countries.setdefault(country, line)
        if listed and mentions.listed_country is None:
            mentions.listed_country = country
        if parent is not None and parent != slug:
            mentions.parent_mentions += 1
            if mentions.parent is None:
                mentions.parent = parent
            else:
                if mentions.parent_mentions == 2:
                    mentions.second_parent_line = line
                if parent != mentions.parent:
                    if mentions.other_parents is None:
                        mentions.other_parents = set()
                    mentions.other_parents.add(parent)
        if listed:
            mentions.is_partner = True
            if city:
                if mentions.city is None:
                    mentions.city = city
                elif city != mentions.city:
                    if mentions.other_cities is None:
                        mentions.other_cities = set()
                    mentions.other_cities.add(city)
            elif city is None:
                mentions.city_missing = True
        return slug

    def __contains__(self, slug: str) -> bool:
        return slug in self._mentions

    def finish(self) -> dict[str, SchoolSpec]:
        """The merged schools, in the order of their first mention; each school's mentions let
        go as it is merged."""
        mentions, self._mentions = self._mentions, {}
        return {slug: self._merge(slug, mentions.pop(slug)) for slug in list(mentions)}

    def _merge(self, slug: str, mentions: _Mentions) -> SchoolSpec:
        with_short = mentions.with_short
        name = (with_short or mentions.first).name
        spec = SchoolSpec(
            slug=slug,
            name=name,
            short_name=with_short.short_name if with_short else None,
            country_code=mentions.listed_country or mentions.first_country,
            is_partner=mentions.is_partner,
        )
        self._check_countries(spec, mentions)
        if mentions.parent is not None:
            spec.parent_slug = mentions.parent
            others = sorted(mentions.other_parents or ())
            if others:
                self._report(
                    "parent_conflict",
                    spec,
                    f"{name} is given the parents {spec.parent_slug} and {', '.join(others)}; "
                    f"{spec.parent_slug} was kept",
                    mentions.second_parent_line,
                    {"kept": spec.parent_slug, "others": others},
                )
        named_cities = mentions.cities()
        if len(named_cities) == 1 and not mentions.city_missing:
            spec.city = next(iter(named_cities))
        elif named_cities:
            self._report(
                "campus_city",
                spec,
                f"{name}: {', '.join(sorted(named_cities))} is named for some of its offers only "
                "(a campus); the school's city is left unknown",
                mentions.line,
                {"cities": sorted(named_cities)},
            )
        return spec

    def _check_countries(self, spec: SchoolSpec, mentions: _Mentions) -> None:
        if mentions.other_countries is None:
            return
        countries = mentions.countries()
        others = sorted(set(countries) - {spec.country_code})
        if others:
            line = next(line for code, line in countries.items() if code != spec.country_code)
            self._report(
                "country_conflict",
                spec,
                f"{spec.name} is placed in {spec.country_code} and in {', '.join(others)}; "
                f"{spec.country_code} was kept",
                line,
                {"kept": spec.country_code, "others": others},
            )

    def _report(
        self, kind: str, spec: SchoolSpec, message: str, line: int | None, detail: dict[str, object]
    ) -> None:
        self._findings.add(
            FindingSpec(
                kind=kind,
                message=message,
                subject=spec.slug,
                line=line,
                school_slug=spec.slug,
                detail=detail,
            )
        )
