"""CPU of one extraction: a development-set page grown to about 60 KB, read by ``extract_page``.

The page is ``fr01-ensx-venir-en-echange.html`` (menu, breadcrumb, news teasers, footer) with
the content of its ``<main>`` repeated until the page is at least ``--size`` bytes, so that the
cue matching dominates as on a long partner page. Prints the page size and the best and median
process CPU per page over ``--rounds`` rounds of ``--runs`` extractions.

    python -m bench.extraction_cpu [--size 61440] [--runs 10] [--rounds 15]

It imports nothing but ``extract_page``, so the same file measures an older tree too:
``PYTHONPATH=/path/to/old/tree python bench/extraction_cpu.py`` (interleave the two, and note
the machine's load beside the figures: ``docs/benchmarks.md``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from scrapers.extract.pipeline import extract_page

PAGE = (
    Path(__file__).resolve().parent.parent
    / "tests/scrapers/extract/devset/fr01-ensx-venir-en-echange.html"
)
URL = "https://www.ensx.fr/ensx-venir-en-echange"
FETCHED = datetime(2026, 12, 1, tzinfo=UTC)


def grown_page(size: int) -> str:
    """The page with its main content repeated until the whole is at least ``size`` bytes."""
    html = PAGE.read_text(encoding="utf-8")
    head, rest = html.split("<main>", 1)
    content, tail = rest.split("</main>", 1)
    copies = 1
    while len(f"{head}<main>{content * copies}</main>{tail}".encode()) < size:
        copies += 1
    return f"{head}<main>{content * copies}</main>{tail}"


def measure(html: str, runs: int, rounds: int) -> list[float]:
    """CPU seconds per extraction, one figure per round of ``runs`` extractions."""
    extract_page(html, URL, FETCHED)  # warm caches (compiled cues, Babel names)
    figures = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(runs):
            extract_page(html, URL, FETCHED)
        figures.append((time.process_time() - start) / runs)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=61_440)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    html = grown_page(args.size)
    figures = measure(html, args.runs, args.rounds)
    print(
        f"{len(html.encode())} bytes: best {min(figures) * 1000:.1f} ms,"
        f" median {statistics.median(figures) * 1000:.1f} ms per page"
    )


if __name__ == "__main__":
    main()
