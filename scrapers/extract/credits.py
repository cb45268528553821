"""ECTS credits per semester (or per year): minimum, maximum, usual load; and the duration.

A number of credits counts only when the sentence says what it is per ("per semester", "par
semestre", "lukukaudessa"): "60 ECTS completed before applying" is a prerequisite, not a load.
Nor does a statistic ("an average of 26 ECTS per semester earned", "91% of exchange students
complete 30 ECTS", a box of key figures: decision 0261), nor the part of a stated total ("a
project of 10 ECTS and courses, 30 ECTS in total"). Statements spread over sentences ("at least
15 ECTS per semester. The maximum per semester is 30 ECTS.") merge into one fact per unit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from scrapers.extract.blocks import TextBlock
from scrapers.extract.cues import Surroundings, TextCues, resolve
from scrapers.extract.facts import ExtractedFact, clip_snippet
from scrapers.extract.textmatch import fold_aligned
from scrapers.extract.vocabulary import (
    AVERAGE,
    BOTH_OPTIONS,
    BOUND_CUES,
    FIGURES,
    FREQUENCY,
    HOUSING,
    MAXIMUM,
    MINIMUM,
    OUTCOME,
    PER_CUES,
    SEMESTER_OPTION,
    SHARE,
    STAY_CUES,
    TOTAL_AFTER,
    TOTAL_BEFORE,
    TYPICAL,
    YEAR_OPTION,
)
from service.catalogue import Credits, Duration, FactField

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
    # "at least 20 and at most 30", "almeno 20 e al massimo 35" (it32): two words between.
    r"(?:\s*(?:-|\u2013|to|a|e|bis|and|et|und|ja)\s*(?:[^\W\d]+\s+){0,2}(\d{1,2}))?\s*" + _UNIT
)
_MOST_CREDITS = 90
_NO_CONTEXT = Surroundings((), None, None)


def _is_statistic(sentence: str) -> bool:
    """Whether a folded sentence reports what students did rather than what is asked."""
    if SHARE.search(sentence):
        return True
    return AVERAGE.search(sentence) is not None and OUTCOME.search(sentence) is not None


#: Where a statement ends inside what the sentence reader keeps as one sentence: it does not
#: split before a digit ("… per semester. 91% of exchange students …"), for the dates' sake.
_STATEMENT_END = re.compile(r"[.;!?]\s")


def _statement(folded: str, start: int, end: int, match: re.Match[str]) -> str:
    """The part of the sentence ``start:end`` that holds ``match``, up to its stops."""
    stops = [stop.end() for stop in _STATEMENT_END.finditer(folded, start, match.start())]
    after = _STATEMENT_END.search(folded, match.end(), end)
    return folded[stops[-1] if stops else start : after.start() if after else end]


def _offers(cues: TextCues, matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """The matches that state the offer: no statistic, no part of a stated total."""
    kept = []
    totals: set[tuple[int, int]] = set()
    for match in matches:
        start, end = cues.sentence_of(match.span())
        if _is_statistic(_statement(cues.folded, start, end, match)):
            continue
        if _is_total(cues, match):
            totals.add((start, end))
        kept.append(match)
    # In a sentence that states its total, any other single number of credits is a part.
    return [
        match
        for match in kept
        if cues.sentence_of(match.span()) not in totals
        or match.group(2) is not None
        or _is_total(cues, match)
    ]


def _is_total(cues: TextCues, match: re.Match[str]) -> bool:
    start, _ = cues.sentence_of(match.span())
    return bool(
        TOTAL_AFTER.match(cues.folded, match.end())
        or TOTAL_BEFORE.search(cues.folded, start, match.start())
    )


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
        if not matches or any(FIGURES.search(fold_aligned(h)) for h in block.headings):
            continue
        cues = TextCues(block.text, [match.span() for match in matches])
        for match in _offers(cues, matches):
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
