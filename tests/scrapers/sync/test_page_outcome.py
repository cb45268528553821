"""What each fetch result tells reconciliation: an extraction, an unchanged page, or a failure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrapers.extract.facts import PageExtraction
from scrapers.fetch import FetchedPage, FetchResult
from scrapers.reconcile.outcome import FetchFailure, PageUnchanged
from scrapers.sync.school_facts import page_outcome
from service.db.models import LinkStatus
from tests.scrapers.extract.fixture_pages import read_page

CHECKED = datetime(2025, 3, 3, 4, 0, tzinfo=UTC)
LINK = "http://www.aalto.fi/exchange"
FINAL = "https://www.aalto.fi/en/study-at-aalto/incoming-exchange-students"


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

    monkeypatch.setattr("scrapers.sync.school_facts.extract_page", broken)
    outcome = page_outcome(_fetched(LINK, FINAL, "<html><body><p>x</p></body></html>"))
    assert outcome == FetchFailure(
        LINK, "page not read: RecursionError: maximum recursion depth exceeded", finding=True
    )
