"""Country headings and country words in link texts → ISO 3166-1 alpha-2 codes.

Names come from CLDR (French and English, through :mod:`service.countries`), compared folded
(accents, case and spacing ignored). A name that matches none exactly is matched fuzzily
(rapidfuzz's normalized Indel similarity, at least :data:`FUZZY_THRESHOLD`, and clearly ahead of
any other country), which reads "Finalde" as Finlande; such a correction is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from service.countries import country_names
from service.text import fold

#: Measured on the CLDR names: typos of one or two letters score 80-95; the nearest unrelated
#: words ("autres" → Autriche, "calais" → Malaisie) stay at or below 71.
FUZZY_THRESHOLD = 80.0
#: The best match must beat every other country by this much, or the name is ambiguous.
FUZZY_MARGIN = 5.0
_MIN_FUZZY_LENGTH = 4
#: CLDR region codes that are not countries (user-assigned or reserved in ISO 3166-1, except
#: Kosovo's XK): the European Union, the Eurozone, the United Nations, Outlying Oceania,
#: pseudo-locales and "Unknown Region".
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
_ARTICLE = re.compile(r"^(?:la|le|les|l')\s*")


@dataclass(frozen=True, slots=True)
class CountryMatch:
    """A resolved country; ``corrected`` when the text matched only fuzzily."""

    code: str
    corrected: bool
    #: The CLDR name the text was read as (in the language it matched).
    name: str


def country_key(text: str) -> str:
    """The form names are compared in: folded, without surrounding punctuation or article."""
    folded = fold(text.replace("\u2019", "'")).strip(" :.,;-\u2013()")
    return _ARTICLE.sub("", folded)


@cache
def _index() -> dict[str, tuple[str, str]]:
    index: dict[str, tuple[str, str]] = {}
    for lang in ("en", "fr"):
        for code, name in country_names(lang).items():
            if code not in _NOT_COUNTRIES:
                index[country_key(name)] = (code, name)
    return index


@cache
def _names_of(code: str) -> tuple[str, ...]:
    return tuple(key for key, (other, _) in _index().items() if other == code)


class CountryResolver:
    """Resolves country names; results are cached, so a page of 10,000 items costs little."""

    def __init__(self) -> None:
        self._index = _index()
        self._keys = list(self._index)
        self._cache: dict[str, CountryMatch | None] = {}
        self._exact: dict[str, str | None] = {}

    def exact(self, text: str) -> str | None:
        """The code of a name written exactly (up to accents, case and spacing)."""
        if text not in self._exact:
            found = self._index.get(country_key(text))
            self._exact[text] = found[0] if found else None
        return self._exact[text]

    def resolve(self, text: str) -> CountryMatch | None:
        """Exact match first, then a clear fuzzy match; None when neither."""
        if text not in self._cache:
            self._cache[text] = self._resolve(country_key(text))
        return self._cache[text]

    def _resolve(self, key: str) -> CountryMatch | None:
        found = self._index.get(key)
        if found is not None:
            return CountryMatch(code=found[0], corrected=False, name=found[1])
        if len(key) < _MIN_FUZZY_LENGTH:
            return None
        candidates = process.extract(key, self._keys, scorer=fuzz.ratio, limit=8)
        if not candidates or candidates[0][1] < FUZZY_THRESHOLD:
            return None
        best_key, best_score, _ = candidates[0]
        code, name = self._index[best_key]
        rivals = [score for other, score, _ in candidates[1:] if self._index[other][0] != code]
        if rivals and best_score - max(rivals) < FUZZY_MARGIN:
            return None
        return CountryMatch(code=code, corrected=True, name=name)

    def resembles(self, text: str, code: str) -> bool:
        """Whether ``text`` is a misspelling of one of ``code``'s names (e.g. "Frnace")."""
        key = country_key(text)
        if len(key) < _MIN_FUZZY_LENGTH:
            return False
        return any(fuzz.ratio(key, name) >= FUZZY_THRESHOLD for name in _names_of(code))
