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
from dataclasses import dataclass

from scrapers.extract.blocks import TextBlock
from scrapers.extract.cues import Surroundings, TextCues, label_in, resolve, unanimous
from scrapers.extract.facts import ExtractedFact, clip_snippet
from scrapers.extract.textmatch import Mention, fold_aligned
from scrapers.extract.vocabulary import (
    AVERAGE,
    BOTH_OPTIONS,
    BOUND_CUES,
    COURSE,
    COURSE_UNIT,
    ECTS_NAMED,
    EITHER_OPTION,
    FIGURES,
    FREQUENCY,
    HOUSING,
    MAXIMUM,
    MINIMUM,
    NOT_OFFERED,
    OUTCOME,
    PART_OF,
    PART_WORD,
    PER_CUES,
    SEMESTER_OPTION,
    SHARE,
    STAY_CUES,
    STAY_LENGTH,
    TERM_OR_YEAR,
    TOTAL_AFTER,
    TOTAL_BEFORE,
    TYPICAL,
    YEAR_OPTION,
    names_a_year,
)
from service.catalogue import Credits, Duration, FactField

EXTRACTOR = "generic/credits"
DURATION_EXTRACTOR = "generic/duration"
VERSION = "1"

_UNIT = (
    r"(?P<unit>ects(?:[- ](?:credits?|points?|punkte))?|credits?(?: ects)?|credit points|"
    r"crediti(?: formativi)?(?: ects)?|cfu|op|opintopiste\w*|leistungspunkte|lp|cp)(?![\w])"
)
#: A unit that does not say which system it counts in: on a page that never names ECTS (or
#: its national equivalents), "12 à 15 crédits par trimestre" are a North American school's
#: own credits, not ECTS (decision 0415).
_BARE_UNITS = frozenset({"credit", "credits", "credit points", "crediti", "crediti formativi"})
#: "20-30 ECTS", "between 20 and 30 ECTS", "mindestens 20 und höchstens 30 ECTS".
_CREDITS = re.compile(
    r"(?<![\d.,])(\d{1,2})"
    # "at least 20 and at most 30", "almeno 20 e al massimo 35" (it32): two words between;
    # "da un minimo di 15 a un massimo di 30" (decision 0415): three.
    r"(?:\s*(?:-|\u2013|to|a|e|bis|and|et|und|ja)\s*(?:[^\W\d]+\s+){0,3}(\d{1,2}))?\s*" + _UNIT
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


def _statement_span(start: int, end: int, folded: str, match: re.Match[str]) -> tuple[int, int]:
    """Where the part of the sentence ``start:end`` that holds ``match`` starts and ends."""
    stops = [stop.end() for stop in _STATEMENT_END.finditer(folded, start, match.start())]
    after = _STATEMENT_END.search(folded, match.end(), end)
    return (stops[-1] if stops else start, after.start() if after else end)


def _statement(folded: str, start: int, end: int, match: re.Match[str]) -> str:
    """The part of the sentence ``start:end`` that holds ``match``, up to its stops."""
    statement_start, statement_end = _statement_span(start, end, folded, match)
    return folded[statement_start:statement_end]


_DIGIT = re.compile(r"\d")
#: How far before a number of credits its part word or its course's bracket may open.
_PART_REACH = 40


def _is_a_part_or_a_course(folded: str, start: int, match: re.Match[str]) -> bool:
    """Whether the number bounds a part of the load ("dont au plus 6 crédits de cours") or is
    a course's, in brackets beside it ("A course for beginners (level A1, 4 ECTS)")."""
    reach = max(start, match.start() - _PART_REACH)
    if PART_OF.search(folded, reach, match.start()):
        return True
    bracket = folded.rfind("(", start, match.start())
    if bracket <= folded.rfind(")", start, match.start()):
        return False
    # The course is the noun the brackets follow: no figure stands between them ("courses
    # worth 30 ECTS per semester (60 ECTS per year)" restates the load).
    courses = list(COURSE.finditer(folded, max(start, bracket - _PART_REACH), bracket))
    return bool(courses) and _DIGIT.search(folded, courses[-1].end(), bracket) is None


def _offers(cues: TextCues, matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """The matches that state the offer: no statistic, no part of a stated total, no part of
    the load nor a course's own credits (decision 0380)."""
    kept = []
    #: The sentences that state a total, with the unit each total is said per.
    totals: dict[tuple[int, int], set[str | None]] = {}
    for match in matches:
        start, end = cues.sentence_of(match.span())
        if _is_statistic(_statement(cues.folded, start, end, match)):
            continue
        if _is_a_part_or_a_course(cues.folded, start, match):
            continue
        if _is_total(cues, match):
            totals.setdefault((start, end), set()).add(_own_per(cues.folded, match.end()))
        kept.append(match)
    # In a sentence that states its total, any other single number of credits is a part,
    # unless it is said per another unit: "30 CFU a semestre, ovvero 60 CFU per l'anno
    # intero" restates a load per year (decision 0350).
    return [
        match
        for match in kept
        if (sentence := cues.sentence_of(match.span())) not in totals
        or match.group(2) is not None
        or _is_total(cues, match)
        or _own_per(cues.folded, match.end()) not in totals[sentence] | {None}
    ]


def _own_per(folded: str, end: int, until: int | None = None) -> str | None:
    """The unit of time said right after a figure ("30 CFU a semestre"), if any."""
    until = len(folded) if until is None else until
    start = end
    while start < until and folded[start].isspace():
        start += 1
    return next((label for pattern, label in PER_CUES if pattern.match(folded, start, until)), None)


def _is_total(cues: TextCues, match: re.Match[str]) -> bool:
    start, _ = cues.sentence_of(match.span())
    return bool(
        TOTAL_AFTER.match(cues.folded, match.end())
        or TOTAL_BEFORE.search(cues.folded, start, match.start())
    )


#: What may stand between a bound word and its number: "minimum 20", "a minimum of 20", "(max.
#: 36".
_BOUND_GAP = re.compile(r"(?:\s|\(|:|of|de|di|d')*")


def _owner(cues: TextCues, mention: Mention) -> tuple[int, int] | None:
    """The value a bound word stands just before, if any ("minimum 20" → 20)."""
    for value in cues.values:
        if value[0] >= mention.end and _BOUND_GAP.fullmatch(cues.folded, mention.end, value[0]):
            return value
    return None


def _bounds(cues: TextCues, match: re.Match[str]) -> dict[str, int]:
    """The bound a number of credits is: its own bound word before it, else the nearest one
    that no other number owns ("30 ECTS per semester (minimum 20 ECTS)": 30 is the load)."""
    low, high = int(match.group(1)), match.group(2)
    if high is not None:
        return {MINIMUM: low, MAXIMUM: int(high)}
    span = match.span()
    owners = [(mention, _owner(cues, mention)) for mention in cues.mentions(BOUND_CUES)]
    own = [mention for mention, owner in owners if owner == span]
    if own:
        return {own[-1].label: low}
    free = [
        mention
        for mention, owner in owners
        if owner is None
        and not (mention.start > span[1] and PART_WORD.search(cues.folded, span[1], mention.start))
    ]
    nearby = cues.near(span, free)
    label = (
        nearby.label
        if nearby is not None
        else cues.only_in_sentence(span, free, shared=False, combine=unanimous)
    )
    return {label or _restated_bound(cues, span, owners) or TYPICAL: low}


def _restated_bound(
    cues: TextCues, span: tuple[int, int], owners: list[tuple[Mention, tuple[int, int] | None]]
) -> str | None:
    """The bound of the figure a number restates: "almeno 20 ECTS per semestre, ovvero 40 ECTS
    per l'anno" makes 40 a minimum too (decision 0415)."""
    start, _ = cues.sentence_of(span)
    if not TOTAL_BEFORE.search(cues.folded, start, span[0]):
        return None
    earlier = [value for value in cues.values if start <= value[0] and value[1] <= span[0]]
    if not earlier:
        return None
    own = [mention.label for mention, owner in owners if owner == earlier[-1]]
    return own[-1] if own else None


#: A number said without its unit after a number of credits: "30 ECTS per semester, and at
#: least 20", "fino a 30 CFU per semestre, 60 per l'anno intero". Not a date's, a time's, a
#: share's or a price's.
_BARE_NUMBER = re.compile(r"(?<![\w.,:/])(\d{1,2})(?![\w:/%\u00b0\u20ac-]|[.,]\d|\s*(?:%|\u20ac))")
#: How far before a bare number its bound word may be: "et pas plus de 36".
_BOUND_REACH = 24


@dataclass(frozen=True, slots=True)
class _Unsaid:
    """A number of credits said without its unit, and what it says of itself."""

    span: tuple[int, int]
    value: int
    per: str | None
    bound: str | None


def _said_without_unit(cues: TextCues, match: re.Match[str]) -> list[_Unsaid]:
    """The numbers that follow ``match`` in its statement without their unit, each with its own
    bound word before it or its own unit of time after it.

    "Le contrat comporte 30 crédits ECTS par semestre, et au minimum 20": 20 is a minimum per
    semester; "fino a 30 CFU per semestre, 60 per l'anno intero": 60 is a maximum per year
    (development set, fr10, fr45, it41). A number with neither ("30 ECTS per semester, in 5
    courses") is not one.
    """
    # "Semestre ou année ; 30 ECTS par semestre, 60 pour l'année": the statement after the
    # semicolon ends where the sentence does (decision 0350).
    _, statement_end = _statement_span(*cues.sentence_of(match.span()), cues.folded, match)
    found = []
    position = match.end()
    for number in _BARE_NUMBER.finditer(cues.folded, match.end(), statement_end):
        if _CREDITS.match(cues.folded, number.start()):
            break  # "at least 24 ECTS and at most 30 ECTS": said with its unit, a match itself
        value = int(number.group(1))
        before = cues.folded[max(position, number.start() - _BOUND_REACH) : number.start()]
        own_bound = label_in(before, BOUND_CUES)
        own_per = _own_per(cues.folded, number.end(), statement_end)
        position = number.end()
        if 0 < value <= _MOST_CREDITS and (own_bound is not None or own_per is not None):
            found.append(_Unsaid(number.span(1), value, own_per, own_bound))
    return found


def _bounds_the_load(
    cues: TextCues, match: re.Match[str], stated: dict[str, int], load: dict[str, int]
) -> bool:
    """Whether bounds said without a unit ("You must take at least 15 ECTS", "we recommend
    between 20 and 40 ECTS") are those of the load stated before them in their section.

    Not a prerequisite or a result ("a minimum of 60 ECTS completed"), and only bounds that fit
    around the load: a minimum above it or a maximum below it is some other figure.
    """
    if TYPICAL in stated:
        return False
    start, end = cues.sentence_of(match.span())
    statement = _statement(cues.folded, start, end, match)
    if OUTCOME.search(statement):
        return False
    # "Les unités d'enseignement valent de 2 à 6 crédits": a course's credits (decision 0415).
    said_before = statement[: statement.find(match.group(0))]
    if COURSE.search(said_before) or COURSE_UNIT.search(said_before):
        return False
    typical = load.get(TYPICAL)
    if typical is None:
        return True
    return stated.get(MINIMUM, 0) <= typical <= stated.get(MAXIMUM, _MOST_CREDITS)


def _in_range(match: re.Match[str]) -> bool:
    return 0 < int(match.group(1)) <= _MOST_CREDITS


def parse_credits(blocks: Sequence[TextBlock], url: str) -> list[ExtractedFact]:
    """One credits fact per unit (semester, year) with whatever bounds the page states."""
    merged: dict[str, dict[str, int]] = {}
    snippets: dict[str, list[str]] = {}
    # The unit the section's last load was stated per, for a bound said after it.
    stated_unit: str | None = None
    stated_under: tuple[str, ...] | None = None
    found = [
        (block, [m for m in _CREDITS.finditer(fold_aligned(block.text)) if _in_range(m)])
        for block in blocks
        if block.in_main
    ]
    if not any(m["unit"] not in _BARE_UNITS for _, matches in found for m in matches) and not any(
        ECTS_NAMED.search(fold_aligned(block.text)) for block, _ in found
    ):
        return []
    for block, matches in found:
        if block.headings != stated_under:
            stated_unit = None
        if not matches or any(FIGURES.search(fold_aligned(h)) for h in block.headings):
            continue
        cues = TextCues(block.text, [match.span() for match in matches])
        offers = _offers(cues, matches)
        unsaid = {
            match.span(): _said_without_unit(cues, match) if match.group(2) is None else []
            for match in offers
        }
        if any(unsaid.values()):
            # The numbers said without a unit are values too: "au minimum" before 20 is not
            # the bound of the 30 before it.
            spans = [match.span() for match in matches]
            spans += [number.span for numbers in unsaid.values() for number in numbers]
            cues = TextCues(block.text, spans)
        for match in offers:
            per = resolve(cues, match.span(), PER_CUES, _NO_CONTEXT, shared=True)
            stated = _bounds(cues, match)
            if per is not None:
                unit = per.label
                stated_unit, stated_under = unit, block.headings
            elif stated_unit is not None and _bounds_the_load(
                cues, match, stated, merged[stated_unit]
            ):
                # "A normal semester is 30 ECTS. You must take at least 15 ECTS.": a bound
                # said after its section's load, without a unit of its own, is that load's
                # (decision 0326).
                unit = stated_unit
            else:
                continue
            statements = [(unit, name, n) for name, n in stated.items()]
            statements += [
                (number.per or unit, number.bound or next(iter(stated)), number.value)
                for number in unsaid[match.span()]
            ]
            for unit, name, n in statements:
                bounds = merged.setdefault(unit, {})
                if name in bounds:
                    continue
                bounds[name] = n
                start, end = cues.sentence_of(match.span())
                sentence = block.text[start:end].strip()
                if sentence not in snippets.setdefault(unit, []):
                    snippets[unit].append(sentence)
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


def _headers(block: TextBlock) -> tuple[str, ...]:
    """The block's table headers."""
    return tuple(h for h in (block.row_header, block.column_header) if h)


def parse_duration(blocks: Sequence[TextBlock], url: str) -> list[ExtractedFact]:
    """How long a stay may be: one semester, one year, or either."""
    options: set[str] = set()
    snippets: list[str] = []
    for block in blocks:
        if not block.in_main:
            continue
        cues = TextCues(block.text, [])
        # "Coming on exchange" is often said by the heading, not by the sentence, or by a
        # table's header ("Mobility period | One semester … or the full year", decision 0405).
        about_a_stay = any(STAY_CUES.search(fold_aligned(h)) for h in block.headings) or any(
            STAY_LENGTH.search(fold_aligned(h)) for h in _headers(block)
        )
        for start, end in cues.sentences:
            # "Nominations are accepted twice a year" says nothing of a one-year stay.
            sentence = FREQUENCY.sub(lambda m: " " * len(m.group()), cues.folded[start:end])
            # "Passer un ou deux semestres à l'UCO" names a stay's length by itself (batch 3,
            # fr33); any other option needs stay wording around it.
            both = BOTH_OPTIONS.search(sentence) is not None
            if not (both or about_a_stay or STAY_CUES.search(sentence)):
                continue
            either = both or EITHER_OPTION.search(sentence) is not None
            if not either and names_a_year(sentence):
                either = TERM_OR_YEAR.search(sentence) is not None
            found = {"semester", "year"} if either else set()
            if SEMESTER_OPTION.search(sentence):
                found.add("semester")
            if YEAR_OPTION.search(sentence):
                found.add("year")
            if found and (HOUSING.search(sentence) or NOT_OFFERED.search(sentence)):
                # A room, or "Les séjours d'un semestre ne sont pas possibles" (decision 0405).
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
