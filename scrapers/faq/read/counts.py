"""Counts written after an item's link: how many places, of which kind.

``: 2 échanges`` → 2 EXCHANGE; ``: 3 Double diplôme`` → 3 DOUBLE_DEGREE;
``: 2 Double diplôme + 2 échanges`` → both; ``: 1 Double diplôme ou échange`` → one pool of
1 EXCHANGE_OR_DOUBLE_DEGREE. Singular or plural, accents or not, "(s)", numbers in digits or
in words up to ten. No text means no count (kind and places unknown), never zero.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.db import OfferKind
from service.text import fold

_NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
}
_EXCHANGE = r"(?:echanges?|exchanges?)(?:\s+academiques?)?"
_DOUBLE = r"(?:doubles?[\s-]*(?:diplomes?|diplomations?|degrees?)|dd)"
_EITHER = rf"(?:{_DOUBLE}\s*(?:ou|or|/)\s*{_EXCHANGE}|{_EXCHANGE}\s*(?:ou|or|/)\s*{_DOUBLE})"
_KINDS = (
    (re.compile(_EITHER), OfferKind.EXCHANGE_OR_DOUBLE_DEGREE),
    (re.compile(_DOUBLE), OfferKind.DOUBLE_DEGREE),
    (re.compile(_EXCHANGE), OfferKind.EXCHANGE),
)
_PART = re.compile(
    r"(?P<number>\d{1,4}|" + "|".join(_NUMBER_WORDS) + r")\s+"
    r"(?:places?\s+(?:en\s+|de\s+|d')?)?(?P<kind>.+)"
)
_SEPARATORS = re.compile(r"\s*(?:\+|&|,|\bet\b|\band\b)\s*")
_EDGES = ":-\u2013\u2014.;,+ "


@dataclass(frozen=True, slots=True)
class Count:
    """Places of one kind."""

    kind: OfferKind
    places: int


def _normalize(text: str) -> str:
    return fold(text.replace("\u2019", "'")).replace("(s)", "s").strip(_EDGES)


def _read_part(part: str) -> Count | None:
    match = _PART.fullmatch(part)
    if match is None:
        return None
    number = match.group("number")
    places = int(number) if number.isdigit() else _NUMBER_WORDS[number]
    kind_text = match.group("kind").strip(_EDGES)
    for pattern, kind in _KINDS:
        if pattern.fullmatch(kind_text):
            return Count(kind=kind, places=places)
    return None


@lru_cache(maxsize=4096)
def parse_counts(text: str) -> tuple[Count, ...] | None:
    """The counts in ``text``; ``()`` when there is no text, None when it is not a count.

    Two parts of the same kind add up; the result is ordered by kind. Cached: a page writes
    the same few counts after thousands of links, and the result is immutable (one tuple of
    counts per distinct text, decision 0206).
    """
    normalized = _normalize(text)
    if not normalized:
        return ()
    totals: dict[OfferKind, int] = {}
    for part in _SEPARATORS.split(normalized):
        if not part:
            continue
        count = _read_part(part)
        if count is None:
            return None
        totals[count.kind] = totals.get(count.kind, 0) + count.places
    if not totals:
        return None
    return tuple(Count(kind, places) for kind, places in sorted(totals.items()))


def looks_like_count(text: str) -> bool:
    """Whether ``text`` is only a count (a wrapped line such as "+ 2 échanges")."""
    return bool(parse_counts(text))
