"""The fetcher's guarantees one by one: address guard, pinning, TLS, politeness, validators."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from ipaddress import ip_address, ip_network
from itertools import pairwise

import httpcore
import pytest
import trustme

from scrapers.fetch.fetcher import Fetcher
from scrapers.fetch.resolve import MappingResolver
from scrapers.fetch.results import Validators
from scrapers.fetch.transport import PinnedBackend
from service.addresses import IPAddress
from service.db.models.health import LinkStatus
from tests.scrapers.conftest import LOOPBACK_POLICY, client_context, server_context
from tests.scrapers.faults import TEST_POLICY, healthy_html, redirect
from tests.scrapers.fixture_server import Canary, FixtureServer, Page

HTML = healthy_html("Aalto")


def on_loopback(*hosts: str) -> MappingResolver:
    return MappingResolver({host: ["127.0.0.1"] for host in hosts})


async def test_loopback_is_refused_when_the_allowlist_is_empty(web: FixtureServer) -> None:
    web.site("aalto.test").page("/", HTML)
    async with Fetcher(TEST_POLICY, resolver=on_loopback("aalto.test")) as fetcher:
        by_name = await fetcher.fetch(web.url("aalto.test"))
        by_address = await fetcher.fetch(f"http://127.0.0.1:{web.port}/")
    assert by_name.status is LinkStatus.SSRF_BLOCKED
    assert by_name.error == (
        "aalto.test resolves to 127.0.0.1, which is not a public address (loopback): nothing sent"
    )
    assert by_address.status is LinkStatus.SSRF_BLOCKED
    assert web.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://0251.0376.0251/",
        "http://0xa9fea9fe/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[2002:a9fe:a9fe::1]/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "http://0/",
    ],
)
async def test_metadata_and_private_addresses_are_refused_in_any_notation(url: str) -> None:
    async with Fetcher(LOOPBACK_POLICY, resolver=MappingResolver({})) as fetcher:
        result = await fetcher.fetch(url)
    assert result.status is LinkStatus.SSRF_BLOCKED
    assert result.error is not None
    assert result.error.endswith("nothing sent")


async def test_a_name_with_one_private_address_among_public_ones_is_refused(
    web: FixtureServer, canary: Canary
) -> None:
    web.site("mixed.test").page("/", HTML)
    resolver = MappingResolver({"mixed.test": ["127.0.0.1", "127.0.0.2"]})
    async with Fetcher(LOOPBACK_POLICY, resolver=resolver) as fetcher:
        result = await fetcher.fetch(web.url("mixed.test"))
    assert result.status is LinkStatus.SSRF_BLOCKED
    assert (web.requests, canary.hits) == ([], 0)


class RebindingResolver:
    """Answers with the fixture server first, then with the canary: DNS rebinding."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, host: str, port: int) -> Sequence[IPAddress]:
        self.calls += 1
        return [ip_address("127.0.0.1" if self.calls == 1 else "127.0.0.2")]


async def test_a_second_dns_answer_cannot_swap_the_validated_address(
    web: FixtureServer, canary: Canary
) -> None:
    web.site("rebind.test").page("/one", HTML).page("/two", HTML)
    resolver = RebindingResolver()
    # The canary listens on the same port number as the server would be reached on.
    async with Fetcher(LOOPBACK_POLICY, resolver=resolver) as fetcher:
        one = await fetcher.fetch(web.url("rebind.test", "/one"))
        two = await fetcher.fetch(web.url("rebind.test", "/two"))
    assert (one.status, two.status) == (LinkStatus.OK, LinkStatus.OK)
    assert resolver.calls == 1
    assert [r.path for r in web.requests_for("rebind.test")] == ["/robots.txt", "/one", "/two"]
    assert canary.hits == 0


async def test_the_transport_refuses_a_host_that_was_not_validated() -> None:
    backend = PinnedBackend({("aalto.test", 80): (ip_address("127.0.0.1"),)})
    with pytest.raises(httpcore.ConnectError, match="not validated"):
        await backend.connect_tcp("other.test", 80)
    with pytest.raises(httpcore.ConnectError, match="not validated"):
        await backend.connect_tcp("aalto.test", 8080)


async def test_every_validated_address_is_tried_in_order(web: FixtureServer) -> None:
    # Nothing listens on 127.0.0.3: the connection falls back to the next address of the answer.
    web.site("aalto.test").page("/", HTML)
    policy = replace(LOOPBACK_POLICY, allowed_networks=(ip_network("127.0.0.0/30"),))
    resolver = MappingResolver({"aalto.test": ["127.0.0.3", "127.0.0.1"]})
    async with Fetcher(policy, resolver=resolver) as fetcher:
        result = await fetcher.fetch(web.url("aalto.test"))
    assert (result.status, result.http_status) == (LinkStatus.OK, 200)


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://aalto.test/file", "only http and https URLs are fetched, not ftp"),
        ("file:///etc/passwd", "only http and https URLs are fetched, not file"),
        ("http://user:secret@aalto.test/", "URLs with credentials are not fetched"),
        ("http://a.1/", "'a.1' is neither a host name nor an IPv4 address"),
        (
            "http://0251.0376.0251.0376/",
            "not a valid URL: Invalid IPv4 address: '0251.0376.0251.0376'",
        ),
    ],
)
async def test_only_plain_http_and_https_urls_are_fetched(url: str, error: str) -> None:
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("aalto.test")) as fetcher:
        result = await fetcher.fetch(url)
    assert (result.status, result.error) == (LinkStatus.BROKEN, error)


async def test_a_redirect_to_another_scheme_is_not_followed(web: FixtureServer) -> None:
    web.site("aalto.test").route("/", redirect("file:///etc/passwd"))
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("aalto.test")) as fetcher:
        result = await fetcher.fetch(web.url("aalto.test"))
    assert result.status is LinkStatus.BROKEN
    assert result.error == "only http and https URLs are fetched, not file"


async def test_cookies_are_never_sent_back(web: FixtureServer) -> None:
    cookie = (("Set-Cookie", "session=abc; Path=/"),)
    web.site("aalto.test").page("/", HTML, headers=cookie).page("/next", HTML)
    web.site("sherbrooke.test").page("/", HTML)
    hosts = on_loopback("aalto.test", "sherbrooke.test")
    async with Fetcher(LOOPBACK_POLICY, resolver=hosts) as fetcher:
        await fetcher.fetch(web.url("aalto.test"))
        await fetcher.fetch(web.url("aalto.test", "/next"))
        await fetcher.fetch(web.url("sherbrooke.test"))
    assert [r.headers.get("cookie") for r in web.requests] == [None] * len(web.requests)


async def test_known_validators_turn_an_unchanged_page_into_a_304(web: FixtureServer) -> None:
    web.site("aalto.test").page(
        "/", HTML, etag='"v1"', last_modified="Mon, 02 Mar 2020 10:00:00 GMT"
    )
    url = web.url("aalto.test")
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("aalto.test")) as fetcher:
        first = await fetcher.fetch(url)
        second = await fetcher.fetch(url, Validators(url, first.etag, first.last_modified))
        elsewhere = await fetcher.fetch(url, Validators(url + "other", '"v1"'))
    assert (first.status, first.http_status, first.not_modified) == (LinkStatus.OK, 200, False)
    assert (first.etag, first.last_modified) == ('"v1"', "Mon, 02 Mar 2020 10:00:00 GMT")
    assert (second.status, second.http_status, second.not_modified) == (LinkStatus.OK, 304, True)
    assert second.page is None
    # Validators of another URL are not sent.
    assert (elsewhere.http_status, elsewhere.not_modified) == (200, False)


async def test_requests_to_a_host_are_spaced_by_its_crawl_delay(web: FixtureServer) -> None:
    site = web.site("slow.test").robots("User-agent: *\nCrawl-delay: 0.3\n")
    for path in ("/a", "/b", "/c"):
        site.page(path, HTML)
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("slow.test")) as fetcher:
        results = [await fetcher.fetch(web.url("slow.test", path)) for path in ("/a", "/b", "/c")]
        assert fetcher.scheduler.delay_for("slow.test") == 0.3
    assert {r.status for r in results} == {LinkStatus.OK}
    arrivals = [r.received_at for r in web.requests_for("slow.test")]
    assert [r.path for r in web.requests_for("slow.test")] == ["/robots.txt", "/a", "/b", "/c"]
    # A lower bound only: the delay is a minimum, never a promise of speed.
    assert all(later - earlier >= 0.29 for earlier, later in pairwise(arrivals))


async def test_a_crawl_delay_above_the_cap_is_capped(web: FixtureServer) -> None:
    web.site("slow.test").robots("User-agent: *\nCrawl-delay: 3600\n").page("/", HTML)
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("slow.test")) as fetcher:
        await fetcher.fetch(web.url("slow.test"))
        assert fetcher.scheduler.delay_for("slow.test") == LOOPBACK_POLICY.crawl_delay_cap


async def test_a_long_retry_after_defers_the_rest_of_the_host(web: FixtureServer) -> None:
    busy = (("Retry-After", "7200"),)
    web.site("busy.test").route("/a", Page(b"", status=503, headers=busy)).page("/b", HTML)
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("busy.test")) as fetcher:
        first = await fetcher.fetch(web.url("busy.test", "/a"))
        second = await fetcher.fetch(web.url("busy.test", "/b"))
    assert (first.status, first.http_status) == (LinkStatus.DEFERRED, 503)
    assert second.status is LinkStatus.DEFERRED
    assert second.error is not None
    assert "asked for 7200 s of quiet" in second.error
    assert [r.path for r in web.requests_for("busy.test")] == ["/robots.txt", "/a"]


async def test_a_retry_after_http_date_is_understood(web: FixtureServer) -> None:
    later = (("Retry-After", "Fri, 31 Dec 2100 23:59:59 GMT"),)
    web.site("busy.test").route("/", Page(b"", status=429, headers=later))
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("busy.test")) as fetcher:
        result = await fetcher.fetch(web.url("busy.test"))
    assert result.status is LinkStatus.DEFERRED
    assert len(web.requests_for("busy.test", "/")) == 1


async def test_a_refused_connection_is_retried_then_broken() -> None:
    # Port 9 (discard) has no listener on loopback: every attempt is refused.
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("down.test")) as fetcher:
        result = await fetcher.fetch("http://down.test:9/")
    assert result.status is LinkStatus.BROKEN
    assert result.error is not None
    assert result.error.startswith("robots.txt unreachable: ")
    assert result.error.endswith("(2 retries)")


@pytest.fixture
async def secure_web(authority: trustme.CA) -> AsyncIterator[FixtureServer]:
    async with FixtureServer(tls=server_context(authority, "secure.test")) as server:
        yield server


async def test_https_checks_the_certificate_against_the_host_name_not_the_address(
    authority: trustme.CA, secure_web: FixtureServer
) -> None:
    secure_web.site("secure.test").page("/", HTML)
    secure_web.site("impostor.test").page("/", HTML)
    resolver = on_loopback("secure.test", "impostor.test")
    context = client_context(authority)
    async with Fetcher(LOOPBACK_POLICY, resolver=resolver, ssl_context=context) as fetcher:
        good = await fetcher.fetch(secure_web.url("secure.test"))
        bad = await fetcher.fetch(secure_web.url("impostor.test"))
    assert (good.status, good.http_status) == (LinkStatus.OK, 200)
    assert bad.status is LinkStatus.TLS_ERROR
    assert bad.error is not None
    assert "certificate verify failed" in bad.error
    assert secure_web.requests_for("impostor.test") == []


async def test_an_untrusted_certificate_is_a_tls_error(secure_web: FixtureServer) -> None:
    secure_web.site("secure.test").page("/", HTML)
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("secure.test")) as fetcher:
        result = await fetcher.fetch(secure_web.url("secure.test"))
    assert result.status is LinkStatus.TLS_ERROR
    assert secure_web.requests == []


async def test_https_to_a_plain_http_port_is_a_tls_error(web: FixtureServer) -> None:
    web.site("plain.test").page("/", HTML)
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("plain.test")) as fetcher:
        result = await fetcher.fetch(f"https://plain.test:{web.port}/")
    assert result.status is LinkStatus.TLS_ERROR


async def test_the_policy_forbids_redirect_counts_beyond_its_limit(web: FixtureServer) -> None:
    site = web.site("hops.test")
    site.route("/", redirect("/1")).route("/1", redirect("/2")).page("/2", HTML)
    policy = replace(LOOPBACK_POLICY, max_redirects=1)
    async with Fetcher(policy, resolver=on_loopback("hops.test")) as fetcher:
        result = await fetcher.fetch(web.url("hops.test"))
    assert (result.status, result.error) == (LinkStatus.BROKEN, "more than 1 redirects")
    assert [r.path for r in web.requests_for("hops.test")] == ["/robots.txt", "/", "/1"]
