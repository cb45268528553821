"""The page window: a page's place is kept until its reader gives it back, and nothing else's."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from scrapers.fetch import Fetcher, MappingResolver, PageWindow, Validators
from service.db.models.health import LinkStatus
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.faults import healthy_html, redirect
from tests.scrapers.fixture_server import FixtureServer, Page

HTML = healthy_html("Aalto")


def on_loopback(*hosts: str) -> MappingResolver:
    return MappingResolver({host: ["127.0.0.1"] for host in hosts})


def pages_asked(web: FixtureServer, host: str) -> list[str]:
    return [r.path for r in web.requests_for(host) if r.path != "/robots.txt"]


async def test_a_page_keeps_its_place_until_given_back_and_the_next_request_waits(
    web: FixtureServer,
) -> None:
    for host in ("a.test", "b.test", "c.test"):
        web.site(host).page("/", HTML)
    window = PageWindow(1)
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("a.test", "b.test", "c.test")) as f:
        first = await f.fetch(web.url("a.test"), window=window)
        assert first.page is not None
        assert window.held == 1
        second = asyncio.create_task(f.fetch(web.url("b.test"), window=window))
        # A fetch without the window is not held back by it (nor by the request waiting).
        other = await asyncio.wait_for(f.fetch(web.url("c.test")), 30)
        assert other.page is not None
        assert pages_asked(web, "b.test") == []
        assert not second.done()
        window.give()
        result = await asyncio.wait_for(second, 30)
    assert result.page is not None
    assert (window.held, window.most_held) == (1, 1)
    assert pages_asked(web, "b.test") == ["/"]


async def test_a_request_waiting_for_the_window_holds_no_global_place(web: FixtureServer) -> None:
    """One global place: the request waiting for the window must not sit on it, or no other
    host could be fetched until a page is read."""
    for host in ("a.test", "b.test", "c.test"):
        web.site(host).page("/", HTML)
    window = PageWindow(1)
    policy = replace(LOOPBACK_POLICY, concurrency=1)
    async with Fetcher(policy, resolver=on_loopback("a.test", "b.test", "c.test")) as fetcher:
        await fetcher.fetch(web.url("a.test"), window=window)
        waiting = asyncio.create_task(fetcher.fetch(web.url("b.test"), window=window))
        other = await asyncio.wait_for(fetcher.fetch(web.url("c.test")), 30)
        assert other.status is LinkStatus.OK
        assert not waiting.done()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
    # The cancelled request took no place: only the first page's is held.
    assert window.held == 1


async def test_every_outcome_but_a_page_gives_its_place_back(web: FixtureServer) -> None:
    """With one place, a place kept by anything but a page would leave the next fetch waiting
    for ever: each of these is fetched in turn and none may hold a place once it returns."""
    site = web.site("a.test")
    site.page("/page", HTML, etag='"v1"')
    site.route("/moved", redirect("/page"))
    site.route("/missing", Page(b"no", status=404))
    site.route("/busy", Page(b"busy", status=503))
    site.route("/pdf", Page(b"%PDF-1.4", content_type="application/pdf"))
    site.route("/empty", Page(b"   "))
    window = PageWindow(1)
    page_url = web.url("a.test", "/page")
    async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback("a.test")) as fetcher:
        moved = await asyncio.wait_for(
            fetcher.fetch(web.url("a.test", "/moved"), window=window), 30
        )
        assert (moved.status, moved.page is not None, window.held) == (
            LinkStatus.REDIRECTED,
            True,
            1,
        )
        window.give()
        verdicts = []
        for url, validators in [
            (page_url, Validators(page_url, '"v1"')),
            (web.url("a.test", "/missing"), None),
            (web.url("a.test", "/busy"), None),
            (web.url("a.test", "/pdf"), None),
            (web.url("a.test", "/empty"), None),
            (f"http://nowhere.test:{web.port}/", None),
        ]:
            result = await asyncio.wait_for(fetcher.fetch(url, validators, window=window), 30)
            verdicts.append((result.status, result.not_modified, result.page, window.held))
    assert verdicts == [
        (LinkStatus.OK, True, None, 0),
        (LinkStatus.BROKEN, False, None, 0),
        (LinkStatus.BROKEN, False, None, 0),  # after its retries, each with a place of its own
        (LinkStatus.UNSUPPORTED_CONTENT, False, None, 0),
        (LinkStatus.BROKEN, False, None, 0),
        (LinkStatus.DNS_ERROR, False, None, 0),
    ]
    assert len(web.requests_for("a.test", "/busy")) == 1 + LOOPBACK_POLICY.retries


async def test_a_host_is_asked_in_the_same_order_with_or_without_a_window(
    web: FixtureServer,
) -> None:
    """The window is waited for inside the host's turn: a host's requests keep their order."""
    paths = [f"/{n}" for n in range(6)]
    orders = []
    for host, window in (("plain.test", None), ("windowed.test", PageWindow(1))):
        for path in paths:
            web.site(host).page(path, HTML)
        async with Fetcher(LOOPBACK_POLICY, resolver=on_loopback(host)) as fetcher:
            fetches = [
                asyncio.create_task(fetcher.fetch(web.url(host, path), window=window))
                for path in paths
            ]
            for fetch in asyncio.as_completed(fetches):
                await asyncio.wait_for(fetch, 30)
                if window is not None:
                    window.give()  # read: the next request may go
        orders.append(pages_asked(web, host))
    assert orders == [paths, paths]
