"""Each extraction rule's confidence: its measured precision on the development set.

Issue 12: wrong facts got 0.85-0.90, the same as right ones, because each extractor guessed its
own numbers. Here a rule (an extractor and how it decided: ``generic/deadlines`` with the kind
found in the date's ``clause``, its table ``headers``, its ``heading``, …) has the confidence it
earned on the development part of ``tests/scrapers/extract/devset``: the share of its candidates
that are labelled facts, smoothed with one success and one failure, ``(right + 1) / (all + 2)``,
so that a rule seen three times cannot claim certainty. ``python -m bench.calibrate`` measures
the table below again; a test fails when the two disagree, so the table is never stale.

Facts whose rule was not measured keep the extractor's own estimate. Values under
``facts.REVIEW_THRESHOLD`` are served with their confidence and flagged for review.
"""

from __future__ import annotations

from dataclasses import replace

from scrapers.extract.facts import ExtractedFact
from service.catalogue import FactField

#: The fields the development set labels: a rule's count says nothing of the other fields it
#: also gives (the contacts' ``footer`` rule was measured on e-mails; the footer's phone number,
#: never labelled there, keeps the extractor's own confidence).
CALIBRATED_FIELDS = frozenset(
    (
        FactField.DEADLINE,
        FactField.LANGUAGE_REQUIREMENT,
        FactField.CREDITS,
        FactField.DURATION,
        FactField.EMAIL,
    )
)

#: (extractor, rule) → (candidates that were right, candidates), measured by ``bench.calibrate``.
MEASURED: dict[tuple[str, str], tuple[int, int]] = {
    ("generic/deadlines", "bare"): (9, 9),
    ("generic/deadlines", "clause"): (156, 156),
    ("generic/deadlines", "headers"): (67, 67),
    ("generic/deadlines", "heading"): (47, 47),
    ("generic/deadlines", "lead_in"): (16, 16),
    ("generic/deadlines", "sentence"): (72, 72),
    ("generic/languages", "clause"): (180, 180),
    ("generic/languages", "headers"): (7, 7),
    ("generic/languages", "heading"): (7, 7),
    ("generic/languages", "previous_sentence"): (9, 9),
    ("generic/languages", "sentence"): (8, 8),
}


def confidence_of(right: int, seen: int) -> float:
    """The smoothed precision of a rule that was right ``right`` times out of ``seen``."""
    return round((right + 1) / (seen + 2), 2)


def calibrate(fact: ExtractedFact) -> ExtractedFact:
    """``fact`` with its rule's measured confidence (unchanged when the rule was not measured)."""
    counts = MEASURED.get((fact.extractor, fact.rule))
    if counts is None or fact.field not in CALIBRATED_FIELDS:
        return fact
    confidence = confidence_of(*counts)
    return fact if fact.confidence == confidence else replace(fact, confidence=confidence)
