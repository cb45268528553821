"""A small bounded HTTP GET for FAQ sources given as URLs.

httpx alone has no total deadline and no size cap (see NOTES.md), so this module adds both: the
whole exchange runs under ``asyncio.timeout``, the body is read raw and counted, and a
gzip/deflate body is decompressed here with the same cap on decoded bytes. Only ``gzip, deflate``
are advertised, so a server cannot answer with an unbounded brotli bomb. Redirects are followed
(a few), each hop staying on http(s) as httpx enforces. The project's polite fetcher may replace
this module later; it is kept on purpose in one place.
"""

from __future__ import annotations

import asyncio
import zlib
from dataclasses import dataclass

import httpx

from scrapers.faq.errors import SourceError, SourceUnreachableError

MAX_REDIRECTS = 5
USER_AGENT = "mobility-catalog FAQ importer"


@dataclass(frozen=True, slots=True)
class FetchedBody:
    """The bytes of a successful response (decoded from gzip/deflate) and its final URL."""

    url: str
    body: bytes


def _too_large(url: str, max_bytes: int) -> SourceError:
    return SourceError(f"{url} is too large (more than {max_bytes} bytes)")


class _BoundedBody:
    """Accumulates raw chunks, decompressing if needed, refusing more than ``max_bytes``."""

    def __init__(self, url: str, encoding: str, max_bytes: int) -> None:
        self.url = url
        self.max_bytes = max_bytes
        self.parts: list[bytes] = []
        self.size = 0
        if encoding in ("", "identity"):
            self.decompressor = None
        elif encoding in ("gzip", "x-gzip", "deflate"):
            # 32 + MAX_WBITS accepts both the gzip and the zlib header.
            self.decompressor = zlib.decompressobj(32 + zlib.MAX_WBITS)
        else:
            raise SourceError(f"{url} answered with an unsupported Content-Encoding: {encoding}")

    def add(self, chunk: bytes) -> None:
        if self.decompressor is None:
            self._keep(chunk)
            return
        try:
            data = self.decompressor.decompress(chunk, self.max_bytes - self.size + 1)
            self._keep(data)
            # Output was capped: anything left over means the decoded body is over the limit.
            if self.decompressor.unconsumed_tail:
                raise _too_large(self.url, self.max_bytes)
        except zlib.error as exc:
            raise SourceError(f"{self.url} sent a corrupt compressed body: {exc}") from None

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise _too_large(self.url, self.max_bytes)
        self.parts.append(data)

    def finish(self) -> bytes:
        if self.decompressor is not None:
            try:
                self._keep(self.decompressor.flush())
            except zlib.error as exc:
                raise SourceError(f"{self.url} sent a corrupt compressed body: {exc}") from None
        return b"".join(self.parts)


async def _get(client: httpx.AsyncClient, url: str, max_bytes: int) -> FetchedBody:
    async with client.stream("GET", url) as response:
        if response.status_code >= 400:
            reason = response.reason_phrase or "error"
            raise SourceUnreachableError(f"{url} answered HTTP {response.status_code} {reason}")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _too_large(url, max_bytes)
        body = _BoundedBody(url, response.headers.get("content-encoding", "").lower(), max_bytes)
        async for chunk in response.aiter_raw():
            body.add(chunk)
        return FetchedBody(url=str(response.url), body=body.finish())


async def fetch_url(
    url: str,
    *,
    max_bytes: int,
    time_limit: float,
    transport: httpx.AsyncBaseTransport | None = None,
) -> FetchedBody:
    """GET ``url`` within ``time_limit`` seconds in total and ``max_bytes`` of decoded body."""
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/markdown, text/html;q=0.9, text/plain;q=0.8, */*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    try:
        async with (
            asyncio.timeout(time_limit),
            httpx.AsyncClient(
                headers=headers,
                timeout=time_limit,
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                transport=transport,
            ) as client,
        ):
            return await _get(client, url, max_bytes)
    except (TimeoutError, httpx.TimeoutException):
        raise SourceUnreachableError(f"{url} did not answer within {time_limit:g} s") from None
    except httpx.TooManyRedirects:
        raise SourceUnreachableError(f"{url} redirects more than {MAX_REDIRECTS} times") from None
    except httpx.HTTPError as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise SourceUnreachableError(f"cannot fetch {url}: {reason}") from None
