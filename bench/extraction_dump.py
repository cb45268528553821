"""Every candidate fact and text block of a fixed set of pages, a JSON line each: a golden check.

A change to how pages are read that must not change what is read (a faster tree, decision 0280)
is checked by dumping both trees and comparing the files line by line:

    (cd /path/to/old/tree && python -m bench.extraction_dump > /tmp/old.jsonl)
    python -m bench.extraction_dump > /tmp/new.jsonl
    python -m bench.extraction_dump --compare /tmp/old.jsonl /tmp/new.jsonl

The pages: the development set (``tests/scrapers/extract/devset``), the labelled fixture pages
(``tests/scrapers/extract/pages``), ``bench.extraction_cpu``'s 60 KB page, and the realistic
partner pages ``bench.sync_vs_scrapy`` serves (``--sites`` sites of ``bench.partner_sites``: a
development page under a mega-menu, scripts, styles and icons). For each page: every candidate
(field, key, value, snippet, extractor, confidence, rule), the kept facts, the problems, and
every text block the extractors read (text, headings, lead-in, headers, main, footer, links).
It imports only modules both trees have, so the file runs unchanged on an older tree.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, is_dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench.extraction_cpu import URL as CPU_URL
from bench.extraction_cpu import grown_page
from bench.partner_sites import SiteModel
from scrapers.extract import pipeline
from scrapers.extract.blocks import TextBlock
from scrapers.extract.facts import ExtractedFact
from scrapers.extract.pipeline import extract_page
from scrapers.sites import adapter_for

ROOT = Path(__file__).resolve().parent.parent
FETCHED = datetime(2026, 12, 1, tzinfo=UTC)


def pages(sites: int) -> Iterator[tuple[str, str, str]]:
    """(name, URL, HTML) of every page of the check."""
    known = {"aalto": "www.aalto.fi", "ensimag": "ensimag.grenoble-inp.fr"}
    for folder in ("devset", "pages"):
        for file in sorted((ROOT / "tests/scrapers/extract" / folder).glob("*.html")):
            # A host of its own per page; the site adapters' pages on their adapters' hosts.
            site = file.stem.split("-")[0]
            url = f"https://{known.get(site, f'www.{site}.example')}/{file.stem}"
            yield f"{folder}/{file.name}", url, file.read_text(encoding="utf-8")
    yield "extraction_cpu", CPU_URL, grown_page(61_440)
    model = SiteModel(sites)
    for host in model.hosts():
        for path in model.paths():
            yield (
                f"partner/{host}{path}",
                f"http://{host}{path}",
                model.page_html(host, path).decode(),
            )


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return {"type": type(value).__name__, **asdict(value)}
    return str(value)


def _blocks(html: str, url: str) -> list[dict[str, object]]:
    """The text blocks ``extract_page`` reads, caught on their way to the first parser."""
    caught: list[list[dict[str, object]]] = []

    def catch(blocks: Sequence[TextBlock], page: object) -> list[ExtractedFact]:
        caught.append([asdict(block) for block in blocks])
        return []

    chosen = adapter_for(urlsplit(url).hostname)
    parsers = dict.fromkeys(pipeline.GENERIC_PARSERS, catch)
    extract_page(html, url, FETCHED, adapter=replace(chosen, parsers=parsers))
    return caught[0]


def dump(sites: int) -> Iterator[str]:
    for name, url, html in pages(sites):
        extraction = extract_page(html, url, FETCHED)
        record = {
            "page": name,
            "adapter": extraction.adapter,
            "problems": list(extraction.problems),
            "facts": [
                json.dumps(fact, default=_plain, sort_keys=True)
                for fact in [asdict(f) for f in extraction.facts]
            ],
            "candidates": [
                json.dumps(asdict(f), default=_plain, sort_keys=True) for f in extraction.candidates
            ],
            "blocks": [json.dumps(b, sort_keys=True) for b in _blocks(html, url)],
        }
        yield json.dumps(record, ensure_ascii=False, sort_keys=True)


def compare(old: Path, new: Path) -> int:
    """Print the pages whose dump differs; 0 when every page is identical."""
    before = [json.loads(line) for line in old.read_text(encoding="utf-8").splitlines()]
    after = [json.loads(line) for line in new.read_text(encoding="utf-8").splitlines()]
    differ = 0
    if [r["page"] for r in before] != [r["page"] for r in after]:
        print("the two dumps hold different pages")
        return 1
    for one, two in zip(before, after, strict=True):
        for part in ("adapter", "problems", "facts", "candidates", "blocks"):
            if one[part] != two[part]:
                differ += 1
                print(f"{one['page']}: {part} differ")
                if isinstance(one[part], list):
                    for a, b in zip(one[part], two[part], strict=False):
                        if a != b:
                            print(f"  - {a}\n  + {b}")
                            break
                    if len(one[part]) != len(two[part]):
                        print(f"  {len(one[part])} against {len(two[part])}")
    pages_, facts = len(before), sum(len(r["candidates"]) for r in before)
    blocks = sum(len(r["blocks"]) for r in before)
    print(f"{pages_} pages, {facts} candidates, {blocks} blocks: {differ} differences")
    return 1 if differ else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50, help="partner sites (4 pages each)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"))
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    for line in dump(args.sites):
        print(line)


if __name__ == "__main__":
    main()
