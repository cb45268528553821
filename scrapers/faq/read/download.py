"""Fetch a FAQ page given as a URL through the project's one fetcher (:mod:`scrapers.fetch`).

The page is one an operator named (on the command line, in ``FAQ_SOURCE`` or in the admin
``importFaq`` mutation), so robots.txt is not asked; everything else the sync's fetches obey
applies: the address guard at every hop (a redirect to loopback or to 169.254.169.254 sends
nothing), no proxy variables from the environment, a total deadline and a cap on decoded bytes.
The fetcher's verdicts become the importer's one-line errors (decision 0033).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from http import HTTPStatus

from scrapers.faq.errors import SourceError, SourceUnreachableError
from scrapers.fetch import (
    BodyOverCapError,
    Fetcher,
    FetchError,
    FetchPolicy,
    Resolver,
    resolve_with_system,
)
from service.addresses import IPNetwork
from service.db import LinkStatus

_ACCEPT = "text/markdown, text/html;q=0.9, text/plain;q=0.8, */*;q=0.1"


@dataclass(frozen=True, slots=True)
class FetchedBody:
    """The bytes of a successful response (decoded from gzip/deflate) and its final URL."""

    url: str
    body: bytes


async def fetch_url(
    url: str,
    *,
    max_bytes: int,
    time_limit: float,
    allowed_networks: Sequence[IPNetwork] = (),
    contact_url: str | None = None,
    max_redirects: int = 5,
    resolver: Resolver = resolve_with_system,
) -> FetchedBody:
    """GET ``url`` within ``time_limit`` seconds in total and ``max_bytes`` of decoded body."""
    policy = FetchPolicy(
        contact_url=contact_url or "",
        concurrency=1,
        host_delay=0.0,  # one page and its redirects: no crawl to space out
        page_timeout=time_limit,
        max_body_bytes=max_bytes,
        max_redirects=max_redirects,
        retries=0,  # the operator (or the next scheduled import) tries again
        allowed_networks=tuple(allowed_networks),
    )
    try:
        # The fetcher counts network time per request; this bounds the whole exchange too.
        async with asyncio.timeout(time_limit), Fetcher(policy, resolver=resolver) as fetcher:
            answer = await fetcher.fetch_named(url, accept=_ACCEPT, max_bytes=max_bytes)
    except TimeoutError:
        raise SourceUnreachableError(f"{url} did not answer within {time_limit:g} s") from None
    except BodyOverCapError:
        raise SourceError(f"{url} is too large (more than {max_bytes} bytes)") from None
    except FetchError as failure:
        if failure.status is LinkStatus.TIMEOUT:
            raise SourceUnreachableError(f"{url} did not answer within {time_limit:g} s") from None
        if failure.status is LinkStatus.SSRF_BLOCKED:  # a source we refuse, not a network fault
            raise SourceError(f"{url}: {failure.message}") from None
        if failure.http_status is not None and failure.http_status >= 400:
            status = HTTPStatus(failure.http_status) if failure.http_status < 600 else None
            reason = f" {status.phrase}" if status is not None else ""
            raise SourceUnreachableError(
                f"{url} answered HTTP {failure.http_status}{reason}"
            ) from None
        raise SourceUnreachableError(f"cannot fetch {url}: {failure.message}") from None
    return FetchedBody(url=answer.url, body=answer.body or b"")
