"""ECTS credits per semester (or per year): minimum, maximum, usual load; and the duration.

A number of credits counts only when the sentence says what it is per ("per semester", "par
semestre", "lukukaudessa"): "60 ECTS completed before applying" is a prerequisite, not a load.
Statements spread over sentences ("at least 15 ECTS per semester. The maximum per semester is
30 ECTS.") merge into one fact per unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scrapers.extract.blocks import TextBlock
from scrapers.extract.cues import Surroundings, TextCues, resolve
from scrapers.extract.facts import ExtractedFact, clip_snippet
from scrapers.extract.textmatch import fold_aligned
from scrapers.extract.vocabulary import (
    BOTH_OPTIONS,
    BOUND_CUES,
    FREQUENCY,
    HOUSING,
    MAXIMUM,
    MINIMUM,
    PER_CUES,
    SEMESTER_OPTION,
    STAY_CUES,
    TYPICAL,
    YEAR_OPTION,
)
from service.catalogue.fact_values import Credits, Duration
from service.catalogue.fields import FactField

EXTRACTOR = "generic/credits"
DURATION_EXTRACTOR = "generic/duration"
VERSION = "1"

_UNIT = (
    r"(?:ects(?:[- ](?:credits?|points?|punkte))?|credits?(?: ects)?|credit points|"
    r"crediti(?: formativi)?(?: ects)?|cfu|op|opintopiste\w*|leistungspunkte|lp|cp)(?![\w])"
)
#: "20-30 ECTS", "between 20 and 30 ECTS", "mindestens 20 und höchstens 30 ECTS".
_CREDITS = re.compile(
    r"(?<![\d.,])(\d{1,2})"
    r"(?:\s*(?:-|\u2013|to|a|e|bis|and|et|und|ja)\s*(?:[^\W\d]+\s+)?(\d{1,2}))?\s*" + _UNIT
)
_MOST_CREDITS = 90
_NO_CONTEXT = Surroundings((), None, None)


def _bounds(cues: TextCues, match: re.Match[str]) -> dict[str, int]:
    low, high = int(match.group(1)), match.group(2)
    if high is not None:
        return {MINIMUM: low, MAXIMUM: int(high)}
    bound = resolve(cues, match.span(), BOUND_CUES, _NO_CONTEXT, shared=False)
    return {bound.label if bound else TYPICAL: low}


def parse_credits(blocks: Sequence[TextBlock], url: str) -> list[ExtractedFact]:
    """One credits fact per unit (semester, year) with whatever bounds the page states."""
    merged: dict[str, dict[str, int]] = {}
    snippets: dict[str, list[str]] = {}
    for block in blocks:
        if not block.in_main:
            continue
        folded = fold_aligned(block.text)
        matches = [m for m in _CREDITS.finditer(folded) if 0 < int(m.group(1)) <= _MOST_CREDITS]
        if not matches:
            continue
        cues = TextCues(block.text, [match.span() for match in matches])
        for match in matches:
            per = resolve(cues, match.span(), PER_CUES, _NO_CONTEXT, shared=True)
            if per is None:
                continue
            bounds = merged.setdefault(per.label, {})
            added = {name: n for name, n in _bounds(cues, match).items() if name not in bounds}
            if added:
                bounds.update(added)
                start, end = cues.sentence_of(match.span())
                sentence = block.text[start:end].strip()
                if sentence not in snippets.setdefault(per.label, []):
                    snippets[per.label].append(sentence)
    facts = []
    for unit, bounds in merged.items():
        value = Credits(
            per=unit,
            minimum=bounds.get(MINIMUM),
            maximum=bounds.get(MAXIMUM),
            typical=bounds.get(TYPICAL),
        )
        snippet = clip_snippet(" … ".join(snippets[unit]))
        facts.append(
            ExtractedFact(FactField.CREDITS, unit, value, url, snippet, EXTRACTOR, VERSION, 0.85)
        )
    return facts


def parse_duration(blocks: Sequence[TextBlock], url: str) -> list[ExtractedFact]:
    """How long a stay may be: one semester, one year, or either."""
    options: set[str] = set()
    snippets: list[str] = []
    for block in blocks:
        if not block.in_main:
            continue
        cues = TextCues(block.text, [])
        # "Coming on exchange" is often said by the heading, not by the sentence.
        about_a_stay = any(STAY_CUES.search(fold_aligned(h)) for h in block.headings)
        for start, end in cues.sentences:
            # "Nominations are accepted twice a year" says nothing of a one-year stay.
            sentence = FREQUENCY.sub(lambda m: " " * len(m.group()), cues.folded[start:end])
            # "Passer un ou deux semestres à l'UCO" names a stay's length by itself (batch 3,
            # fr33); any other option needs stay wording around it.
            both = BOTH_OPTIONS.search(sentence) is not None
            if not (both or about_a_stay or STAY_CUES.search(sentence)):
                continue
            found = {"semester", "year"} if both else set()
            if SEMESTER_OPTION.search(sentence):
                found.add("semester")
            if YEAR_OPTION.search(sentence):
                found.add("year")
            if found and HOUSING.search(sentence):
                continue
            if found - options:
                snippets.append(block.text[start:end].strip())
            options |= found
    if not options:
        return []
    value = Duration(options=tuple(sorted(options)))
    snippet = clip_snippet(" … ".join(snippets))
    return [
        ExtractedFact(FactField.DURATION, "", value, url, snippet, DURATION_EXTRACTOR, VERSION, 0.8)
    ]
