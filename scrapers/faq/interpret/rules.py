"""Selection rules from the "Pour qui ?" section.

"La sélection … se fait sur la base de l'excellence des notes (S1 et S2) + la motivation …"
gives the rule for every track: semesters S1 and S2, criteria grades and motivation. A sentence
naming a track ("Pour le cas d'ISEM ils prennent aussi les notes du S3 …") gives that track's
rule: the general one plus what the sentence adds (S3).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from scrapers.faq.interpret.catalogue import RuleSpec
from service.text import collapse_spaces, fold

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý])")
_SEMESTER = re.compile(r"\bS\s?(\d{1,2})\b")
#: A track named after "cas d'", "filière", "pour (les élèves de) …": an upper-case code.
_TRACK = re.compile(
    r"(?:\bcas\s+d[e']\s*|\bfili[eè]re\s+|\bpour\s+(?:les?\s+|la\s+)?"
    r"(?:(?:élèves|étudiants|eleves|etudiants)\s+)?(?:d[e']\s*|en\s+)?)"
    r"(?P<code>[A-Z][A-Z0-9]{1,15})\b"
)
#: Criteria, in the order they are listed, with the folded words that mention them.
_CRITERIA = (
    ("grades", ("notes", "moyenne", "classement", "grades")),
    ("motivation", ("motivation",)),
    ("interview", ("entretien", "interview")),
    ("language", ("niveau de langue", "toefl", "ielts", "toeic", "language")),
)


def _sentences(paragraphs: Iterable[str]) -> list[str]:
    sentences: list[str] = []
    for paragraph in paragraphs:
        text = collapse_spaces(paragraph.replace("\u2019", "'"))
        sentences.extend(part for part in _SENTENCE_END.split(text) if part)
    return sentences


def _semesters(text: str) -> list[str]:
    return [f"S{int(number)}" for number in _SEMESTER.findall(text)]


def _criteria(text: str) -> list[str]:
    folded = fold(text)
    return [name for name, words in _CRITERIA if any(word in folded for word in words)]


def _in_order(found: Iterable[str]) -> tuple[str, ...]:
    present = set(found)
    return tuple(name for name, _ in _CRITERIA if name in present)


def _sort_semesters(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=lambda value: int(value[1:])))


def parse_rules(paragraphs: Iterable[str], known_tracks: Collection[str] = ()) -> list[RuleSpec]:
    """The general rule (if the text states one) and one rule per track named in a sentence."""
    general_text: list[str] = []
    general_semesters: list[str] = []
    general_criteria: list[str] = []
    by_track: dict[str, list[str]] = {}
    for sentence in _sentences(paragraphs):
        tracks = [match.group("code") for match in _TRACK.finditer(sentence)]
        tracks += [code for code in known_tracks if re.search(rf"\b{re.escape(code)}\b", sentence)]
        if tracks:
            for code in dict.fromkeys(tracks):
                by_track.setdefault(code, []).append(sentence)
            continue
        general_text.append(sentence)
        general_semesters += _semesters(sentence)
        general_criteria += _criteria(sentence)
    rules: list[RuleSpec] = []
    if general_semesters or general_criteria:
        rules.append(
            RuleSpec(
                track=None,
                semesters=_sort_semesters(general_semesters),
                criteria=_in_order(general_criteria),
                source_text=" ".join(general_text),
            )
        )
    for code, sentences in by_track.items():
        text = " ".join(sentences)
        rules.append(
            RuleSpec(
                track=code,
                semesters=_sort_semesters([*general_semesters, *_semesters(text)]),
                criteria=_in_order([*general_criteria, *_criteria(text)]),
                source_text=text,
            )
        )
    return rules
