"""The Scrapy side of ``bench.sync_vs_scrapy``: one crawl of the simulated sites, in a process.

Run by the benchmark with the project's interpreter, Scrapy importable from a temporary virtual
environment (``--site-packages``, appended to ``sys.path`` so that the project's own packages,
lxml and BeautifulSoup included, are the ones the extractor uses). It is never imported by the
project or its tests: Scrapy is a benchmark-only tool, installed from PyPI at benchmark time.

The spider is given the URLs the sync would visit (every site's index and pages, in the order of
the catalogue's links) and crawls them with the politeness of ``mobility sync``: robots.txt
obeyed, one request at a time per host (``CONCURRENT_REQUESTS_PER_DOMAIN = 1``), a fixed
``DOWNLOAD_DELAY`` between two requests to a host (not randomised, no AutoThrottle), the same
global concurrency, no retries or cookies, and the scheduler Scrapy's documentation recommends for
broad crawls (``DownloaderAwarePriorityQueue``). Each page goes through the project's
``extract_page`` in the spider's callback, as a Scrapy project would call its extractor. Host names
resolve to 127.0.0.1, as the sync's ``MappingResolver`` does. Writes a JSON report: wall and CPU
time of the crawl, and the facts extracted from each URL.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def crawl(urls: list[str], *, concurrency: int, delay: float) -> dict[str, Any]:
    """Crawl ``urls`` with Scrapy and the project's extractor; what was fetched and extracted."""
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.http import Response
    from scrapy.resolver import CachingThreadedResolver
    from twisted.internet import defer

    from scrapers.extract import extract_page

    facts: dict[str, int] = {}
    statuses: dict[str, int] = {}
    failures: list[str] = []

    class LoopbackResolver(CachingThreadedResolver):
        """Every simulated host is on loopback."""

        def getHostByName(self, name: str, timeout: Any = ()) -> Any:  # noqa: N802 (Twisted's)
            return defer.succeed("127.0.0.1")

    class PartnerSpider(Spider):
        name = "partners"

        async def start(self) -> AsyncIterator[Any]:
            for url in urls:
                yield Request(url, callback=self.parse, errback=self.failed, dont_filter=True)

        def parse(self, response: Response) -> None:
            key = str(response.request.url)
            statuses[str(response.status)] = statuses.get(str(response.status), 0) + 1
            extraction = extract_page(
                response.text, response.url, datetime.now(UTC), requested_url=key
            )
            facts[key] = len(extraction.facts)

        def failed(self, failure: Any) -> None:
            failures.append(f"{failure.request.url}: {failure.value!r}")

    process = CrawlerProcess(
        settings={
            "ROBOTSTXT_OBEY": True,
            "CONCURRENT_REQUESTS": concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
            "DOWNLOAD_DELAY": delay,
            "DOWNLOAD_DELAY_JITTER": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
            "TWISTED_DNS_RESOLVER": LoopbackResolver,
            "RETRY_ENABLED": False,
            "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False,
            "HTTPCACHE_ENABLED": False,
            "DOWNLOAD_TIMEOUT": 30,
            "LOG_LEVEL": "WARNING",
            "REMOTE_CONTROL_ENABLED": False,
            "USER_AGENT": "mobility-catalog-bench (+https://mobility.example/bench)",
        },
    )
    process.crawl(PartnerSpider)
    started, cpu = time.perf_counter(), _cpu_seconds()
    process.start()
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu
    import scrapy

    return {
        "scrapy": scrapy.__version__,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "facts": facts,
        "statuses": statuses,
        "failures": failures,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--site-packages", required=True, help="where Scrapy is installed")
    parser.add_argument("--urls", type=Path, help="file of the URLs to crawl, one a line")
    parser.add_argument("--out", type=Path, help="where the JSON report goes")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--delay", type=float, default=1.0)
    parser.add_argument("--check", action="store_true", help="print Scrapy's version and exit")
    args = parser.parse_args()
    sys.path.append(args.site_packages)
    if args.check:
        import scrapy

        print(scrapy.__version__)
        return
    urls = args.urls.read_text().split()
    report = crawl(urls, concurrency=args.concurrency, delay=args.delay)
    args.out.write_text(json.dumps(report))


if __name__ == "__main__":
    main()
