"""A FAQ URL goes through the sync's guarded fetcher: no hop to a non-public address, no proxy."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Network

import pytest

from scrapers.faq.errors import SourceError
from scrapers.faq.read.source import read_source
from tests.scrapers.faq.http_server import Response, Site, serve

pytestmark = pytest.mark.reliability

#: The page's server is allowed (as FETCH_ALLOWED_NETWORKS would in a test); 127.0.0.2 is not.
PAGE_ONLY = (IPv4Network("127.0.0.1/32"),)
PAGE = "## Mobilités en commun\n"


@pytest.fixture
def canary() -> Iterator[Site]:
    """A server on another loopback address that nothing may reach."""
    with serve(Site(routes={"/": Response(b"secret")}), host="127.0.0.2") as running:
        yield running


async def _read(url: str) -> str:
    document = await read_source(url, max_bytes=64 * 1024, time_limit=5, allowed_networks=PAGE_ONLY)
    return document.text


async def test_a_redirect_to_a_non_public_address_sends_nothing(site: Site, canary: Site) -> None:
    site.routes["/faq.md"] = Response(b"", status=302, headers={"Location": canary.url("/")})
    with pytest.raises(SourceError) as refused:
        await _read(site.url("/faq.md"))
    assert str(refused.value) == (
        f"{site.url('/faq.md')}: 127.0.0.2 is not a public address (loopback): nothing sent"
    )
    assert (site.requests, canary.requests) == (["/faq.md"], [])


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "http://169.254.169.254/latest/meta-data/",
            "link-local, where cloud metadata services live",
        ),
        ("http://[::ffff:127.0.0.2]/", "loopback"),
        ("http://10.0.0.1/faq.md", "private"),
    ],
)
async def test_a_non_public_url_is_refused_before_connecting(url: str, reason: str) -> None:
    with pytest.raises(SourceError, match=rf"is not a public address \({reason}\): nothing sent"):
        await _read(url)


async def test_proxy_variables_are_ignored(
    site: Site, canary: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, canary.url("/"))
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    site.routes["/faq.md"] = Response(PAGE.encode())
    assert await _read(site.url("/faq.md")) == PAGE
    assert (site.requests, canary.requests) == (["/faq.md"], [])


async def test_robots_txt_is_not_asked_for_a_named_page(site: Site) -> None:
    site.routes["/robots.txt"] = Response(b"User-agent: *\nDisallow: /\n")
    site.routes["/faq.md"] = Response(PAGE.encode())
    assert await _read(site.url("/faq.md")) == PAGE
    assert site.requests == ["/faq.md"]
