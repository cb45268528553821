"""CPU of one extraction: a development-set page grown to about 60 KB, read by ``extract_page``.

The page is ``fr01-ensx-venir-en-echange.html`` (menu, breadcrumb, news teasers, footer) with
the content of its ``<main>`` repeated until the page is at least ``--size`` bytes, so that the
cue matching dominates as on a long partner page. Prints the page size and the best and median
process CPU per page over ``--rounds`` rounds of ``--runs`` extractions.

    python -m bench.extraction_cpu [--size 61440] [--runs 10] [--rounds 15]
    python -m bench.extraction_cpu --partner-sites 40 [--rounds 15]

``--partner-sites N`` measures instead the pages ``bench.sync_vs_scrapy`` serves: the index and
three pages of each of ``N`` sites of ``bench.partner_sites`` (a development page under a
mega-menu, scripts, styles and icons, 30 to 80 KB), the CPU per page averaged over all of them
in each round.

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


def partner_pages(sites: int) -> list[tuple[str, str]]:
    """(URL, HTML) of every page of ``sites`` simulated partner sites."""
    from bench.partner_sites import SiteModel

    model = SiteModel(sites)
    return [
        (f"http://{host}{path}", model.page_html(host, path).decode())
        for host in model.hosts()
        for path in model.paths()
    ]


def measure(pages: list[tuple[str, str]], runs: int, rounds: int) -> list[float]:
    """CPU seconds per extraction, one figure per round of ``runs`` passes over ``pages``."""
    for url, html in pages:
        extract_page(html, url, FETCHED)  # warm caches (compiled cues, Babel names)
    figures = []
    for _ in range(rounds):
        start = time.process_time()
        for _ in range(runs):
            for url, html in pages:
                extract_page(html, url, FETCHED)
        figures.append((time.process_time() - start) / runs / len(pages))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=61_440)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--partner-sites", type=int, default=0, metavar="N")
    args = parser.parse_args()
    if args.partner_sites:
        pages = partner_pages(args.partner_sites)
        runs = 1
    else:
        pages = [(URL, grown_page(args.size))]
        runs = args.runs
    figures = measure(pages, runs, args.rounds)
    size = sum(len(html.encode()) for _, html in pages) / len(pages)
    print(
        f"{len(pages)} page(s) of {size:.0f} bytes on average: best {min(figures) * 1000:.2f} ms,"
        f" median {statistics.median(figures) * 1000:.2f} ms per page"
    )


if __name__ == "__main__":
    main()
