"""From the last answer of a fetch to its verdict: a status for the link, a page for HTML.

Pure functions over what the network gave; :mod:`scrapers.fetch.fetcher` calls them once the
redirects are followed and the retries spent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

import httpx

from scrapers.fetch.decode import decode_html
from scrapers.fetch.results import HEADERS_THAT_MATTER, FetchedPage, FetchResult, Hop
from service.db import LinkStatus

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})

#: The WHATWG MIME sniffing patterns that say "HTML" (case-insensitive, after white space).
_HTML_STARTS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
)
_TAG_END = (b" ", b">")


@dataclass(frozen=True, slots=True)
class Answer:
    """The last answer of a fetch (after redirects and retries)."""

    url: str
    status: int
    headers: httpx.Headers
    #: The body read (2xx HTML, or anything when the reader accepts every type).
    body: bytes | None = None


def media_type(content_type: str | None) -> str | None:
    """``text/html`` out of ``text/html; charset=utf-8`` (lower case), or None."""
    if not content_type:
        return None
    value = content_type.split(";", 1)[0].strip().lower()
    return value or None


def looks_like_html(body: bytes) -> bool:
    """MIME sniffing for a body served without a Content-Type."""
    head = body[:512].lstrip(b"\xef\xbb\xbf\t\n\x0c\r ").lower()
    for start in _HTML_STARTS:
        # A pattern counts only when a tag-terminating byte follows it ("<b>" yes, "<body" no).
        if head.startswith(start) and head[len(start) : len(start) + 1] in _TAG_END:
            return True
    return False


def headers_that_matter(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: headers[name] for name in HEADERS_THAT_MATTER if name in headers}


def judge_answer(
    url: str,
    answer: Answer,
    *,
    redirects: tuple[Hop, ...],
    checked_at: datetime,
    response_ms: int,
    retries: int,
) -> FetchResult:
    """The verdict on ``url`` given its last answer."""
    reached = FetchResult(
        url=url,
        status=LinkStatus.REDIRECTED if redirects else LinkStatus.OK,
        checked_at=checked_at,
        http_status=answer.status,
        final_url=answer.url,
        redirects=redirects,
        response_ms=response_ms,
        content_type=answer.headers.get("content-type"),
        headers=headers_that_matter(answer.headers),
        etag=answer.headers.get("etag"),
        last_modified=answer.headers.get("last-modified"),
    )
    status = answer.status
    if status == 304:
        return replace(reached, not_modified=True)
    if 200 <= status < 300:
        return _judge_success(answer, reached)
    if status == 410:
        return _failed(reached, LinkStatus.GONE, "410 Gone")
    if status == 429:
        error = f"still 429 Too Many Requests after {retries} retries: deferred to the next run"
        return _failed(reached, LinkStatus.DEFERRED, error)
    error = f"HTTP {status} {httpx.codes.get_reason_phrase(status)}".strip()
    if status >= 500 and retries:
        error += f" after {retries} retries"
    return _failed(reached, LinkStatus.BROKEN, error)


def _failed(reached: FetchResult, status: LinkStatus, error: str) -> FetchResult:
    return replace(reached, status=status, error=error, etag=None, last_modified=None)


def _judge_success(answer: Answer, reached: FetchResult) -> FetchResult:
    kind = media_type(reached.content_type)
    if answer.body is None or (kind is not None and kind not in HTML_TYPES):
        error = f"{kind or 'unknown type'} is not HTML: recorded, not parsed"
        return _failed(reached, LinkStatus.UNSUPPORTED_CONTENT, error)
    if kind is None and not looks_like_html(answer.body):
        error = "no Content-Type, and the body does not look like HTML"
        return _failed(reached, LinkStatus.UNSUPPORTED_CONTENT, error)
    decoded = decode_html(answer.body, reached.content_type)
    if not decoded.text.strip():
        return _failed(reached, LinkStatus.BROKEN, "empty body")
    source: str = decoded.source
    if decoded.overridden:
        source += f" ({decoded.overridden} declared, but the bytes are not {decoded.overridden})"
    page = FetchedPage(
        url=reached.url,
        final_url=answer.url,
        status=answer.status,
        headers=reached.headers,
        text=decoded.text,
        encoding=decoded.encoding,
        encoding_source=source,
        fetched_at=reached.checked_at,
        redirects=reached.redirects,
        etag=reached.etag,
        last_modified=reached.last_modified,
        size=len(answer.body),
    )
    return replace(reached, page=page)
