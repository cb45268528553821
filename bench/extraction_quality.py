"""Extraction quality as numbers: precision and recall per fact type on the labelled pages.

The labelled set is ``tests/scrapers/extract/pages/labels.json``: for each fixture page, the
facts a careful reader finds in it. Deadlines, language requirements, credits and duration are
compared on their whole value; e-mails and phones on their address and number (their labels are
a reading aid, not the fact). A fact extracted with a wrong value counts once as a false
positive and once as a false negative.

    python -m bench.extraction_quality [--labels PATH] [--details] [--devset PATH] [--batch N]
                                       [--spoil-held-out]

It then scores the development set that looks like the web (``bench.devset``): its development
part and its held-out third, per fact type, with a confusion list of the worst development
pages. ``--batch N`` scores one batch of that set only (its held-out third, its development
part, all of it) and nothing else. Held-out pages are never named page by page unless
``--spoil-held-out`` is given: that list **spoils the held-out part** (whoever reads it can tune
rules against those pages), so whoever writes rules must not ask for it.

Pages marked ``held_out`` in the labelled set were written and labelled after the extractors
were frozen: their numbers estimate quality on unseen pages; the others are an upper bound.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.devset import DEVSET, Tally, format_devset, score_devset
from bench.devset import MEASURED as DEVSET_MEASURED
from scrapers.extract.facts import ExtractedFact
from scrapers.extract.pipeline import extract_page
from service.catalogue.fields import FactField

LABELS = Path(__file__).resolve().parents[1] / "tests/scrapers/extract/pages/labels.json"
#: The fact types measured, in the order they are printed: the development set's, and phones.
MEASURED = (*DEVSET_MEASURED, FactField.PHONE)
_BY_KEY_ONLY = {FactField.EMAIL, FactField.PHONE}
_FETCHED_AT = datetime(2025, 1, 15, tzinfo=UTC)

Comparable = tuple[str, str]


@dataclass
class Score(Tally):
    """Counts for one fact type (precision and recall as in ``bench.devset``), and the
    mismatches behind them."""

    misses: list[str] = field(default_factory=list)


def _comparable(fact_field: FactField, key: str, value: object) -> Comparable:
    if fact_field in _BY_KEY_ONLY:
        return (key, "")
    return (key, json.dumps(value, sort_keys=True))


def _extracted(facts: Iterable[ExtractedFact], fact_field: FactField) -> set[Comparable]:
    return {
        _comparable(fact_field, fact.key, fact.value.to_json())
        for fact in facts
        if fact.field is fact_field
    }


def measure(labels: Path = LABELS, *, held_out: bool | None = None) -> dict[FactField, Score]:
    """Score every measured fact type over the labelled pages.

    ``held_out``: only the pages never used to tune the extractors (``True``), only the others
    (``False``), or all of them (``None``).
    """
    data = json.loads(labels.read_text(encoding="utf-8"))
    scores = {fact_field: Score() for fact_field in MEASURED}
    for page in data["pages"]:
        if held_out is not None and bool(page.get("held_out", False)) != held_out:
            continue
        html = (labels.parent / page["file"]).read_text(encoding="utf-8")
        extraction = extract_page(html, page["url"], _FETCHED_AT)
        for fact_field in MEASURED:
            expected = {
                _comparable(fact_field, fact["key"], fact.get("value"))
                for fact in page["facts"]
                if fact["field"] == fact_field.value
            }
            found = _extracted(extraction.facts, fact_field)
            score = scores[fact_field]
            score.true_positives += len(found & expected)
            score.false_positives += len(found - expected)
            score.false_negatives += len(expected - found)
            score.misses += [f"{page['file']}: unexpected {item}" for item in found - expected]
            score.misses += [f"{page['file']}: missed {item}" for item in expected - found]
    return scores


def format_scores(scores: dict[FactField, Score], *, details: bool = False) -> str:
    """A table of precision and recall per fact type (and the mismatches, if asked)."""
    lines = [f"{'fact type':<22} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>10} {'recall':>8}"]
    for fact_field, score in scores.items():
        lines.append(
            f"{fact_field.value:<22} {score.true_positives:>4} {score.false_positives:>4} "
            f"{score.false_negatives:>4} {score.precision:>10.2f} {score.recall:>8.2f}"
        )
    if details:
        for fact_field, score in scores.items():
            lines += [f"  {fact_field.value}: {miss}" for miss in score.misses]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--labels", type=Path, default=LABELS, help="the labelled set (JSON)")
    parser.add_argument("--details", action="store_true", help="list every mismatch")
    parser.add_argument("--devset", type=Path, default=DEVSET, help="the development set")
    parser.add_argument(
        "--batch", type=int, help="score this batch of the development set only (1 to 10)"
    )
    parser.add_argument(
        "--spoil-held-out",
        action="store_true",
        help="also list the held-out pages' mismatches page by page (spoils the held-out part: "
        "never for whoever tunes the rules)",
    )
    arguments = parser.parse_args(argv)
    spoil = bool(arguments.spoil_held_out)
    if arguments.batch is not None:
        for part, held_out in _BATCH_PARTS:
            title = f"development set, batch {arguments.batch}, {part}"
            _print_devset(arguments.devset, title, held_out, arguments.batch, spoil=spoil)
        return
    for title, subset in (
        ("all labelled pages", None),
        ("development pages (written alongside the extractors)", False),
        ("held-out pages (never used to tune them)", True),
    ):
        print(f"{title}:")
        print(format_scores(measure(arguments.labels, held_out=subset), details=arguments.details))
        print()
    for title, held_out, batch in _DEVSET_PARTS:
        _print_devset(arguments.devset, title, held_out, batch, spoil=spoil)


#: The parts of the development set printed by default: (title, held_out, batch).
_DEVSET_PARTS: tuple[tuple[str, bool, int | None], ...] = (
    ("development set, development part (tuned on)", False, None),
    ("development set, held-out third (only scored)", True, None),
    ("development set, batch 2 (2026-12-02), held-out third", True, 2),
    ("development set, batch 3 (2026-12-02, round 22), held-out third", True, 3),
    ("development set, batch 4 (2026-12-02, round 23), held-out third", True, 4),
    ("development set, batch 5 (2026-12-03, round 24, scored blind), held-out third", True, 5),
    ("development set, batch 6 (2026-12-03, round 25, scored blind), held-out third", True, 6),
    ("development set, batch 7 (2026-12-04, round 26, scored blind), held-out third", True, 7),
    ("development set, batch 8 (2026-12-07, round 27, scored blind), held-out third", True, 8),
    ("development set, batch 9 (2026-12-08, round 28, scored blind), held-out third", True, 9),
    ("development set, batch 10 (2026-12-08, round 28, scored blind), held-out third", True, 10),
)
#: The parts of one batch printed by ``--batch``: (title, held_out).
_BATCH_PARTS: tuple[tuple[str, bool | None], ...] = (
    ("held-out third", True),
    ("development part", False),
    ("all pages", None),
)


def _print_devset(
    devset: Path, title: str, held_out: bool | None, batch: int | None, *, spoil: bool = False
) -> None:
    score = score_devset(devset, held_out=held_out, batch=batch)
    print(f"{title} ({score.pages} pages):")
    print(format_devset(score, spoil_held_out=spoil))
    print()


if __name__ == "__main__":
    main()
