"""Realistic partner sites on loopback, shared by the sync benchmark and its Scrapy comparison.

Each simulated site (``partner-0000.test`` …) has a robots.txt, an index page ``/`` linking to
``pages`` pages ``/page-0`` …, and answers every request after a latency of its own. The model
follows the issue's description of partner sites (issue 15): an index and three pages of 30 to
80 kB, 50 to 100 ms of latency, with every page's text taken from the development set
(``tests/scrapers/extract/devset/``: real page structure, French, English and Italian, facts and
no facts) and brought to its size by what makes real pages heavy: a mega-menu, inline scripts and
styles, icon sprites and footer link lists. Sizes, latencies and which development page a URL
serves are drawn from the URL's own hash, so two crawlers (ours and Scrapy) meet exactly the same
sites, and the politeness bound is computed from the very latencies the server will apply.
"""

from __future__ import annotations

import asyncio
import statistics
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from multiprocessing.queues import Queue
from pathlib import Path

from tests.scrapers.fixture_server import FixtureServer, Request

DEVSET = Path(__file__).resolve().parent.parent / "tests/scrapers/extract/devset"
ROBOTS = "User-agent: *\nDisallow: /private/\n"


def site_host(number: int) -> str:
    return f"partner-{number:04d}.test"


def site_name(host: str) -> str:
    """The institution a site belongs to: the name of its school and of its pages' titles."""
    return f"Université partenaire {host.split('.')[0].removeprefix('partner-')}"


def _draw(key: str, low: float, high: float) -> float:
    """A value in [low, high] fixed by ``key`` (the same in every process and run)."""
    return low + (high - low) * (zlib.crc32(key.encode()) / 0xFFFFFFFF)


@cache
def devset_pages() -> tuple[str, ...]:
    """The development set's pages, in name order."""
    return tuple(page.read_text(encoding="utf-8") for page in sorted(DEVSET.glob("*.html")))


def _padding(host: str, size: int) -> tuple[str, str]:
    """Head and body furniture of about ``size`` bytes: what a CMS page carries besides its text."""
    head: list[str] = []
    body: list[str] = ['<nav class="mega-menu" aria-label="Menu"><ul>']
    length = 0
    item = 0
    while length < size:
        kind = item % 4
        if kind == 0:
            chunk = (
                f'<li class="menu-item"><a href="/section-{item}">Rubrique {item}</a><ul>'
                + "".join(
                    f'<li><a href="/section-{item}/page-{n}">Page {n} de la rubrique</a></li>'
                    for n in range(8)
                )
                + "</ul></li>"
            )
            body.append(chunk)
        elif kind == 1:
            chunk = (
                f'<script>window.dataLayer=window.dataLayer||[];dataLayer.push({{"event":"view",'
                f'"site":"{host}","block":{item},"consent":["analytics","video"],'
                f'"path":"/section-{item}"}});function t{item}(e){{return e&&e.target?'
                f"e.target.closest('a'):null}}</script>"
            )
            head.append(chunk)
        elif kind == 2:
            chunk = (
                f"<style>.b{item}{{display:flex;margin:0 auto;max-width:72rem}}"
                f".b{item} a:hover{{text-decoration:underline;color:#0a5}}</style>"
            )
            head.append(chunk)
        else:
            chunk = (
                f'<svg class="icon" aria-hidden="true" viewBox="0 0 24 24"><path d="M12 {item}'
                'l-7 7h4v6h6v-6h4z"/></svg>'
            )
            body.append(chunk)
        length += len(chunk)
        item += 1
    body.append("</ul></nav>")
    return "".join(head), "".join(body)


@dataclass(frozen=True, slots=True)
class SiteModel:
    """The simulated sites: ``sites`` hosts, each an index and ``pages`` pages."""

    sites: int
    pages: int = 3
    size: tuple[int, int] = (30_000, 80_000)
    latency: tuple[float, float] = (0.05, 0.1)

    def hosts(self) -> list[str]:
        return [site_host(n) for n in range(self.sites)]

    def names(self) -> list[str]:
        return [site_name(host) for host in self.hosts()]

    def paths(self) -> list[str]:
        """A site's pages, index first (each is one of its school's links)."""
        return ["/", *(f"/page-{page}" for page in range(self.pages))]

    def urls(self, port: int) -> list[str]:
        return [f"http://{host}:{port}{path}" for host in self.hosts() for path in self.paths()]

    def latency_of(self, host: str, path: str) -> float:
        return _draw(f"latency {host}{path}", *self.latency)

    def request_latency(self, request: Request) -> float:
        """The server's delay for ``request`` (robots.txt and unknown paths included)."""
        return self.latency_of(request.host, request.path)

    def page_html(self, host: str, path: str, devset: Sequence[str] | None = None) -> bytes:
        """The page at ``host``/``path``: a development page dressed to its drawn size."""
        pages = devset if devset is not None else devset_pages()
        text = pages[zlib.crc32(f"page {host}{path}".encode()) % len(pages)]
        target = int(_draw(f"size {host}{path}", *self.size))
        # The page is the site's own: its title names the site's institution, as the school's
        # name in the catalogue does (a page naming another school is an identity mismatch).
        text = text.replace("</title>", f" | {site_name(host)}</title>", 1)
        if path == "/":
            links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in self.paths()[1:])
            text = text.replace("</body>", f'<ul class="index">{links}</ul></body>', 1)
        head, body = _padding(host, max(0, target - len(text.encode())))
        text = text.replace("</head>", f"{head}</head>", 1)
        start = text.index("<body")
        start = text.index(">", start) + 1
        return f"{text[:start]}{body}{text[start:]}".encode()

    def politeness_bound(self, concurrency: int, host_delay: float) -> float:
        """The least wall time the rules allow: a host's chain of requests, or the global limit.

        A host's chain is its robots.txt then its pages, one at a time, ``host_delay`` apart;
        the global limit is every request's latency shared by ``concurrency`` slots.
        """
        chains = []
        total = 0.0
        for host in self.hosts():
            latencies = [self.latency_of(host, path) for path in ["/robots.txt", *self.paths()]]
            chains.append(sum(latencies) + (len(latencies) - 1) * host_delay)
            total += sum(latencies)
        return max(max(chains, default=0.0), total / concurrency)

    def mean_page_bytes(self) -> float:
        sizes = [len(self.page_html(h, p)) for h in self.hosts()[:50] for p in self.paths()]
        return statistics.fmean(sizes) if sizes else 0.0


def fill(server: FixtureServer, model: SiteModel) -> None:
    """Register the model's sites on ``server`` (created with ``latency=model.request_latency``)."""
    for host in model.hosts():
        site = server.site(host).robots(ROBOTS)
        for path in model.paths():
            site.page(path, model.page_html(host, path), etag=f'"{host}{path}"')


async def serve_model(model: SiteModel, ports: Queue[int]) -> None:
    async with FixtureServer(latency=model.request_latency) as server:
        fill(server, model)
        ports.put(server.port)
        await asyncio.Event().wait()


def serve(model: SiteModel, ports: Queue[int]) -> None:
    """The server process: serves ``model`` until terminated, its port put in ``ports``."""
    asyncio.run(serve_model(model, ports))
