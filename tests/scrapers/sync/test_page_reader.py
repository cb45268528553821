"""What each fetch result tells reconciliation: an extraction, an unchanged page, or a failure;
and the pool of processes that extracts a run's pages: the same outcomes, and a dead process
costs its page, not the run."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest

from scrapers.extract.facts import PageExtraction
from scrapers.fetch import FetchedPage, FetchResult
from scrapers.reconcile.outcome import FetchFailure, PageUnchanged
from scrapers.sync.page_reader import PageReader, extraction_processes, page_outcome
from service.config import Settings
from service.db.models import LinkStatus
from tests.scrapers.extract.fixture_pages import read_page
from tests.scrapers.sync.crashing_reader import KILLER, read_or_die

CHECKED = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)
LINK = "http://www.aalto.fi/exchange"
FINAL = "https://www.aalto.fi/en/study-at-aalto/incoming-exchange-students"
PAGES = {
    "https://www.aalto.fi/en/study-at-aalto/incoming-exchange-students": (
        "aalto-incoming-exchange-en"
    ),
    "https://ensimag.grenoble-inp.fr/fr/international/venir-en-echange-a-l-ensimag": (
        "ensimag-venir-en-echange-fr"
    ),
    "https://www.unical.it/portale/international/incoming/": "unical-incoming-students-it",
}


def _fetched(url: str, final_url: str, html: str) -> FetchResult:
    page = FetchedPage(
        url=url,
        final_url=final_url,
        status=200,
        headers={},
        text=html,
        encoding="UTF-8",
        encoding_source="header",
        fetched_at=CHECKED,
    )
    return FetchResult(url, LinkStatus.REDIRECTED, CHECKED, 200, final_url, page=page)


def test_a_page_fetched_in_full_is_extracted_with_the_adapter_of_its_final_host() -> None:
    outcome = page_outcome(_fetched(LINK, FINAL, read_page("aalto-incoming-exchange-en")))
    assert isinstance(outcome, PageExtraction)
    assert (outcome.url, outcome.requested_url, outcome.fetched_at) == (FINAL, LINK, CHECKED)
    assert outcome.adapter == "aalto"
    deadlines = {fact.key: fact.extractor for fact in outcome.facts if fact.field == "deadline"}
    assert deadlines["application/autumn"] == "aalto/deadlines"


def test_a_not_modified_answer_is_an_unchanged_page_at_the_address_that_answered() -> None:
    result = FetchResult(
        LINK, LinkStatus.REDIRECTED, CHECKED, 304, FINAL, not_modified=True, etag='"a1"'
    )
    assert page_outcome(result) == PageUnchanged(FINAL, CHECKED)


@pytest.mark.parametrize(
    ("status", "error", "finding"),
    [
        (LinkStatus.BROKEN, "HTTP 404 Not Found", False),
        (LinkStatus.GONE, "410 Gone", False),
        (LinkStatus.TIMEOUT, "no complete answer within 20 s", False),
        (LinkStatus.DNS_ERROR, "no address for www.aalto.fi", False),
        (LinkStatus.SSRF_BLOCKED, "10.0.0.1 is not a public address", False),
        (LinkStatus.DEFERRED, "Retry-After 3600 s: deferred to the next run", False),
        (LinkStatus.BLOCKED_BY_ROBOTS, "robots.txt disallows it", True),
        (LinkStatus.UNSUPPORTED_CONTENT, "application/pdf is not HTML", True),
    ],
)
def test_a_failure_raises_a_finding_only_where_the_link_health_does_not(
    status: LinkStatus, error: str, finding: bool
) -> None:
    result = FetchResult(LINK, status, CHECKED, error=error)
    assert page_outcome(result) == FetchFailure(LINK, f"{status.value}: {error}", finding=finding)


def test_a_page_whose_extraction_raises_is_a_failure_that_stales_its_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fault injection: no page is known to break the extractors any more (deep pages were the
    # last, see tests/scrapers/extract/test_deep_pages.py); the guard must hold for the next.
    def broken(*args: object, **kwargs: object) -> PageExtraction:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("scrapers.sync.page_reader.extract_page", broken)
    outcome = page_outcome(_fetched(LINK, FINAL, "<html><body><p>x</p></body></html>"))
    assert outcome == FetchFailure(
        LINK, "page not read: RecursionError: maximum recursion depth exceeded", finding=True
    )


def _results() -> list[FetchResult]:
    pages = [_fetched(url, url, read_page(name)) for url, name in PAGES.items()]
    unchanged = FetchResult(
        "https://www.aalto.fi/", LinkStatus.OK, CHECKED, 304, not_modified=True, etag='"a"'
    )
    failed = FetchResult("https://www.unical.it/x", LinkStatus.BROKEN, CHECKED, error="HTTP 404")
    return [*pages, unchanged, failed]


async def test_a_pool_of_processes_reads_what_the_run_s_own_process_reads() -> None:
    results = _results()
    reader = PageReader(2)
    try:
        pooled = await reader.outcomes(results)
    finally:
        reader.close()
    assert pooled == [page_outcome(result) for result in results]
    assert [type(outcome) for outcome in pooled] == [
        PageExtraction,
        PageExtraction,
        PageExtraction,
        PageUnchanged,
        FetchFailure,
    ]
    assert all(outcome.facts for outcome in pooled[:3] if isinstance(outcome, PageExtraction))


@pytest.mark.long
async def test_a_dead_extraction_process_is_its_page_s_failure_and_the_pool_goes_on() -> None:
    killer_url = "https://www.example.edu/killer"
    killer = _fetched(killer_url, killer_url, f"<html><body>{KILLER}</body></html>")
    results = _results()
    reader = PageReader(2, read=read_or_die)
    try:
        outcomes = await reader.outcomes([killer, *results])
        after = await reader.outcomes(results[:1])
    finally:
        reader.close()
    assert outcomes[0] == FetchFailure(
        "https://www.example.edu/killer",
        "page not read: its extraction process died (BrokenProcessPool)",
    )
    # The pages in flight beside it were read again in a new pool, and the pool serves on.
    assert outcomes[1:] == [page_outcome(result) for result in results]
    assert after == [page_outcome(results[0])]


async def test_one_process_reads_in_a_thread_of_the_run_s_own_process() -> None:
    reader = PageReader(1, read=read_or_die)
    try:
        [outcome] = await reader.outcomes(_results()[:1])
    finally:
        reader.close()
    assert outcome == page_outcome(_results()[0])
    assert reader.processes == 1


@pytest.mark.parametrize(("configured", "expected"), [(0, 0), (1, 1), (3, 3)])
def test_the_setting_chooses_the_processes(configured: int, expected: int) -> None:
    settings = Settings(_env_file=None, sync_extract_processes=configured)
    assert extraction_processes(settings) == expected


def test_unset_means_one_process_per_core_the_run_may_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYNC_EXTRACT_PROCESSES", raising=False)
    assert extraction_processes(Settings(_env_file=None)) == len(os.sched_getaffinity(0))
