"""Resolving what a number or a date in a text is about, from the nearest cue outwards.

A value takes the label of the nearest cue in its own part of the sentence, else in its clause,
else in its sentence (when the sentence names only one), else in the block's surroundings
(row header, column header, list lead-in, heading), nearest first. ``territory`` keeps a value
from borrowing the cue of its neighbour: in "autumn: 15 April, spring: 1 October" the second
date never sees "autumn".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scrapers.extract.blocks import TextBlock
from scrapers.extract.textmatch import (
    Mention,
    Span,
    cue_in_scopes,
    find_mentions,
    fold_aligned,
    nearest,
    scopes_around,
    sentence_spans,
)

Cues = Sequence[tuple[re.Pattern[str], str]]
#: Picks one label when a scope names several (``None``: undecided).
Combine = Callable[[set[str]], str | None]


def unanimous(labels: set[str]) -> str | None:
    """The label when there is only one."""
    return next(iter(labels)) if len(labels) == 1 else None


#: Where a label was found, from the most to the least specific.
IN_CLAUSE = "clause"
IN_SENTENCE = "sentence"
IN_HEADERS = "headers"
IN_LEAD_IN = "lead_in"
IN_HEADING = "heading"


@dataclass(frozen=True, slots=True)
class Found:
    """A label and where it was found."""

    label: str
    where: str


@dataclass(frozen=True, slots=True)
class Surroundings:
    """A block's context texts, folded: its lead label and table headers, lead-in, heading."""

    headers: tuple[str, ...]
    lead_in: str | None
    heading: str | None

    def ordered(self) -> list[tuple[str, str]]:
        pieces = [(IN_HEADERS, header) for header in self.headers]
        if self.lead_in:
            pieces.append((IN_LEAD_IN, self.lead_in))
        if self.heading:
            pieces.append((IN_HEADING, self.heading))
        return pieces


#: "First semester (September - January): nominations by 15 May, …": a short label ending
#: with a colon at the start of a block speaks for the whole block.
_LEAD_LABEL = re.compile(r"^([^:.!?]{3,80}):\s+\S")


def surroundings_of(block: TextBlock) -> Surroundings:
    """The block's context, folded, nearest first (its own lead label, then its headers)."""
    label = _LEAD_LABEL.match(block.text)
    own = (label.group(1),) if label else ()
    headers = tuple(fold_aligned(h) for h in (*own, block.row_header, block.column_header) if h)
    return Surroundings(
        headers=headers,
        lead_in=fold_aligned(block.lead_in) if block.lead_in else None,
        heading=fold_aligned(block.heading) if block.heading else None,
    )


class TextCues:
    """One block's text, folded once, with its sentences and the values' territories.

    What the rules ask of it again and again (a cue set's mentions, a value's sentence and
    scopes) is computed once per block: the deadline rules ask for the same mentions up to five
    times per date.
    """

    def __init__(self, text: str, values: Sequence[Span]) -> None:
        self.text = text
        self.folded = fold_aligned(text)
        self.values = sorted(values)
        self.sentences = sentence_spans(text)
        # Keyed by the cue set's id, the cue set kept beside its mentions: while this block's
        # cues live, no other object can take that id.
        self._mentions: dict[int, tuple[Cues, list[Mention]]] = {}
        self._scopes: dict[Span, list[Span]] = {}

    def sentence_of(self, span: Span) -> Span:
        for sentence in self.sentences:
            if sentence[0] <= span[0] < sentence[1]:
                return (sentence[0], max(sentence[1], span[1]))
        return (0, len(self.text))

    def territory(self, span: Span) -> Span:
        index = self.values.index(span)
        start = self.values[index - 1][1] if index > 0 else 0
        end = self.values[index + 1][0] if index + 1 < len(self.values) else len(self.text)
        return (start, end)

    def mentions(self, cues: Cues) -> list[Mention]:
        known = self._mentions.get(id(cues))
        if known is not None:
            return known[1]
        found = find_mentions(self.folded, cues)
        self._mentions[id(cues)] = (cues, found)
        return found

    def scopes(self, span: Span) -> list[Span]:
        """The scopes holding the value at ``span``, innermost first (``scopes_around``)."""
        found = self._scopes.get(span)
        if found is None:
            sentence = self.sentence_of(span)
            found = scopes_around(self.folded, span, sentence, self.values, self.text)
            if self._shares_sentence(span, sentence):
                found = found[:-1]  # the sentence is shared: only the value's own clause counts
            self._scopes[span] = found
        return found

    def near(
        self, span: Span, mentions: Sequence[Mention], combine: Combine = unanimous
    ) -> Mention | None:
        """The mention for the value in its own scopes (part, clause, sentence).

        In the innermost scope that has mentions: the one whose label ``combine`` picks from
        all of them, else the nearest.
        """
        start, end = self.territory(span)
        own = [m for m in mentions if start <= m.start and m.end <= end]
        if not own:
            return None  # no scope can hold a mention outside the value's territory
        scopes = self.scopes(span)
        nearest_mention = cue_in_scopes(span, own, scopes)
        if nearest_mention is None:
            return None
        scope = next(s for s in scopes if s[0] <= nearest_mention.start < s[1])
        in_scope = [m for m in own if scope[0] <= m.start and m.end <= scope[1]]
        picked = combine({m.label for m in in_scope})
        if picked is None:
            return nearest_mention
        return next(m for m in in_scope if m.label == picked)

    def _shares_sentence(self, span: Span, sentence: Span) -> bool:
        return any(sentence[0] <= other[0] < sentence[1] and other != span for other in self.values)

    def only_in_sentence(
        self, span: Span, mentions: Sequence[Mention], *, shared: bool, combine: Combine
    ) -> str | None:
        """The label of the sentence's mentions when they all agree.

        Unless ``shared``, only when the sentence holds no other value: "nominations by 1 April
        for autumn and by 1 October" says nothing of the second date's semester.
        """
        start, end = self.sentence_of(span)
        if not shared and any(start <= other[0] < end and other != span for other in self.values):
            return None
        return combine({m.label for m in mentions if start <= m.start and m.end <= end})


def label_in(text: str, cues: Cues, combine: Combine = unanimous) -> str | None:
    """The label ``combine`` picks from ``text``'s cues (``None`` when none or undecided)."""
    if isinstance(cues, tuple):
        # The same headings, lead-ins and headers surround many blocks and dates of a page.
        return _label_in(text, cues, combine)
    return combine({mention.label for mention in find_mentions(fold_aligned(text), cues)})


@functools.lru_cache(maxsize=4096)
def _label_in(
    text: str, cues: tuple[tuple[re.Pattern[str], str], ...], combine: Combine
) -> str | None:
    return combine({mention.label for mention in find_mentions(fold_aligned(text), cues)})


def resolve(
    block: TextCues,
    span: Span,
    cues: Cues,
    surroundings: Surroundings,
    *,
    shared: bool,
    combine: Combine = unanimous,
) -> Found | None:
    """The label for the value at ``span``, from its clause outwards.

    ``shared``: whether a label named once in a sentence applies to all the sentence's values
    (a kind of deadline does; a semester belongs to one date).
    """
    mentions = block.mentions(cues)
    nearby = block.near(span, mentions, combine)
    if nearby is not None:
        return Found(nearby.label, IN_CLAUSE)
    in_sentence = block.only_in_sentence(span, mentions, shared=shared, combine=combine)
    if in_sentence is not None:
        return Found(in_sentence, IN_SENTENCE)
    if shared:
        # "After the nomination, the student sends the application by 15 June": the nearest.
        start, end = block.sentence_of(span)
        nearest_mention = nearest(span, mentions, within=(start, end))
        if nearest_mention is not None:
            return Found(nearest_mention.label, IN_SENTENCE)
    for where, piece in surroundings.ordered():
        label = label_in(piece, cues, combine)
        if label is not None:
            return Found(label, where)
    return None
