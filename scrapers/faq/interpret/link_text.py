"""Link texts that pack a school, its parent, city, country and programme in free text.

The country is the anchor: what comes before it is the school, then its parent institutions
and city; what comes after it is the programme. Segments are separated by commas or by a dash
with spaces around it (so "ENSEIRB-MATMECA" and "Saint-Etienne" stay whole):

- "ENSIM : Ecole Nationale d'Ingénieurs du Mans, France" → ENSIM (short name), the long name;
- "Phelma, Grenoble INP, France, Filière Signal, Image, … (SICOM) - commune avec Grenoble INP
  - Ense3" → Phelma, parent Grenoble INP, the programme, shared with Ense3 (of Grenoble INP);
- "Ecole des Mines Saint-Etienne, Gardanne, France , Cursus ISMIN, Parcours Embedded Systems"
  → the school, city Gardanne, programme "Cursus ISMIN, Parcours Embedded Systems";
- "ENSEEIHT, Toulouse INP, France - Science du Numérique" → programme "Science du Numérique".

A segment between the school and the country is a parent institution when it holds an
institution word (INP, Université, Institute, …) or names a known parent; otherwise a city.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection
from dataclasses import dataclass

from scrapers.faq.interpret.countries import CountryResolver
from service.text import collapse_spaces, fold

INSTITUTION_WORDS = frozenset(
    {
        "inp",
        "universite",
        "university",
        "universita",
        "universidad",
        "universitat",
        "universiteit",
        "universidade",
        "institut",
        "institute",
        "instituto",
        "istituto",
        "politecnico",
        "polytechnique",
        "polytech",
        "groupe",
        "group",
        "imt",
        "college",
        "ecole",
        "school",
        "hochschule",
        "comue",
        "alliance",
    }
)
PROGRAMME_WORDS = frozenset(
    {
        "filiere",
        "cursus",
        "parcours",
        "master",
        "masters",
        "msc",
        "bachelor",
        "programme",
        "program",
        "specialite",
        "departement",
        "department",
        "option",
        "diplome",
        "mention",
        "track",
        "major",
        "licence",
        "cycle",
    }
)
_SEPARATOR = re.compile(r"(\s*,\s*|\s+[-\u2013\u2014]\s+)")
_SHARED = re.compile(
    r"[\s,;\-\u2013\u2014]*\bcommun(?:e|es|s)?\s+avec\s+(?P<partners>.+)$", re.IGNORECASE
)
_PARTNER_SEPARATOR = re.compile(r"\s+(?:et|and|&)\s+|\s*;\s*", re.IGNORECASE)
_COLON_NAME = re.compile(r"^(?P<short>[^:]{1,24}?)\s*:\s*(?P<long>.+)$")
_PAREN_NAME = re.compile(r"^(?P<long>.+?)\s*\((?P<short>[^()]{1,24})\)$")
_ACRONYM = re.compile(r"[A-Z0-9][A-Za-z0-9&.\-]{1,23}")
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True, slots=True)
class NamedSchool:
    """A school as a text names it."""

    name: str
    short_name: str | None = None
    parents: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkText:
    """What a link text says, split into its parts."""

    school: NamedSchool
    city: str | None = None
    #: The segment read as the country, as written, and its code (None when there is none).
    country_text: str | None = None
    country_code: str | None = None
    #: True when the country segment matched only fuzzily (a misspelling).
    country_corrected: bool = False
    programme: str | None = None
    #: Schools a "commune avec" clause shares the programme with.
    partners: tuple[NamedSchool, ...] = ()


def _interned(text: str | None) -> str | None:
    return None if text is None else sys.intern(text)


def _named(name: str, short_name: str | None, parents: tuple[str, ...] | list[str]) -> NamedSchool:
    """A school as named, its strings interned: a page repeats a school's name in each of its
    items, a parent's in thousands (decision 0206)."""
    return NamedSchool(
        sys.intern(name), _interned(short_name), tuple(sys.intern(parent) for parent in parents)
    )


def _words(text: str) -> set[str]:
    return set(_WORD.findall(fold(text)))


def _is_acronym(text: str) -> bool:
    return _ACRONYM.fullmatch(text) is not None and sum(char.isupper() for char in text) >= 2


def is_institution(text: str, known_parents: Collection[str] = ()) -> bool:
    """Whether a segment names an institution (a parent) rather than a city."""
    return bool(_words(text) & INSTITUTION_WORDS) or fold(text) in known_parents


def read_school_name(text: str) -> NamedSchool:
    """A short name from "ENSIM : Ecole …" or "Ecole … (ENSIM)"; otherwise the name only."""
    text = collapse_spaces(text)
    for pattern in (_COLON_NAME, _PAREN_NAME):
        match = pattern.match(text)
        if match and _is_acronym(match.group("short").strip()):
            return NamedSchool(name=match.group("long").strip(), short_name=match["short"].strip())
    return NamedSchool(name=text)


def _segments(text: str) -> tuple[list[str], list[str]]:
    tokens = _SEPARATOR.split(text)
    return [token.strip() for token in tokens[0::2]], [
        ", " if "," in separator else " - " for separator in tokens[1::2]
    ]


def _join(segments: list[str], separators: list[str]) -> str | None:
    parts = [segment for segment in segments if segment]
    if not parts:
        return None
    text = segments[0]
    for separator, segment in zip(separators, segments[1:], strict=False):
        text += separator + segment
    return collapse_spaces(text.strip(" ,-")) or None


def _city(parts: list[str]) -> str | None:
    cities = [part.title() if part.isupper() else part for part in parts if part]
    return ", ".join(cities) or None


def read_partners(text: str) -> tuple[NamedSchool, ...]:
    """Schools sharing a programme: "Grenoble INP - Ense3" is Ense3, of Grenoble INP.

    Several are joined by "et", "and", "&" or ";".
    """
    partners = []
    for chunk in _PARTNER_SEPARATOR.split(text):
        segments, _ = _segments(chunk.strip(" .,;"))
        segments = [segment for segment in segments if segment]
        if segments:
            school = read_school_name(segments[-1])
            partners.append(_named(school.name, school.short_name, segments[:-1]))
    return tuple(partners)


def _find_country(
    segments: list[str], resolver: CountryResolver, context_code: str | None
) -> tuple[int, str, bool] | None:
    for index in range(1, len(segments)):
        code = resolver.exact(segments[index])
        if code is not None:
            return index, code, False
    if context_code is not None:
        for index in range(1, len(segments)):
            if resolver.resembles(segments[index], context_code):
                return index, context_code, True
    return None


def parse_link_text(
    text: str,
    resolver: CountryResolver,
    *,
    context_code: str | None = None,
    known_parents: Collection[str] = (),
) -> LinkText | None:
    """Split a link text; None when it holds no name at all.

    ``context_code`` is the country of the heading above the item: a segment that is a
    misspelling of that country is recognized as it. ``known_parents`` are folded names of
    parent institutions already known, recognized as parents even without an institution word.
    """
    text = collapse_spaces(text).strip(" ,;:-\u2013\u2014")
    if not text:
        return None
    partners: tuple[NamedSchool, ...] = ()
    shared = _SHARED.search(text)
    if shared is not None and shared.start() > 0:
        partners = read_partners(shared.group("partners"))
        text = text[: shared.start()]
    segments, separators = _segments(text)
    # "ENSIM - Ecole Nationale …": an acronym and the long name it stands for.
    if (
        len(segments) > 1
        and separators[0] == " - "
        and _is_acronym(segments[0])
        and _words(segments[1].split(" ", 1)[0]) & INSTITUTION_WORDS
    ):
        school = NamedSchool(name=segments[1], short_name=segments[0])
        segments, separators = [segments[0], *segments[2:]], separators[1:]
    else:
        school = read_school_name(segments[0])
    country = _find_country(segments, resolver, context_code)
    end = country[0] if country else len(segments)
    parents: list[str] = []
    cities: list[str] = []
    programme: str | None = None
    for index in range(1, end):
        segment = segments[index]
        if is_institution(segment, known_parents):
            parents.append(segment)
        elif country is None and _words(segment) & PROGRAMME_WORDS:
            # No country to anchor on: the programme starts at its first programme word.
            programme = _join(segments[index:], separators[index:])
            break
        else:
            cities.append(segment)
    if country is not None:
        programme = _join(segments[end + 1 :], separators[end + 1 :])
    # The strings kept are interned: the same names, cities, countries and programme names come
    # back in thousands of items (decision 0206).
    return LinkText(
        school=_named(school.name, school.short_name, parents),
        city=_interned(_city(cities)),
        country_text=_interned(segments[country[0]]) if country else None,
        country_code=country[1] if country else None,
        country_corrected=country[2] if country else False,
        programme=_interned(programme),
        partners=partners,
    )
