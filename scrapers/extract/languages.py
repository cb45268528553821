"""Language requirements: a language with a CEFR level, or a TOEFL / IELTS / TOEIC score.

Language names come from CLDR through Babel, in the five page languages, so "anglais",
"inglese", "Englischkenntnisse" and "englannin" all name English. Each level or score takes the
nearest language of its clause, then of its sentence, then of its surroundings; whether it is
required or recommended comes the same way (unknown stays ``None``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from itertools import pairwise

from babel import Locale

from scrapers.extract.blocks import TextBlock
from scrapers.extract.cues import (
    IN_CLAUSE,
    IN_SENTENCE,
    Found,
    TextCues,
    label_in,
    resolve,
    surroundings_of,
)
from scrapers.extract.dates import LANGUAGES
from scrapers.extract.facts import ExtractedFact, clip_snippet, ranked_key
from scrapers.extract.textmatch import BY_GROUP, compile_cues, fold_aligned
from scrapers.extract.vocabulary import COURSE, FIGURES, REQUIRED, STATUS_CUES
from service.catalogue import FactField, LanguageRequirement

EXTRACTOR = "generic/languages"
VERSION = "1"

#: Languages a partner may teach in or ask for (ISO 639-1).
REQUIREMENT_LANGUAGES = ("en", "fr", "de", "it", "fi", "sv", "es", "pt", "nl", "ja", "ko", "zh")

_CEFR = re.compile(r"(?<![\w])([abc][12])\+?(?![\w])")
#: Each test's pattern: an optional variant group, then the score group.
_TESTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"toefl\s*(?:\(?\s*(ibt|pbt|itp)\s*\)?)?[^0-9\n]{0,30}?(\d{2,3})(?!\d|[.,]\d)"),
        "toefl",
    ),
    (re.compile(r"ielts()(?:\s*academic)?[^0-9\n]{0,30}?(\d(?:[.,]5|[.,]0)?)(?![\d])"), "ielts"),
    (re.compile(r"toeic()[^0-9\n]{0,30}?(\d{3})(?!\d|[.,]\d)"), "toeic"),
    # "Duolingo English Test: 110" (development set, en41).
    (re.compile(r"duolingo()[^0-9\n]{0,30}?(\d{2,3})(?!\d|[.,]\d)"), "duolingo"),
    # "TOPIK level 4": the Test of Proficiency in Korean, levels 1 to 6 (decision 0380).
    (re.compile(r"topik()[^0-9\n]{0,30}?(\d)(?![\d.,])"), "topik"),
)
#: The language a test measures, when not English.
_TEST_LANGUAGE = {"topik": "ko"}
_CONFIDENCE = {IN_CLAUSE: 0.9, IN_SENTENCE: 0.8}
_CONTEXT_CONFIDENCE = 0.65


def _name_pattern(name: str, locale: str) -> str:
    folded = re.escape(fold_aligned(name))
    if locale == "fi":
        # Finnish inflects the stem: englanti → englannin, suomi → suomen.
        return f"{folded[: max(4, len(folded) - 2)]}\\w*"
    if locale == "de":
        return f"{folded}\\w*"  # compounds: Englischkenntnisse, Deutschniveau
    return f"{folded}\\w{{0,2}}"  # française, italienne


@cache
def language_cues() -> tuple[tuple[re.Pattern[str], str], ...]:
    """One cue for every language, matching its name in every page language: a group per
    language, named by its code, so that a text is scanned once (decision 0380)."""
    groups = []
    for code in REQUIREMENT_LANGUAGES:
        names = {
            _name_pattern(Locale.parse(locale).languages[code], locale) for locale in LANGUAGES
        }
        groups.append(f"(?P<{code}>{'|'.join(sorted(names, key=len, reverse=True))})")
    return ((compile_cues("|".join(groups)), BY_GROUP),)


def _test_name(test: str, variant: str | None, score: float) -> tuple[str, str] | None:
    """(display name, key slug) of a test score, or ``None`` when the score cannot be one."""
    if test == "ielts":
        return ("IELTS", "ielts") if 1 <= score <= 9 else None
    if test == "toeic":
        return ("TOEIC", "toeic") if 10 <= score <= 990 else None
    if test == "topik":
        return ("TOPIK", "topik") if 1 <= score <= 6 else None
    if test == "duolingo":
        return ("Duolingo", "duolingo") if 10 <= score <= 160 else None
    if variant in ("pbt", "itp") or score > 120:
        name = "ITP" if variant == "itp" else "PBT"
        return (f"TOEFL {name}", f"toefl_{name.lower()}") if 310 <= score <= 677 else None
    return ("TOEFL iBT", "toefl_ibt") if 0 < score <= 120 else None


@dataclass(frozen=True, slots=True)
class _Requirement:
    span: tuple[int, int]
    test: str
    level: str | None = None
    variant: str | None = None
    score: float | None = None


#: A CEFR level and a test score both hold a digit.
_DIGIT = re.compile(r"\d")


_LEVELS = ("a1", "a2", "b1", "b2", "c1", "c2")
#: What joins two levels into a range: "A1 to C1", "da A1 a C1", "de A1 à C1", "A1 - B2"
#: (or an en dash).
_RANGE_JOIN = re.compile(r"\s*(?:-|\u2013|\u2014|to|a|al|au|bis|up to|fino a|jusqu'a)\s*")
#: Levels a course or a tandem is given at, not a requirement: a range wider than one step
#: (a requirement names a level, at most "B1-B2"; decision 0416).
_WIDEST_REQUIRED_RANGE = 1


def _ranges(folded: str, levels: list[re.Match[str]]) -> set[int]:
    """Where the levels of a range of levels wider than one step start."""
    spans: set[int] = set()
    for low, high in pairwise(levels):
        if not _RANGE_JOIN.fullmatch(folded, low.end(), high.start()):
            continue
        step = _LEVELS.index(high.group(1)) - _LEVELS.index(low.group(1))
        if step > _WIDEST_REQUIRED_RANGE:
            spans |= {low.start(), high.start()}
    return spans


def _requirements(folded: str) -> list[_Requirement]:
    """Every CEFR level and test score in the folded text, in order."""
    if _DIGIT.search(folded) is None:
        return []
    levels = list(_CEFR.finditer(folded))
    spans = _ranges(folded, levels) if len(levels) > 1 else set()
    found = [
        _Requirement((m.start(), m.end()), "cefr", level=m.group(1).upper())
        for m in levels
        if m.start() not in spans
    ]
    for pattern, test in _TESTS:
        for match in pattern.finditer(folded):
            score = float(match.group(2).replace(",", "."))
            found.append(
                _Requirement((match.start(), match.end()), test, None, match.group(1), score)
            )
    return sorted(found, key=lambda requirement: requirement.span)


def _value(requirement: _Requirement, language: str) -> tuple[str, LanguageRequirement] | None:
    """(key part naming the test, value without status) or ``None`` for an impossible score."""
    if requirement.test == "cefr":
        return "cefr", LanguageRequirement(language=language, level=requirement.level)
    assert requirement.score is not None
    named = _test_name(requirement.test, requirement.variant, requirement.score)
    if named is None:
        return None
    display, slug = named
    score = requirement.score
    return slug, LanguageRequirement(
        language=language, test=display, score=int(score) if score.is_integer() else score
    )


#: Where a language was found in the sentence before the level's: "Courses are taught in
#: English. Students need a B2 level."
IN_PREVIOUS_SENTENCE = "previous_sentence"


def _previous_sentence(cues: TextCues, span: tuple[int, int], before: str | None) -> str | None:
    """The sentence before the one holding ``span``: in the same block, else ``before``."""
    start, _ = cues.sentence_of(span)
    earlier = [sentence for sentence in cues.sentences if sentence[1] <= start]
    if earlier:
        return cues.text[earlier[-1][0] : earlier[-1][1]]
    return before


def _last_sentence(text: str) -> str:
    sentences = TextCues(text, []).sentences
    return text[sentences[-1][0] : sentences[-1][1]] if sentences else text


#: A language course the school offers at a level ("un corso intensivo di livello A1 a
#: settembre", "a free Swedish course for beginners (A1)"): the level is the course's, not a
#: requirement (development set, it38), unless its clause also requires it.
_ON_OFFER = compile_cues(
    r"available|offered|offers?|provided|free|propos\w*|offert\w*|gratuit\w*|disponibil\w*"
    r"|organizz\w*|organis\w*|angeboten|kostenlos\w*|tarjo\w*|ilmai\w*"
    # "A beginners' course in Swedish (level A1, 7.5 ECTS) runs every semester": a course for
    # beginners is one the school gives (decision 0326).
    r"|beginners'?|debutants?|principianti|anfanger\w*"
    # "Il Centro linguistico propone un corso …", "le corso intensivo di italiano": a course
    # the school proposes or runs intensively (decision 0380).
    r"|propon\w*|offr\w*|intensiv\w*"
)


@cache
def _names_a_course_on_offer(heading: str) -> bool:
    folded = fold_aligned(heading)
    return COURSE.search(folded) is not None and _ON_OFFER.search(folded) is not None


def _is_a_course_on_offer(cues: TextCues, span: tuple[int, int], heading: str | None) -> bool:
    """Whether the level's clause speaks of a language course offered, not of a requirement:
    in its clause, in apposition after the course in its sentence ("propone un corso di
    tedesco, livello A2, …"), or under a heading that names the course (decision 0380)."""
    scopes = cues.scopes(span)
    start, end = scopes[-2] if len(scopes) > 1 else scopes[-1]
    sentence_start, sentence_end = cues.sentence_of(span)
    clause = cues.folded[start:end]
    if COURSE.search(clause) is None:
        # The status is read last: most levels' sentences name no course at all.
        if (
            COURSE.search(cues.folded, sentence_start, start) is not None
            and _ON_OFFER.search(cues.folded, sentence_start, sentence_end) is not None
            and label_in(cues.folded[sentence_start:sentence_end], STATUS_CUES) is None
        ):
            return True
        if (
            heading is not None
            and _names_a_course_on_offer(heading)
            and label_in(clause, STATUS_CUES) is None
        ):
            return True
    if cues.folded.rfind("(", sentence_start, span[0]) > cues.folded.rfind(
        ")", sentence_start, span[0]
    ):
        # "A survival Finnish course (level A1, 3 ECTS) is offered": a level in brackets is
        # the noun's before them, and the comma inside cuts it from "offered" (decision 0350).
        start, end = sentence_start, sentence_end
    clause = cues.folded[start:end]
    return (
        COURSE.search(clause) is not None
        and _ON_OFFER.search(clause) is not None
        and label_in(clause, STATUS_CUES) is None
    )


#: A level or a score the school's own students work towards ("nos élèves préparent le TOEIC
#: et visent 785 points", "students aim for C1 by graduation"): a goal, not a requirement,
#: unless it has a status (decision 0416).
_GOAL = compile_cues(
    r"vis(?:e|ent|er|ons)|aim(?:s|ing)? (?:at|for)|target\w*|prepar\w*|obiettiv\w*"
    r"|mirano a|puntano a|si preparano"
)


def _is_a_goal(cues: TextCues, span: tuple[int, int]) -> bool:
    """Whether the sentence of a level that has no status says a goal (read last: most levels
    have a status)."""
    start, end = cues.sentence_of(span)
    return _GOAL.search(cues.folded, start, end) is not None


def parse_language_requirements(blocks: Sequence[TextBlock], url: str) -> list[ExtractedFact]:
    """Language requirement facts of the main content's blocks, every distinct one kept."""
    found: dict[str, ExtractedFact] = {}
    previous: TextBlock | None = None
    for block in blocks:
        if not block.in_main:
            continue
        # Only read when a level names no language: most blocks never need it.
        before = previous if previous is not None and previous.headings == block.headings else None
        previous = block
        requirements = _requirements(fold_aligned(block.text))
        if not requirements:
            continue
        # "92 % des étudiants atteignent le niveau B2" under "L'école en chiffres": a box or a
        # page of figures quotes statistics, not requirements (as for credits, decision 0261).
        if any(FIGURES.search(fold_aligned(heading)) for heading in block.headings):
            continue
        cues = TextCues(block.text, [requirement.span for requirement in requirements])
        around = surroundings_of(block)
        for requirement in requirements:
            span = requirement.span
            if requirement.test == "cefr" and _is_a_course_on_offer(cues, span, block.heading):
                continue
            language = (
                resolve(cues, span, language_cues(), around, shared=True)
                if requirement.test == "cefr"
                else Found(_TEST_LANGUAGE.get(requirement.test, "en"), IN_CLAUSE)
            )
            if language is None and requirement.test == "cefr":
                earlier = _previous_sentence(
                    cues, span, _last_sentence(before.text) if before is not None else None
                )
                named = label_in(earlier, language_cues()) if earlier else None
                language = Found(named, IN_PREVIOUS_SENTENCE) if named else None
            described = _value(requirement, language.label) if language else None
            if language is None or described is None:
                continue
            slug, unsure = described
            status = resolve(cues, span, STATUS_CUES, around, shared=True)
            if status is None and _is_a_goal(cues, span):
                continue
            status_label = status.label if status else "unspecified"
            value = replace(unsure, required=None if status is None else status.label == REQUIRED)
            # A second level for the same language and test ("B1 for courses in French, B2 for
            # the master's") is kept under a ranked key (decision 0045).
            key = ranked_key(found, f"{language.label}/{slug}/{status_label}", value)
            if key is None:
                continue
            start, end = cues.sentence_of(span)
            found[key] = ExtractedFact(
                FactField.LANGUAGE_REQUIREMENT,
                key,
                value,
                url,
                clip_snippet(block.text[start:end].strip()),
                EXTRACTOR,
                VERSION,
                _CONFIDENCE.get(language.where, _CONTEXT_CONFIDENCE),
                rule=language.where,
            )
    return list(found.values())
