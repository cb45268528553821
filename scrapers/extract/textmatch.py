"""Finding cue words in text while keeping offsets: folding, mentions, sentence and clause scopes.

Extractors match cue words ("deadline", "date limite", "mennessä") on a folded copy of the text
and report snippets from the original, so the folded copy must have exactly the same length.
``service.text.fold`` collapses spaces and may change lengths (``ß`` → ``ss``), which is right
for comparing names but not for offsets: :func:`fold_aligned` folds character by character.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Span = tuple[int, int]

#: A full stop after a digit does not end a sentence ("15. Mai"), except after a year ("… 15
#: April 2026. Spring semester: …") or a CEFR level ("German at level B1. The English-taught
#: modules …": no date is written "B1.", decision 0350).
_SENTENCE_END = re.compile(
    # The first look-behind fails at once where no stop precedes: a third of the time.
    r"(?<=[.!?])(?:(?<=[^\d\s.][.!?])|(?<=[^\d.][12]\d{3}\.)|(?<=[^\w][ABC][12]\.)"
    # "… for semester 2. You then apply …": a term's number ends a sentence (decision 0405).
    r"|(?<=[Ss]emester [1-3]\.)|(?<=[Ss]emestre [1-3]\.)|(?<=[Tt]erm [1-3]\.))\s+"
    r"(?=[\"«(\[]?[A-ZÀ-ÖØ-Þ])"
)
#: "Nominations until 31 May · Applications until 15 June": a middle dot, a bullet or a bar
#: between spaces parts a line as a semicolon does (decision 0405).
_CLAUSE_SEPARATOR = re.compile(
    r"[;,]|\s[\u2013\u2014\u00b7\u2022|]\s|\s(?:and|et|e|und|ja|or|ou|o|oder|tai|seka|but|mais|ma|aber|mutta|while)\s"
)
_PART_SEPARATOR = re.compile(r"(?<!\d):(?!\d)")


@functools.cache
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0]
    lower = base.lower()
    return lower if len(lower) == 1 else base


class _FoldTable(dict[int, str]):
    """Code point → folded character, for ``str.translate``, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


#: The same texts are folded again and again: each block's by every extractor (five), its
#: headings and lead-in by each of its dates' cues (the 60 KB page of ``bench.extraction_cpu``
#: folds 200 distinct texts 6,800 times). Bounded: a worker process reads page after page.
@functools.lru_cache(maxsize=1024)
def fold_aligned(text: str) -> str:
    """Lower-case, accent-free copy of ``text`` with exactly the same length."""
    # Pages are mostly ASCII, and an ASCII character folds to its lower case: one call instead
    # of a Unicode normalisation per character (half the extraction time of a long page).
    if text.isascii():
        return text.lower()
    # Any other text is translated in C through a table that learns each character once,
    # instead of a Python call per character (round 26).
    return text.translate(_FOLD_TABLE)


@dataclass(frozen=True, slots=True)
class Mention:
    """A cue found in a text: where, and what it stands for."""

    start: int
    end: int
    label: str


#: The label of a cue whose pattern names its labels as groups: each match is labelled with the
#: name of the group it matched (one scan for many labels, as the languages' names).
BY_GROUP = ""


def find_mentions(folded: str, cues: Sequence[tuple[re.Pattern[str], str]]) -> list[Mention]:
    """Every cue occurrence, earlier cues in ``cues`` winning over overlapping later ones."""
    taken: list[Mention] = []
    for pattern, label in cues:
        for match in pattern.finditer(folded):
            if not any(match.start() < m.end and m.start < match.end() for m in taken):
                named = label if label != BY_GROUP else match.lastgroup
                taken.append(Mention(match.start(), match.end(), named or label))
    return sorted(taken, key=lambda mention: mention.start)


def distance(span: Span, mention: Mention) -> int:
    """Characters between a span and a mention (0 when they touch or overlap)."""
    start, end = span
    if mention.end <= start:
        return start - mention.end
    if mention.start >= end:
        return mention.start - end
    return 0


def nearest(span: Span, mentions: Iterable[Mention], within: Span | None = None) -> Mention | None:
    """The mention closest to ``span``, optionally only those inside ``within``."""
    candidates = [
        m for m in mentions if within is None or (within[0] <= m.start and m.end <= within[1])
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda mention: distance(span, mention))


def _split(
    text: str,
    pattern: re.Pattern[str],
    outer: Span,
    protected: Sequence[Span],
    written: str | None = None,
) -> list[Span]:
    spans: list[Span] = []
    start = outer[0]
    for match in pattern.finditer(text, outer[0], outer[1]):
        if any(p_start < match.end() and match.start() < p_end for p_start, p_end in protected):
            continue
        if written is not None and written[match.start() : match.end()].lower() != match.group():
            # The Italian "è" (is) and the French "où" (where) fold to "e" (and) and "ou" (or):
            # the text as written says they split no clause (decision 0380).
            continue
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, outer[1]))
    return [span for span in spans if span[1] > span[0]]


def sentence_spans(text: str) -> list[Span]:
    """Sentences of ``text`` as spans (a full stop after a digit other than a year's does not
    end a sentence)."""
    return _split(text, _SENTENCE_END, (0, len(text)), ())


def scopes_around(
    folded: str,
    span: Span,
    sentence: Span,
    protected: Sequence[Span] = (),
    written: str | None = None,
) -> list[Span]:
    """The scopes holding ``span``, innermost first: part (``:``), clause, sentence.

    Cues are looked for in the innermost scope first, so that in "classes taught in English: A2
    level in French" the level A2 goes with French. ``protected`` spans (dates) are never split.
    ``written`` is the text as folded from, when known (the same offsets): a separator folded
    out of an accented word ("è", "où") is none.
    """
    scopes: list[Span] = []
    for clause in _split(folded, _CLAUSE_SEPARATOR, sentence, protected, written):
        if clause[0] <= span[0] and span[1] <= clause[1]:
            for part in _split(folded, _PART_SEPARATOR, clause, protected):
                if part[0] <= span[0] and span[1] <= part[1]:
                    scopes.append(part)
            scopes.append(clause)
    scopes.append(sentence)
    return scopes


def cue_in_scopes(
    span: Span, mentions: Sequence[Mention], scopes: Sequence[Span]
) -> Mention | None:
    """The nearest mention in the innermost scope that has one."""
    for scope in scopes:
        found = nearest(span, mentions, within=scope)
        if found is not None:
            return found
    return None


def compile_cues(words: str) -> re.Pattern[str]:
    """A pattern matching any of the ``|``-separated folded cue words, as whole words."""
    return re.compile(rf"(?<![\w])(?:{words})(?![\w])")
