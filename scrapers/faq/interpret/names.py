"""One spelling per parent institution: "Greoble INP" is Grenoble INP.

Parent institutions are named again and again in link texts, so a misspelling stands out
against the spelling used most (or the one already in the catalogue). Names are merged only
when they are nearly identical (rapidfuzz ratio ≥ :data:`SIMILARITY`) and carry the same digits,
so "Université Paris 1" and "Université Paris 2" stay two institutions.

A correction made by the last import is made again while its reading is still a name: once the
first import has put the names it kept into the catalogue, they all weigh as known, and a
misspelling could otherwise find a closer known name than the one it was read as, so that the
same page would be read differently the second time.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from service.text import fold

SIMILARITY = 90.0
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class NameCorrection:
    written: str
    read_as: str


@dataclass(frozen=True, slots=True)
class NameResolution:
    """The canonical spelling of each name, what was corrected, and look-alikes left apart."""

    canonical: dict[str, str]
    corrections: list[NameCorrection]
    similar: list[tuple[str, str]]


def _rival(key: str, accepted: list[str]) -> str | None:
    """The first accepted name nearly identical to ``key`` (same digits, ratio ≥ SIMILARITY)."""
    digits = _DIGITS.findall(key)
    matches = process.extract(key, accepted, scorer=fuzz.ratio, score_cutoff=SIMILARITY, limit=None)
    return next((other for other, _, _ in matches if _DIGITS.findall(other) == digits), None)


def resolve_names(
    written: Iterable[str], known: Iterable[str] = (), previous: Mapping[str, str] | None = None
) -> NameResolution:
    """Map every written name to its canonical spelling.

    Spellings that fold to the same text are one name (the most used spelling wins). A rarer
    name close to a more used (or already known) one is read as it; two close names used
    equally often, neither known, are left apart and reported as similar. ``previous`` are
    the last import's corrections (written → read as), made again when the reading is kept.
    """
    again = {fold(name): fold(read_as) for name, read_as in (previous or {}).items()}
    uses = Counter(written)
    known_names = {fold(name): name for name in known}
    spellings: dict[str, Counter[str]] = {}
    for name, count in uses.items():
        spellings.setdefault(fold(name), Counter())[name] += count
    used = {key: sum(counter.values()) for key, counter in spellings.items()}

    def weight(key: str) -> tuple[bool, int]:
        return key in known_names, used.get(key, 0)

    display = {
        key: known_names.get(key) or counter.most_common(1)[0][0]
        for key, counter in spellings.items()
    } | {key: name for key, name in known_names.items() if key not in spellings}
    # Heaviest first (known names, then the most used), ties in a stable order.
    candidates = sorted(set(spellings) | set(known_names), key=lambda key: (weight(key), key))
    candidates.reverse()
    target: dict[str, str] = {}
    accepted: list[str] = []
    similar: list[tuple[str, str]] = []
    kept: set[str] = set()
    for key in candidates:
        goal = again.get(key)
        if goal is not None and goal != key and goal in kept and key not in known_names:
            target[key] = goal
            continue
        rival = _rival(key, accepted)
        if rival is None:
            accepted.append(key)
            kept.add(key)
            target[key] = key
        elif weight(rival) > weight(key):
            target[key] = rival
        else:
            accepted.append(key)
            kept.add(key)
            target[key] = key
            similar.append((display[rival], display[key]))
    canonical: dict[str, str] = {}
    corrections: list[NameCorrection] = []
    for key, counter in spellings.items():
        goal = target[key]
        read_as = display[goal]
        for name in counter:
            canonical[name] = read_as
            if goal != key:
                corrections.append(NameCorrection(written=name, read_as=read_as))
    return NameResolution(canonical=canonical, corrections=corrections, similar=similar)
