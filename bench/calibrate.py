"""Measure each extraction rule's precision on the development part of the development set.

    python -m bench.calibrate

Prints the ``MEASURED`` table of ``scrapers.extract.calibration``: for each (extractor, rule),
how many of its candidates (every fact proposed, kept or not) were labelled facts of their page.
Only the development part is used; the held-out third stays unseen. A batch written blind is
left out (``UNCALIBRATED_BATCHES``) until a round tunes on its development part: its pages then
measure the rules as they were when it was written, and none of it reaches a confidence before
its blind score is taken (decision 0330).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from bench.devset import DEVSET, FETCHED_AT, identity_of
from scrapers.extract.pipeline import extract_page

#: Batches of the development set whose development part no confidence is measured on yet: a
#: batch written blind stays here until a round tunes on it (batches 7 and 8, written in rounds
#: 26 and 27, were tuned on in round 27: decisions 0350 and 0380). Batches 9 and 10 were written
#: and scored blind in round 28 (decisions 0390 and 0393); batch 9's development part was tuned
#: on in round 28 (decisions 0405 and 0415 to 0417), batch 10's is still being tuned on.
UNCALIBRATED_BATCHES: tuple[int, ...] = (10,)


def measure_rules(labels: Path = DEVSET) -> dict[tuple[str, str], tuple[int, int]]:
    """(extractor, rule) → (right, seen) over the candidates of the development part."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    data = json.loads(labels.read_text(encoding="utf-8"))
    for page in data["pages"]:
        if page["held_out"] or page.get("batch", 1) in UNCALIBRATED_BATCHES:
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
