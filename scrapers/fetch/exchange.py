"""One HTTP exchange of the fetcher: a GET within the page's deadline, its answer read safely.

The body of a 2xx answer is read only when it may be used (HTML for pages, anything for
robots.txt), within the decoded size cap; redirects are reported, not followed (the fetcher
re-checks every hop). Transport failures become verdicts: a timeout, a TLS error, or a
:class:`RetryableError` for connection failures that may pass.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass

import httpx

from scrapers.fetch.body import BodyTooLargeError, BodyUnreadableError, read_body
from scrapers.fetch.results import BodyOverCapError, FetchError, Hop
from scrapers.fetch.verdict import HTML_TYPES, Answer, media_type
from scrapers.fetch.window import PageWindow
from service.db import LinkStatus

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class Reading:
    """How to read the body of a 2xx answer."""

    accept: str
    limit: int
    #: Read only HTML (other types are judged from their headers, unread).
    html_only: bool
    #: Keep the first ``limit`` bytes of a longer body instead of failing.
    truncate: bool


class RetryableError(Exception):
    """A connection-level failure that may pass."""


class Trip:
    """One URL's journey: its hops and the network time it has spent against the deadline,
    and the place it holds in its caller's page window (:mod:`.window`), if it has one."""

    def __init__(self, timeout: float, window: PageWindow | None = None) -> None:
        self.timeout = timeout
        self.spent = 0.0
        self.hops: list[Hop] = []
        self.retries = 0
        #: The URL being requested (the last hop's target).
        self.current = ""
        self.window = window
        #: A place of ``window`` is held: its request was sent, its body not let go.
        self.holds_place = False

    def give_place(self) -> None:
        """Give the trip's place in its window back, if it holds one."""
        if self.holds_place and self.window is not None:
            self.holds_place = False
            self.window.give()

    @property
    def response_ms(self) -> int:
        return round(self.spent * 1000)


def _is_tls_error(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _describe(exc: BaseException) -> str:
    seen: BaseException | None = exc
    while seen is not None and not str(seen):
        seen = seen.__cause__ or seen.__context__
    return str(seen) if seen is not None else type(exc).__name__


async def exchange(
    client: httpx.AsyncClient,
    url: httpx.URL,
    trip: Trip,
    reading: Reading,
    conditional: dict[str, str],
) -> tuple[Answer, httpx.URL | None]:
    """One GET within the trip's remaining deadline: the answer, and where it redirects.

    Raises :class:`~scrapers.fetch.results.FetchError` with the verdict for timeouts, TLS and
    body failures, and :class:`RetryableError` for connection failures that may pass.
    """
    remaining = trip.timeout - trip.spent
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        if remaining <= 0:
            raise TimeoutError
        async with asyncio.timeout(remaining):
            request = client.build_request(
                "GET", url, headers={"Accept": reading.accept, **conditional}
            )
            response = await client.send(request, stream=True)
            try:
                return await _read(response, reading)
            finally:
                await response.aclose()
    except (TimeoutError, httpx.TimeoutException):
        raise FetchError(
            LinkStatus.TIMEOUT, f"no complete answer within {trip.timeout:g} s"
        ) from None
    except httpx.TransportError as exc:
        if _is_tls_error(exc):
            raise FetchError(LinkStatus.TLS_ERROR, f"TLS: {_describe(exc)}") from None
        if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
            raise RetryableError(_describe(exc)) from None
        raise FetchError(LinkStatus.BROKEN, _describe(exc)) from None
    finally:
        trip.spent += loop.time() - started


async def _read(response: httpx.Response, reading: Reading) -> tuple[Answer, httpx.URL | None]:
    status = response.status_code
    headers = response.headers
    answer = Answer(url=str(response.url), status=status, headers=headers)
    if status in _REDIRECTS:
        return answer, _location(response)
    if not 200 <= status < 300:
        return answer, None
    if reading.html_only and media_type(headers.get("content-type")) not in (None, *HTML_TYPES):
        return answer, None
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > reading.limit and not reading.truncate:
        raise BodyOverCapError(
            LinkStatus.BROKEN,
            f"body of {int(declared):,} bytes is over the {reading.limit:,}-byte cap",
            http_status=status,
        )
    try:
        body = await read_body(
            response.aiter_raw(),
            headers.get("content-encoding"),
            reading.limit,
            truncate=reading.truncate,
        )
    except BodyTooLargeError:
        raise BodyOverCapError(
            LinkStatus.BROKEN,
            f"body over the {reading.limit:,}-byte cap once decompressed",
            http_status=status,
        ) from None
    except BodyUnreadableError as exc:
        raise FetchError(LinkStatus.BROKEN, str(exc), http_status=status) from None
    return Answer(url=answer.url, status=status, headers=headers, body=body), None


def _location(response: httpx.Response) -> httpx.URL:
    location = response.headers.get("location")
    if not location:
        raise FetchError(
            LinkStatus.BROKEN,
            f"{response.status_code} redirect without a Location",
            http_status=response.status_code,
        )
    try:
        return response.url.join(location).copy_with(fragment=None)
    except httpx.InvalidURL as exc:
        raise FetchError(
            LinkStatus.BROKEN,
            f"redirect to an invalid URL: {exc}",
            http_status=response.status_code,
        ) from None
