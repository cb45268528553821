"""robots.txt answers read with RFC 9309 semantics."""

from __future__ import annotations

import pytest

from scrapers.fetch.results import FetchError
from scrapers.fetch.robots import rules_from_answer, rules_from_failure
from service.db.models.health import LinkStatus

AGENT = "mobility-catalog/0.1.0 (+https://mobility.example/crawler)"
ROBOTS = b"""User-agent: *
Disallow: /

User-agent: mobility-catalog
Disallow: /intranet/
Crawl-delay: 4
"""


def test_a_2xx_robots_txt_applies_its_group_for_our_product_token() -> None:
    rules = rules_from_answer(200, ROBOTS)
    assert rules.allows("https://aalto.test/en/exchange", AGENT)
    assert not rules.allows("https://aalto.test/intranet/staff", AGENT)
    assert rules.crawl_delay(AGENT) == 4.0


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_a_4xx_robots_txt_allows_everything(status: int) -> None:
    rules = rules_from_answer(status, b"User-agent: *\nDisallow: /\n")
    assert rules.allows("https://aalto.test/anything", AGENT)
    assert rules.crawl_delay(AGENT) is None


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_5xx_or_429_robots_txt_disallows_everything(status: int) -> None:
    rules = rules_from_answer(status, b"")
    assert not rules.allows("https://aalto.test/", AGENT)
    failure = rules.page_failure("https://aalto.test/")
    assert failure.status is LinkStatus.BLOCKED_BY_ROBOTS
    assert f"robots.txt answered {status}" in failure.message


def test_an_unreachable_robots_txt_disallows_and_reports_the_network_failure() -> None:
    rules = rules_from_failure(FetchError(LinkStatus.TIMEOUT, "no complete answer within 30 s"))
    assert not rules.allows("https://aalto.test/", AGENT)
    failure = rules.page_failure("https://aalto.test/")
    assert (failure.status, failure.message) == (
        LinkStatus.TIMEOUT,
        "robots.txt unreachable: no complete answer within 30 s",
    )


def test_a_robots_txt_redirecting_inside_is_a_block_not_an_ssrf_of_the_page() -> None:
    rules = rules_from_failure(FetchError(LinkStatus.SSRF_BLOCKED, "10.0.0.1 is not public"))
    assert rules.page_failure("https://aalto.test/").status is LinkStatus.BLOCKED_BY_ROBOTS


def test_a_utf_8_bom_does_not_hide_the_first_line() -> None:
    rules = rules_from_answer(200, b"\xef\xbb\xbfUser-agent: *\nDisallow: /private\n")
    assert not rules.allows("https://aalto.test/private", AGENT)
