"""Measure each extraction rule's precision on the development part of the development set.

    python -m bench.calibrate

Prints the ``MEASURED`` table of ``scrapers.extract.calibration``: for each (extractor, rule),
how many of its candidates (every fact proposed, kept or not) were labelled facts of their page.
Only the development part is used; the held-out third stays unseen.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from bench.devset import DEVSET, FETCHED_AT, identity_of
from scrapers.extract.pipeline import extract_page


def measure_rules(labels: Path = DEVSET) -> dict[tuple[str, str], tuple[int, int]]:
    """(extractor, rule) → (right, seen) over the candidates of the development part."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    data = json.loads(labels.read_text(encoding="utf-8"))
    for page in data["pages"]:
        if page["held_out"]:
            continue
        html = (labels.parent / page["file"]).read_text(encoding="utf-8")
        expected = {tuple(fact) for fact in page["facts"]}
        for fact in extract_page(html, page["url"], FETCHED_AT).candidates:
            identity = identity_of(fact)
            if not fact.rule or identity is None:
                continue
            tally = counts[(fact.extractor, fact.rule)]
            tally[0] += identity in expected
            tally[1] += 1
    return {rule: (right, seen) for rule, (right, seen) in sorted(counts.items())}


def main() -> None:
    print("MEASURED: dict[tuple[str, str], tuple[int, int]] = {")
    for rule, counts in measure_rules().items():
        print(f"    {rule!r}: {counts!r},")
    print("}")


if __name__ == "__main__":
    main()
