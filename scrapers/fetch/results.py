"""What a fetch returns: a verdict for the URL and, for an HTML page, its decoded text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from service.db import LinkStatus

#: Response headers worth keeping and showing (lower case).
HEADERS_THAT_MATTER = (
    "content-type",
    "content-length",
    "content-encoding",
    "content-language",
    "etag",
    "last-modified",
    "cache-control",
    "retry-after",
    "location",
)


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect: the URL requested and the 3xx status it answered."""

    url: str
    status: int

    def as_record(self) -> dict[str, object]:
        return {"url": self.url, "status": self.status}


@dataclass(frozen=True, slots=True)
class Validators:
    """What makes a request conditional, and the URL whose answer they describe."""

    url: str
    etag: str | None = None
    last_modified: str | None = None

    def headers_for(self, url: str) -> dict[str, str]:
        """The conditional headers for a request to ``url`` (none for another URL)."""
        if url != self.url:
            return {}
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """An HTML page, decoded: what the extractors read."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    text: str
    #: WHATWG name of the encoding the text was decoded from, and how it was chosen.
    encoding: str
    encoding_source: str
    fetched_at: datetime
    redirects: tuple[Hop, ...] = ()
    etag: str | None = None
    last_modified: str | None = None
    #: Decoded body size in bytes.
    size: int = 0


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The verdict on one URL."""

    url: str
    status: LinkStatus
    checked_at: datetime
    http_status: int | None = None
    final_url: str | None = None
    redirects: tuple[Hop, ...] = ()
    #: Network time of the page's own requests, all hops (politeness waits excluded).
    response_ms: int | None = None
    error: str | None = None
    content_type: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    #: The server answered 304: the page is what it was last time (no text here).
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    page: FetchedPage | None = None

    @property
    def reached(self) -> bool:
        """The URL leads to a working page (possibly unchanged)."""
        return self.status in (LinkStatus.OK, LinkStatus.REDIRECTED)


class FetchError(Exception):
    """Ends a fetch with a verdict other than success."""

    def __init__(self, status: LinkStatus, message: str, *, http_status: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.http_status = http_status


class BodyOverCapError(FetchError):
    """The body is larger than the reading allows (declared, or once decompressed)."""
