"""The machinery of ``bench.sync_vs_scrapy``, small and without Scrapy, so that it cannot rot.

The simulated partner sites (``bench.partner_sites``) are served on loopback, the sync's side of
the comparison crawls them, and its per-page fact counts are checked against the project's
extractor run on the very pages the server sends, as the Scrapy spider's callback runs it; the
comparison of two crawls and the per-round ratios are checked on hand-made figures.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.partner_sites import SiteModel, fill
from bench.sync_sites import seed
from bench.sync_vs_scrapy import crawl_ours, differences, median_ratio, site_urls
from scrapers.extract import extract_page
from scrapers.fetch import MappingResolver
from service.db.models import SyncRunStatus
from tests.databases import migrated_database
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.fixture_server import FixtureServer

TINY = SiteModel(3, pages=2, size=(4_000, 9_000), latency=(0.0, 0.003))


def test_the_sites_are_drawn_the_same_every_time_within_their_ranges() -> None:
    model = SiteModel(20)
    again = SiteModel(20)
    sizes = [len(model.page_html(h, p)) for h in model.hosts() for p in model.paths()]
    assert all(30_000 <= size <= 81_000 for size in sizes)
    assert max(sizes) - min(sizes) > 20_000  # spread over the range, not one size
    assert [model.page_html(h, "/page-1") for h in model.hosts()] == [
        again.page_html(h, "/page-1") for h in again.hosts()
    ]
    latencies = [model.latency_of(h, p) for h in model.hosts() for p in model.paths()]
    assert all(0.05 <= latency <= 0.1 for latency in latencies)
    index = model.page_html(model.hosts()[0], "/").decode()
    assert all(f'href="{path}"' in index for path in model.paths()[1:])


def test_the_politeness_bound_is_a_host_chain_or_the_global_limit() -> None:
    one = SiteModel(1)
    host = one.hosts()[0]
    chain = sum(one.latency_of(host, p) for p in ["/robots.txt", *one.paths()]) + 4 * 1.0
    assert one.politeness_bound(8, 1.0) == pytest.approx(chain)
    many = SiteModel(1000)
    total = sum(many.latency_of(h, p) for h in many.hosts() for p in ["/robots.txt", *many.paths()])
    assert many.politeness_bound(8, 1.0) == pytest.approx(total / 8)
    assert 40 < many.politeness_bound(8, 1.0) < 55  # 5,000 requests at 75 ms on average, 8 slots


def test_ratios_are_medians_of_rounds_and_crawls_are_compared_page_by_page() -> None:
    assert median_ratio([(30.0, 20.0), (10.0, 20.0), (20.0, 10.0)]) == 1.5
    assert math.isnan(median_ratio([(1.0, 0.0)]))
    expected = ["http://a.test/", "http://a.test/page-0"]
    same = {"http://a.test/": 3, "http://a.test/page-0": 0}
    assert differences(expected, same, dict(same)) == []
    assert differences(expected, same, {"http://a.test/": 2, "http://b.test/": 1}) == [
        "http://a.test/: 3 facts (ours) against 2 (Scrapy)",
        "http://a.test/page-0: not extracted by Scrapy",
        "http://b.test/: fetched but not a link of the catalogue",
    ]


async def test_our_crawl_extracts_what_the_extractor_reads_from_every_served_page(
    tmp_path: Path,
) -> None:
    async with (
        FixtureServer(latency=TINY.request_latency) as web,
        migrated_database("sqlite", tmp_path) as db,
    ):
        fill(web, TINY)
        settings = db.settings.model_copy(update={"sync_extract_processes": 1})
        await seed(settings, site_urls(TINY, web.port), TINY.names())
        policy = replace(LOOPBACK_POLICY, concurrency=2, host_delay=0.01)
        resolver = MappingResolver({host: ["127.0.0.1"] for host in TINY.hosts()})
        crawl, cold, again, _ = await crawl_ours(settings, policy, resolver, rerun=True)
        asked_robots = {r.host for r in web.requests if r.path == "/robots.txt"}
    assert asked_robots == set(TINY.hosts())
    assert cold.report.status is SyncRunStatus.OK
    # What the spider's callback computes for each page: the extractor on the page as served.
    now = datetime.now(UTC)
    expected = {
        url: len(extract_page(TINY.page_html(host, path).decode(), url, now).facts)
        for host, urls in zip(TINY.hosts(), site_urls(TINY, web.port), strict=True)
        for path, url in zip(TINY.paths(), urls, strict=True)
    }
    assert sum(expected.values()) > 0  # the development pages hold facts
    assert differences(list(expected), crawl.facts, expected) == []
    assert crawl.pages_per_second > 0
    # The unchanged re-run answered 304 everywhere: nothing to extract.
    assert again is not None
    assert again.not_modified == len(expected)
