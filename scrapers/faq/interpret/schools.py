"""Every mention of a school on the page, merged into one school per slug.

The same school appears several times (the open list and a track list, two programmes, two
campuses): its mentions are merged. The slug comes from the short name when the page gives one
("ENSIM : Ecole Nationale …" → ``ensim``), otherwise from the name. A city is kept only when
every mention names the same one: "Gardanne" named for one cursus of Mines Saint-Étienne is a
campus, not the school's city, and is reported instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
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
    # Cached: a page names the same schools and parents over and over.
    return slugify(name)[:SLUG_MAX_LENGTH].strip("-")


@dataclass(slots=True)
class _Mentions:
    names: list[NamedSchool] = field(default_factory=list)
    #: (code, line, listed): the page's own items come first when choosing.
    countries: list[tuple[str, int | None, bool]] = field(default_factory=list)
    #: Cities of the page's items for this school (None where an item names none).
    cities: list[str | None] = field(default_factory=list)
    parents: list[tuple[str, int | None]] = field(default_factory=list)
    is_partner: bool = False
    line: int | None = None


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
        mentions = self._mentions.setdefault(slug, _Mentions(line=line))
        mentions.names.append(named)
        mentions.countries.append((country, line, listed))
        if parent is not None and parent != slug:
            mentions.parents.append((parent, line))
        if listed:
            mentions.is_partner = True
            mentions.cities.append(city)
        return slug

    def __contains__(self, slug: str) -> bool:
        return slug in self._mentions

    def finish(self) -> dict[str, SchoolSpec]:
        return {slug: self._merge(slug, mentions) for slug, mentions in self._mentions.items()}

    def _merge(self, slug: str, mentions: _Mentions) -> SchoolSpec:
        with_short = next((named for named in mentions.names if named.short_name), None)
        name = (with_short or mentions.names[0]).name
        spec = SchoolSpec(
            slug=slug,
            name=name,
            short_name=with_short.short_name if with_short else None,
            country_code=min(mentions.countries, key=lambda entry: not entry[2])[0],
            is_partner=mentions.is_partner,
        )
        self._check_countries(spec, mentions)
        if mentions.parents:
            spec.parent_slug = mentions.parents[0][0]
            others = sorted({parent for parent, _ in mentions.parents} - {spec.parent_slug})
            if others:
                self._report(
                    "parent_conflict",
                    spec,
                    f"{name} is given the parents {spec.parent_slug} and {', '.join(others)}; "
                    f"{spec.parent_slug} was kept",
                    mentions.parents[1][1],
                    {"kept": spec.parent_slug, "others": others},
                )
        named_cities = {city for city in mentions.cities if city}
        if len(named_cities) == 1 and None not in mentions.cities:
            spec.city = named_cities.pop()
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
        others = sorted({code for code, _, _ in mentions.countries} - {spec.country_code})
        if others:
            line = next(line for code, line, _ in mentions.countries if code != spec.country_code)
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
