"""The fetcher against the fault catalogue, over real HTTP on loopback (no database)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from scrapers.fetch.fetcher import Fetcher
from scrapers.fetch.resolve import MappingResolver
from scrapers.fetch.results import FetchResult, Hop
from service.db.models.health import LinkStatus
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.faults import CP1252_TEXT, INTERNAL_NAMES, PAGE, Fault, fault_catalogue
from tests.scrapers.fixture_server import Canary, FixtureServer

FAULTS = fault_catalogue()


@dataclass(frozen=True, slots=True)
class CatalogueRun:
    web: FixtureServer
    canary: Canary
    results: dict[str, FetchResult]


@pytest.fixture(scope="module")
async def run() -> AsyncIterator[CatalogueRun]:
    """Every fault fetched once, concurrently, by one fetcher."""
    async with FixtureServer() as web, Canary() as canary:
        for fault in FAULTS:
            fault.healthy(web)
            fault.install(web, canary)
        table = {f.host: ["127.0.0.1"] for f in FAULTS if not f.unresolvable}
        resolver = MappingResolver(table | INTERNAL_NAMES)
        async with Fetcher(LOOPBACK_POLICY, resolver=resolver) as fetcher:
            results = await asyncio.gather(*(fetcher.fetch(f.url(web)) for f in FAULTS))
        yield CatalogueRun(web, canary, {f.name: r for f, r in zip(FAULTS, results, strict=True)})


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_each_fault_records_its_status(run: CatalogueRun, fault: Fault) -> None:
    result = run.results[fault.name]
    assert result.status is fault.expected, result.error
    if fault.error is None:
        assert result.error is None
    else:
        assert result.error is not None
        assert fault.error in result.error


def test_no_request_reaches_a_forbidden_path_or_a_non_public_address(run: CatalogueRun) -> None:
    assert run.canary.hits == 0
    assert run.web.forbidden_hits == []


def test_every_request_names_the_crawler_and_accepts_only_bounded_encodings(
    run: CatalogueRun,
) -> None:
    agents = {r.headers.get("user-agent") for r in run.web.requests}
    assert agents == {"mobility-catalog/0.1.0 (+https://mobility.example/crawler)"}
    assert {r.headers.get("accept-encoding") for r in run.web.requests} == {"gzip, deflate"}


def test_robots_txt_is_fetched_once_per_host(run: CatalogueRun) -> None:
    for fault in FAULTS:
        if fault.unresolvable or fault.name == "robots-5xx":
            continue
        assert len(run.web.requests_for(fault.host, "/robots.txt")) == 1, fault.name
    # A 5xx robots.txt is retried like a page before everything is disallowed.
    assert len(run.web.requests_for("robots-5xx.test", "/robots.txt")) == 3


def test_only_retryable_failures_are_retried(run: CatalogueRun) -> None:
    def hits(name: str) -> int:
        return len(run.web.requests_for(f"{name}.test", PAGE))

    assert hits("server-error") == 3  # 500: first try and two retries
    assert hits("busy") == 2  # 429 with Retry-After: 1, then 200
    assert hits("busy-long") == 1  # Retry-After beyond the cap: deferred, not waited for
    assert hits("missing") == 1
    assert hits("gone") == 1
    assert hits("hang") == 1  # a timeout is not retried


def test_a_redirect_is_followed_and_its_chain_recorded(run: CatalogueRun) -> None:
    result = run.results["moved"]
    port = run.web.port
    assert result.redirects == (Hop(f"http://moved.test:{port}/page", 301),)
    assert result.final_url == f"http://moved.test:{port}/nouvelle-page"
    assert result.page is not None
    assert result.page.final_url == result.final_url


@pytest.mark.parametrize(
    ("name", "encoding", "source"),
    [
        ("wrong-charset", "windows-1252", "header"),
        ("no-charset", "windows-1252", "detected"),
    ],
)
def test_windows_1252_text_comes_out_right_whatever_the_label(
    run: CatalogueRun, name: str, encoding: str, source: str
) -> None:
    page = run.results[name].page
    assert page is not None
    assert (page.text, page.encoding, page.encoding_source) == (CP1252_TEXT, encoding, source)


def test_a_byte_order_mark_wins_over_the_header(run: CatalogueRun) -> None:
    page = run.results["bom"].page
    assert page is not None
    assert (page.text, page.encoding, page.encoding_source) == (
        "Bourse de mobilité",
        "UTF-8",
        "bom",
    )


def test_stored_text_holds_no_replacement_or_c1_characters(run: CatalogueRun) -> None:
    pages = [r.page for r in run.results.values() if r.page is not None]
    assert len(pages) == 6
    for page in pages:
        assert "\ufffd" not in page.text
        assert not any(0x80 <= ord(char) <= 0x9F for char in page.text)


def test_the_deadline_covers_the_whole_page_not_each_read(run: CatalogueRun) -> None:
    # The trickle sends a byte every 100 ms, well within the per-read timeout; only a deadline on
    # the whole page stops it (it would take 19 s to finish).
    result = run.results["trickle"]
    assert result.status is LinkStatus.TIMEOUT
    assert result.http_status is None
    assert len(run.web.requests_for("trickle.test", PAGE)) == 1
