"""A web server on loopback that plays many partner sites, well-behaved or not.

Raw asyncio streams rather than a framework: the faults (a body trickled byte by byte, a hang
after the headers, a body cut short, a gzip bomb) need control over every byte and over when the
connection closes. Sites are virtual hosts chosen by the ``Host`` header, so one listener serves
``aalto.test``, ``esisar.test`` and a thousand more; the fetcher is pointed at it through a
:class:`~scrapers.fetch.resolve.MappingResolver`.

Usable by any scraper test: register HTML pages per host and path with :meth:`Site.page`, or a
raw handler with :meth:`Site.route`. Every request is recorded, and requests for paths a site
declares forbidden (what its robots.txt disallows) are counted apart: the canary.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True, slots=True)
class Request:
    """One request as the server read it."""

    method: str
    host: str
    path: str
    headers: dict[str, str]
    #: Event-loop time of arrival.
    received_at: float


#: A raw handler writes the whole answer itself; the connection is closed after it.
Handler = Callable[[Request, asyncio.StreamWriter], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Page:
    """A static answer; conditional requests get a 304 when the validators match."""

    body: bytes
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    etag: str | None = None
    last_modified: str | None = None


@dataclass(slots=True)
class Site:
    """One virtual host."""

    host: str
    routes: dict[str, Page | Handler] = field(default_factory=dict)
    #: Path prefixes no request may reach (the canary counts those that do).
    forbidden: tuple[str, ...] = ()

    def page(
        self, path: str, html: str | bytes, *, charset: str = "utf-8", **options: object
    ) -> Site:
        body = html.encode(charset) if isinstance(html, str) else html
        options.setdefault("content_type", f"text/html; charset={charset}")
        self.routes[path] = Page(body, **options)  # type: ignore[arg-type]
        return self

    def route(self, path: str, answer: Page | Handler) -> Site:
        self.routes[path] = answer
        return self

    def robots(self, text: str, *, forbidden: tuple[str, ...] = ()) -> Site:
        self.routes["/robots.txt"] = Page(text.encode(), content_type="text/plain")
        self.forbidden = forbidden
        return self


_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def status_line(status: int) -> bytes:
    return f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\n".encode()


def head(status: int, headers: list[tuple[str, str]]) -> bytes:
    """Status line and headers, ready to write."""
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers)
    return status_line(status) + lines.encode("latin-1") + b"\r\n"


class Listener:
    """A TCP listener on ``host`` as an async context manager: it listens on a free port
    (``port``) from entry, and on exit stops listening and ends the connections still open."""

    def __init__(self, host: str, tls: ssl.SSLContext | None = None) -> None:
        self.host = host
        self.port = 0
        self._tls = tls
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(
            self._accept, self.host, 0, backlog=1024, ssl=self._tls
        )
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._connections):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*self._connections, return_exceptions=True)
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            await self._serve(reader, writer)
        except asyncio.CancelledError:
            # Cancelled by __aexit__ (a handler hanging on purpose): end quietly, the server is
            # closing; a cancelled handler task would be reported by asyncio as an error.
            pass
        finally:
            if task is not None:
                self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Answer one connection (it is closed after)."""
        raise NotImplementedError


class FixtureServer(Listener):
    """The listener of the partner sites; an async context manager."""

    def __init__(
        self,
        *,
        latency: float | Callable[[Request], float] = 0.0,
        host: str = LOOPBACK,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(host, tls)
        self.sites: dict[str, Site] = {}
        self.requests: list[Request] = []
        self.forbidden_hits: list[Request] = []
        self.latency = latency

    def site(self, host: str) -> Site:
        """The site for ``host``, created on first use."""
        return self.sites.setdefault(host.lower(), Site(host.lower()))

    def url(self, host: str, path: str = "/") -> str:
        return f"{'https' if self._tls else 'http'}://{host}:{self.port}{path}"

    def requests_for(self, host: str, path: str | None = None) -> list[Request]:
        return [r for r in self.requests if r.host == host and (path is None or r.path == path)]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(
            ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError
        ):
            while await self._answer_one(reader, writer):
                pass

    async def _answer_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; False when the connection must close."""
        first = await reader.readexactly(1)
        if first == b"\x16":
            # A TLS handshake on a plain port: answer like a real server would, in clear text.
            writer.write(head(400, [("Content-Length", "0"), ("Connection", "close")]))
            await writer.drain()
            return False
        raw = first + await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = raw.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        host = headers.get("host", "").rsplit(":", 1)[0].strip("[]").lower()
        request = Request(method, host, target, headers, asyncio.get_running_loop().time())
        self.requests.append(request)
        site = self.sites.get(host)
        if site is not None and any(target.startswith(p) for p in site.forbidden):
            self.forbidden_hits.append(request)
        # A fixed delay, or one chosen per request (a benchmark's sites answer at their own pace).
        latency = self.latency(request) if callable(self.latency) else self.latency
        if latency:
            await asyncio.sleep(latency)
        answer = site.routes.get(target) if site is not None else None
        if answer is None:
            await _write_page(writer, request, Page(b"<p>not here</p>", status=404))
            return True
        if isinstance(answer, Page):
            await _write_page(writer, request, answer)
            return True
        await answer(request, writer)
        return False


async def _write_page(writer: asyncio.StreamWriter, request: Request, page: Page) -> None:
    headers: list[tuple[str, str]] = []
    if page.etag:
        headers.append(("ETag", page.etag))
    if page.last_modified:
        headers.append(("Last-Modified", page.last_modified))
    unchanged = (page.etag is not None and request.headers.get("if-none-match") == page.etag) or (
        page.last_modified is not None
        and request.headers.get("if-modified-since") == page.last_modified
    )
    if unchanged and page.status == 200:
        writer.write(head(304, headers))
        await writer.drain()
        return
    if page.content_type:
        headers.append(("Content-Type", page.content_type))
    headers.extend(page.headers)
    headers.append(("Content-Length", str(len(page.body))))
    writer.write(head(page.status, headers) + page.body)
    await writer.drain()


class Canary(Listener):
    """A listener on an address the fetcher must never reach; counts every connection."""

    def __init__(self, host: str = "127.0.0.2") -> None:
        super().__init__(host)
        self.hits = 0

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.hits += 1
        body = b"<html><title>canary</title><p>you should not be here</p></html>"
        headers = [("Content-Type", "text/html"), ("Content-Length", str(len(body)))]
        writer.write(head(200, headers) + body)
        with contextlib.suppress(ConnectionError):
            await writer.drain()
