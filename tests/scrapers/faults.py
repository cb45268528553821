"""The fault catalogue: how partner sites misbehave, and what the fetcher must record for each.

Each :class:`Fault` lives on its own host (``<name>.test``) at ``/page``. ``healthy`` installs a
working page there (with an ETag), ``install`` replaces it with the fault; tests run the
catalogue once healthy and once faulty, to prove a fault changes only its own link's health and
never what earlier runs recorded. The pages are written for these tests; they copy no real site.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from scrapers.fetch.policy import FetchPolicy
from service.db.models.health import LinkStatus
from tests.scrapers.fixture_server import Canary, FixtureServer, Handler, Page, Request, head

PAGE = "/page"

#: The deadline of a page in fixture runs. A run fetching the whole catalogue at once shares one
#: event loop with the fixture server, so on a loaded machine every healthy page takes as long as
#: the run's CPU, stretched: under `stress -c 3` (load average 13) they took up to 1.4 s, and a
#: 1 s deadline turned 14 of them into TIMEOUTs. Only the hanging and trickling faults wait for it.
PAGE_TIMEOUT = 5.0

#: The fetch policy of fixture runs: fast, but with every limit in force.
TEST_POLICY = FetchPolicy(
    contact_url="https://mobility.example/crawler",
    concurrency=8,
    host_delay=0.0,
    crawl_delay_cap=1.0,
    page_timeout=PAGE_TIMEOUT,
    max_body_bytes=200_000,
    max_redirects=5,
    retries=2,
    backoff_base=0.01,
    retry_after_cap=2.0,
)


def healthy_html(name: str) -> str:
    return (
        "<!doctype html><html lang=fr><head><meta charset=utf-8>"
        f"<title>{name}: mobilité entrante</title></head>"
        "<body><h1>Étudiants en échange</h1><p>Page en cours de mise à jour.</p></body></html>"
    )


def trickle(body: bytes, interval: float) -> Handler:
    """Headers at once, then the body one byte per ``interval``."""

    async def handler(request: Request, writer: asyncio.StreamWriter) -> None:
        writer.write(head(200, [("Content-Type", "text/html"), ("Content-Length", str(len(body)))]))
        for byte in body:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(interval)

    return handler


async def hang_after_headers(request: Request, writer: asyncio.StreamWriter) -> None:
    writer.write(head(200, [("Content-Type", "text/html"), ("Content-Length", "5000")]))
    await writer.drain()
    await asyncio.sleep(3600)


def truncated(body: bytes, claimed: int) -> Handler:
    """Announce ``claimed`` bytes, send ``body``, close."""

    async def handler(request: Request, writer: asyncio.StreamWriter) -> None:
        headers = [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(claimed))]
        writer.write(head(200, headers) + body)
        await writer.drain()

    return handler


@cache
def _bomb(decoded_size: int) -> bytes:
    return gzip.compress(b"<p>" + b"\0" * decoded_size, compresslevel=9)


def gzip_bomb(decoded_size: int = 10_000_000) -> Handler:
    """A small gzip body that decodes to ``decoded_size`` bytes."""

    async def handler(request: Request, writer: asyncio.StreamWriter) -> None:
        body = _bomb(decoded_size)
        headers = [
            ("Content-Type", "text/html"),
            ("Content-Encoding", "gzip"),
            ("Content-Length", str(len(body))),
        ]
        writer.write(head(200, headers) + body)
        await writer.drain()

    return handler


async def endless(request: Request, writer: asyncio.StreamWriter) -> None:
    """A chunked HTML body that never ends."""
    writer.write(head(200, [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")]))
    chunk = b"<p>" + b"encore " * 1000 + b"</p>"
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    while True:
        writer.write(frame)
        await writer.drain()
        await asyncio.sleep(0)


def busy_then(page: Page, status: int, retry_after: str, times: int = 1) -> Handler:
    """``status`` with ``Retry-After`` for the first ``times`` requests, then ``page``."""
    remaining = [times]

    async def handler(request: Request, writer: asyncio.StreamWriter) -> None:
        if remaining[0] > 0:
            remaining[0] -= 1
            writer.write(head(status, [("Retry-After", retry_after), ("Content-Length", "0")]))
        else:
            headers = [("Content-Type", page.content_type or "text/html")]
            headers.append(("Content-Length", str(len(page.body))))
            writer.write(head(page.status, headers) + page.body)
        await writer.drain()

    return handler


def redirect(location: str, status: int = 302) -> Page:
    return Page(b"", status=status, content_type=None, headers=(("Location", location),))


@dataclass(frozen=True, slots=True)
class Fault:
    """One way a site misbehaves and the verdict the fetcher must reach."""

    name: str
    expected: LinkStatus
    #: A fragment of the recorded error (None: no error recorded).
    error: str | None
    install: Callable[[FixtureServer, Canary], None]
    #: The host stops resolving when the fault is installed.
    unresolvable: bool = False

    @property
    def host(self) -> str:
        return f"{self.name}.test"

    def url(self, server: FixtureServer) -> str:
        return f"http://{self.host}:{server.port}{PAGE}"

    def healthy(self, server: FixtureServer) -> None:
        site = server.site(self.host)
        site.routes.clear()
        site.forbidden = ()
        site.page(PAGE, healthy_html(self.name), etag=f'"{self.name}-v1"')


Install = Callable[[FixtureServer, Canary, str], None]


def _fault(
    name: str, expected: LinkStatus, error: str | None, install: Install, **options: bool
) -> Fault:
    host = f"{name}.test"

    def install_fault(server: FixtureServer, canary: Canary) -> None:
        install(server, canary, host)

    return Fault(name, expected, error, install_fault, **options)


def _page(answer: Page | Handler) -> Install:
    def install(server: FixtureServer, canary: Canary, host: str) -> None:
        server.site(host).route(PAGE, answer)

    return install


def _loop(server: FixtureServer, canary: Canary, host: str) -> None:
    site = server.site(host)
    site.route(PAGE, redirect("/other"))
    site.route("/other", redirect(PAGE))


def _chain(server: FixtureServer, canary: Canary, host: str) -> None:
    site = server.site(host)
    site.route(PAGE, redirect("/hop1"))
    for hop in range(1, 7):
        site.route(f"/hop{hop}", redirect(f"/hop{hop + 1}"))


def _moved(server: FixtureServer, canary: Canary, host: str) -> None:
    site = server.site(host)
    site.route(PAGE, redirect("/nouvelle-page", status=301))
    site.page("/nouvelle-page", healthy_html(host))


def _to_canary(location: Callable[[Canary], str]) -> Install:
    def install(server: FixtureServer, canary: Canary, host: str) -> None:
        server.site(host).route(PAGE, redirect(location(canary)))

    return install


def _robots(text: str, forbidden: tuple[str, ...]) -> Install:
    def install(server: FixtureServer, canary: Canary, host: str) -> None:
        server.site(host).robots(text, forbidden=forbidden)

    return install


def _robots_error(server: FixtureServer, canary: Canary, host: str) -> None:
    site = server.site(host)
    site.route("/robots.txt", Page(b"oops", status=503, content_type="text/plain"))
    site.forbidden = (PAGE,)


#: cp1252 bytes for € (0x80), an en dash (0x96) and a right quote (0x92): C1 controls if read
#: as real latin-1.
CP1252_TEXT = "Bourse de mobilité : 1 500 € \u2013 « Erasmus+ » l\u2019été"
_CP1252 = CP1252_TEXT.encode("cp1252")
_HEALTHY_BODY = healthy_html("fault").encode()
_WITHIN = f"no complete answer within {PAGE_TIMEOUT:g} s"


def fault_catalogue() -> list[Fault]:
    """Every fault of the issue, with the status it must record."""
    return [
        _fault("trickle", LinkStatus.TIMEOUT, _WITHIN, _page(trickle(_HEALTHY_BODY, 0.1))),
        _fault("hang", LinkStatus.TIMEOUT, _WITHIN, _page(hang_after_headers)),
        _fault("loop", LinkStatus.BROKEN, "redirect loop", _loop),
        _fault("chain", LinkStatus.BROKEN, "more than 5 redirects", _chain),
        _fault("moved", LinkStatus.REDIRECTED, None, _moved),
        _fault(
            "to-loopback",
            LinkStatus.SSRF_BLOCKED,
            "127.0.0.2 is not a public address (loopback): nothing sent",
            _to_canary(lambda canary: f"http://{canary.host}:{canary.port}/"),
        ),
        _fault(
            "to-metadata",
            LinkStatus.SSRF_BLOCKED,
            "169.254.169.254 is not a public address (link-local",
            _to_canary(lambda canary: "http://169.254.169.254/latest/meta-data/"),
        ),
        _fault(
            "to-decimal",
            LinkStatus.SSRF_BLOCKED,
            "127.0.0.2 is not a public address",
            _to_canary(lambda canary: f"http://2130706434:{canary.port}/"),
        ),
        _fault(
            "to-mapped",
            LinkStatus.SSRF_BLOCKED,
            "127.0.0.2 is not a public address",
            _to_canary(lambda canary: f"http://[::ffff:127.0.0.2]:{canary.port}/"),
        ),
        _fault(
            "to-internal-name",
            LinkStatus.SSRF_BLOCKED,
            "intranet.test resolves to 127.0.0.2, which is not a public address",
            _to_canary(lambda canary: f"http://intranet.test:{canary.port}/"),
        ),
        _fault("bomb", LinkStatus.BROKEN, "200,000-byte cap once decompressed", _page(gzip_bomb())),
        _fault("endless", LinkStatus.BROKEN, "200,000-byte cap", _page(endless)),
        _fault(
            "wrong-charset",
            LinkStatus.OK,
            None,
            _page(Page(_CP1252, content_type="text/html; charset=iso-8859-1")),
        ),
        _fault("no-charset", LinkStatus.OK, None, _page(Page(_CP1252, content_type="text/html"))),
        _fault(
            "bom",
            LinkStatus.OK,
            None,
            _page(
                Page(
                    b"\xef\xbb\xbf" + "Bourse de mobilité".encode(),
                    content_type="text/html; charset=iso-8859-1",
                )
            ),
        ),
        _fault(
            "robots-disallow",
            LinkStatus.BLOCKED_BY_ROBOTS,
            "disallowed by robots.txt",
            _robots("User-agent: *\nDisallow: /page\n", forbidden=(PAGE,)),
        ),
        _fault("robots-5xx", LinkStatus.BLOCKED_BY_ROBOTS, "answered 503", _robots_error),
        _fault(
            "crawl-delay",
            LinkStatus.OK,
            None,
            _robots("User-agent: mobility-catalog\nCrawl-delay: 0.5\nDisallow:\n", forbidden=()),
        ),
        _fault(
            "busy",
            LinkStatus.OK,
            None,
            _page(busy_then(Page(_HEALTHY_BODY), 429, "1")),
        ),
        _fault(
            "busy-long",
            LinkStatus.DEFERRED,
            "Retry-After of 3600 s",
            _page(busy_then(Page(_HEALTHY_BODY), 429, "3600")),
        ),
        _fault("missing", LinkStatus.BROKEN, "HTTP 404 Not Found", _page(Page(b"", status=404))),
        _fault("gone", LinkStatus.GONE, "410 Gone", _page(Page(b"", status=410))),
        _fault(
            "server-error",
            LinkStatus.BROKEN,
            "HTTP 500 Internal Server Error after 2 retries",
            _page(Page(b"", status=500)),
        ),
        _fault(
            "pdf",
            LinkStatus.UNSUPPORTED_CONTENT,
            "application/pdf is not HTML",
            _page(Page(b"%PDF-1.7\n", content_type="application/pdf")),
        ),
        _fault(
            "truncated",
            LinkStatus.BROKEN,
            "without sending complete message body",
            _page(truncated(_HEALTHY_BODY[:100], len(_HEALTHY_BODY))),
        ),
        _fault("empty", LinkStatus.BROKEN, "empty body", _page(Page(b""))),
        _fault(
            "vanished",
            LinkStatus.DNS_ERROR,
            "vanished.test does not resolve",
            lambda server, canary, host: None,
            unresolvable=True,
        ),
        _fault(
            "brotli",
            LinkStatus.BROKEN,
            "unsupported content-encoding br",
            _page(Page(b"\x1b\x00", headers=(("Content-Encoding", "br"),))),
        ),
    ]


#: Host names of the catalogue that resolve to the canary (a non-public address).
INTERNAL_NAMES = {"intranet.test": ["127.0.0.2"]}
